"""The help centre: articles by category, search, an article page with "Was this helpful?".

Open to anyone: anonymous visitors see public articles, signed-in users customer ones too
(knowledge.selectors decides). An article the visitor may not see is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from itsm.web.forms import error_text
from knowledge import selectors, services
from knowledge.models import ArticleFeedback
from knowledge.models.activity import Where

RESULTS = 20


@require_GET
def home(request):
    query = request.GET.get("q", "").strip()[:200]
    hits = None
    if query:
        hits = selectors.search_articles(request.user, query, limit=RESULTS)
        services.search_record(query=query, results=len(hits), where=Where.HELP,
                               top_score=hits[0].score if hits else None, user=request.user)
    return render(request, "knowledge/help/home.html", {
        "query": query, "hits": hits,
        "categories": [] if query else selectors.help_categories(request.user)})


@require_GET
def article(request, pk):
    found = selectors.article_detail(request.user, pk)
    if found is None or not found.is_published:  # drafts stay on the desk
        raise Http404
    mine = None
    if request.user.is_authenticated:
        mine = ArticleFeedback.objects.filter(article=found, user=request.user).first()
    return render(request, "knowledge/help/article.html", {
        "article": found, "feedback": mine, "services": list(found.services.all()),
        "files": selectors.article_files(found)})


@login_required
@require_POST
def feedback(request, pk):
    found = selectors.article_detail(request.user, pk)
    if found is None or not found.is_published:
        raise Http404
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        messages.error(request, "Choose yes or no.")
        return redirect(found.get_absolute_url())
    try:
        services.article_feedback_record(article=found, actor=request.user,
                                         helpful=answer == "yes",
                                         reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Thank you: your answer helps us improve this article.")
    return redirect(found.get_absolute_url())
