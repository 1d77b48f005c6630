"""The desk's knowledge pages: list, write and edit articles, versions and restore, and
"Create article" from a resolved ticket. Support staff read; support engineers write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from itsm.web.access import desk_action, desk_form_page, desk_page
from itsm.web.forms import add_service_errors, error_text
from itsm.web.paging import CappedPaginator
from knowledge import rules, selectors, services
from knowledge.models import Article, Audience, Confidence
from knowledge.models.activity import Where
from knowledge.selectors.visibility import with_solved_count
from knowledge.web.desk.forms import ArticleForm
from tickets.selectors import get_visible_ticket


def _article(user, pk) -> Article:
    found = selectors.article_detail(user, pk)
    if found is None:
        raise Http404
    return found


@desk_page
def articles(request):
    user, query = request.user, request.GET.get("q", "").strip()[:200]
    filters = {k: request.GET.get(k, "") for k in ("audience", "confidence", "review")}
    rows = with_solved_count(selectors.visible_articles(user, unpublished=True)) \
        .select_related("owner", "category").defer("search")
    if filters["audience"] in Audience.values:
        rows = rows.filter(audience=filters["audience"])
    if filters["confidence"] in Confidence.values:
        rows = rows.filter(confidence=filters["confidence"])
    if filters["review"] == "due":
        rows = rows.filter(review_at__lte=timezone.localdate())
    hits = None
    if query:
        hits = selectors.search_articles(user, query, limit=20, unpublished=True)
        services.search_record(query=query, results=len(hits), where=Where.DESK,
                               top_score=hits[0].score if hits else None, user=user)
        # At most 20 hits, in their ranking order, on one page.
        order = {h.article.pk: n for n, h in enumerate(hits)}
        shown, page = sorted(rows.filter(pk__in=order), key=lambda a: order[a.pk]), None
    else:
        due = Case(When(review_at__lte=timezone.localdate(), then=0), default=1)
        rows = rows.order_by(due, "title", "pk")  # articles due for review first
        page = CappedPaginator(rows, 25).get_page(request.GET.get("page"))
        shown = page.object_list
    return render(request, "knowledge/desk/articles.html", {
        "articles": shown, "page": page, "query": query, "filters": filters,
        "filtered": bool(query or any(filters.values())), "today": timezone.localdate(),
        "audiences": Audience.choices, "confidences": Confidence.choices,
        "can_write": rules.can_write(user)})


@desk_page
def article_detail(request, pk):
    article = _article(request.user, pk)
    return render(request, "knowledge/desk/article.html", {
        "article": article, "services": list(article.services.all()),
        "files": selectors.article_files(article),
        "versions": list(article.versions.select_related("by").order_by("-number")),
        "links": list(article.ticket_links.select_related("ticket", "by")[:50]),
        "helpful": article.feedback.filter(helpful=True).count(),
        "unhelpful": list(article.feedback.filter(helpful=False).select_related("user")[:20]),
        "can_write": rules.can_write(request.user)})


def _form(request, article: Article | None):
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES, instance=article)
        if form.is_valid():
            obj = form.save(commit=False)
            chosen, files = list(form.cleaned_data["services"]), form.cleaned_data["files"]
            try:
                if article is None:
                    obj = services.article_create(actor=request.user, article=obj,
                                                  services=chosen, files=files)
                else:
                    obj = services.article_update(
                        actor=request.user, article=obj, services=chosen, files=files,
                        remove=[f.pk for f in form.cleaned_data.get("remove", ())],
                        version=form.cleaned_data.get("version"))
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"“{obj.title}” saved as version {obj.version}.")
                return redirect(obj.get_desk_url())
        status = 400
    else:
        form, status = ArticleForm(instance=article), 200
    return render(request, "knowledge/desk/article_form.html", {
        "form": form, "article": article}, status=status)


@desk_form_page
def article_new(request):
    return _form(request, None)


@desk_form_page
def article_edit(request, pk):
    return _form(request, _article(request.user, pk))


@desk_page
def version_detail(request, pk, number):
    article = _article(request.user, pk)
    version = article.versions.select_related("by").filter(number=number).first()
    if version is None:
        raise Http404
    return render(request, "knowledge/desk/version.html", {
        "article": article, "version": version,
        "files": selectors.version_files(article, version.attachment_ids),
        "can_write": rules.can_write(request.user)})


@desk_action
def version_restore(request, pk, number):
    article = _article(request.user, pk)
    try:
        restored = services.article_restore(actor=request.user, article=article, number=number)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error) if isinstance(error, ValidationError)
                       else str(error))
    else:
        messages.success(request, f"Version {number} restored as version {restored.version}.")
    return redirect(article.get_desk_url())


@desk_action
def article_from_ticket(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    try:
        article = services.article_create_from_ticket(ticket=ticket, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error) if isinstance(error, ValidationError)
                       else str(error))
        return redirect("desk:ticket", ref=ticket.ref)
    messages.success(request, f"Draft created from {ticket.ref} and linked to it: check it, "
                              "then publish.")
    return redirect("knowledge:desk_article_edit", pk=article.pk)


@desk_action
def article_link(request, pk, ref):
    """Link a suggested article to the ticket (the desk ticket page's suggestions panel)."""
    article, ticket = _article(request.user, pk), get_visible_ticket(request.user, ref)
    try:
        services.article_link_ticket(article=article, ticket=ticket, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error) if isinstance(error, ValidationError)
                       else str(error))
    else:
        messages.success(request, f"“{article.title}” linked to {ticket.ref}.")
    return redirect("desk:ticket", ref=ticket.ref)


SUGGESTIONS = 5


@desk_page
def ticket_suggestions(request, ref):
    """The desk ticket page's suggested articles, an htmx fragment loaded after the page:
    up to five that may answer the ticket, not yet linked, each with the Markdown link a
    reply would use."""
    ticket, user = get_visible_ticket(request.user, ref), request.user
    linked = set(selectors.linked_articles(ticket, user).values_list("pk", flat=True))
    hits = [hit for hit in selectors.search_articles(user, ticket.title, service=ticket.service,
                                                     limit=SUGGESTIONS + len(linked))
            if hit.article.pk not in linked][:SUGGESTIONS]
    for hit in hits:
        url = request.build_absolute_uri(hit.article.get_absolute_url())
        hit.link_text = f"[{hit.article.title}]({url})"  # Markdown, as replies are written
    return render(request, "knowledge/_ticket_suggestions.html", {
        "ticket": ticket, "hits": hits, "can_work": user.is_agent})
