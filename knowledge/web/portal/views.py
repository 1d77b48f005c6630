"""Suggestions while filing (the portal's new-ticket form): htmx fragments and "This solved it".

The form (tickets' template) includes knowledge/portal/_suggest_box.html, registered in
knowledge/apps.py; that box asks `suggest` for up to five articles as the title grows,
restricted to what the user may see and to the chosen service. A filing that showed
suggestions is one Deflection; "This solved it" ends it with no ticket.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from itsm.models import Service
from itsm.web.htmx import is_htmx
from knowledge import selectors, services, text
from knowledge.models import Deflection
from knowledge.models.activity import Where

SUGGESTIONS = 5
MIN_TERMS, MIN_LENGTH = 2, 8  # "after a few words of the title"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _deflection(request, value) -> Deflection | None:
    pk = _int(value)
    return Deflection.objects.filter(pk=pk, user=request.user).first() if pk else None


def _service(value) -> Service | None:
    pk = _int(value)
    return Service.objects.filter(pk=pk, is_active=True).first() if pk else None


@login_required
@require_GET
def suggest(request):
    title = request.GET.get("title", "").strip()[:200]
    service = _service(request.GET.get("service"))
    deflection = _deflection(request, request.GET.get("deflection"))
    hits = []
    if len(text.terms(title)) >= MIN_TERMS or len(title) >= MIN_LENGTH or text.codes(title):
        hits = selectors.search_articles(request.user, title, service=service,
                                         limit=SUGGESTIONS)
        services.search_record(query=title, results=len(hits), where=Where.PORTAL,
                               top_score=hits[0].score if hits else None, user=request.user)
    if hits:
        deflection = services.deflection_record(
            user=request.user, query=title, service=service, deflection=deflection,
            shown=[hit.article.pk for hit in hits])
    return render(request, "knowledge/portal/_suggestions.html", {
        "hits": hits, "deflection": deflection})


@login_required
@require_GET
def suggest_article(request, pk):
    article = selectors.article_detail(request.user, pk)
    if article is None or not article.is_published:
        raise Http404
    return render(request, "knowledge/portal/_preview.html", {
        "article": article,
        "deflection": _deflection(request, request.GET.get("deflection"))})


@login_required
@require_POST
def solved(request, pk):
    """"This solved it": the filing ends here, with no ticket."""
    deflection = _deflection(request, pk)
    if deflection is None:  # someone else's filing is a 404, like their ticket
        raise Http404
    article_pk = _int(request.POST.get("article"))
    if article_pk is None:
        return HttpResponseBadRequest("Say which article solved it.")
    article = selectors.article_detail(request.user, article_pk)
    if article is None:
        raise Http404
    try:
        services.deflection_solve(deflection=deflection, article=article, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        raise Http404 from error
    messages.success(request, f"Glad “{article.title}” solved it. No ticket was filed; "
                              "you can always report a problem if it comes back.")
    home = reverse("portal:home")
    if is_htmx(request):
        return HttpResponse(status=204, headers={"HX-Redirect": home})
    return redirect(home)
