"""What people do with articles: "Was this helpful?", links to tickets, searches, deflections.

Reads that decide visibility come from knowledge.selectors: nobody can rate, link or be
deflected by an article they may not see (it is a 404 to them, ValidationError here).
"""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Service, User
from knowledge import rules
from knowledge.models import Article, ArticleFeedback, ArticleTicketLink, Deflection, SearchLog
from knowledge.models.activity import Where
from knowledge.selectors import visible_articles
from tickets.models import Ticket


def _visible(article: Article, user) -> bool:
    return visible_articles(user, unpublished=True).filter(pk=article.pk).exists()


@transaction.atomic
def article_feedback_record(*, article: Article, actor: User, helpful: bool, reason: str = "",
                            now: datetime | None = None) -> ArticleFeedback:
    """The user's answer to "Was this helpful?"; a second answer replaces the first."""
    now = now or timezone.now()
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Sign in to say whether an article helped.")
    if not _visible(article, actor):
        raise ValidationError({"article": ["No such article."]})
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": ["Keep the reason under 500 characters."]})
    feedback, _ = ArticleFeedback.objects.update_or_create(
        article=article, user=actor,
        defaults={"helpful": bool(helpful), "reason": reason, "at": now})
    return feedback


@transaction.atomic
def article_link_ticket(*, article: Article, ticket: Ticket, actor: User,
                        now: datetime | None = None) -> ArticleTicketLink:
    """Link an article to a ticket (once; linking again returns the existing link)."""
    now = now or timezone.now()
    if actor is None or not actor.is_authenticated or not actor.is_agent:
        raise PermissionDenied("Only support engineers link articles to tickets.")
    if not _visible(article, actor):
        raise ValidationError({"article": ["No such article."]})
    link, _ = ArticleTicketLink.objects.get_or_create(
        article=article, ticket=ticket, defaults={"by": actor, "at": now})
    return link


@transaction.atomic
def article_unlink_ticket(*, article: Article, ticket: Ticket, actor: User) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_agent:
        raise PermissionDenied("Only support engineers unlink articles from tickets.")
    ArticleTicketLink.objects.filter(article=article, ticket=ticket).delete()


@transaction.atomic
def search_record(*, query: str, results: int, top_score: float | None, where: str,
                  user=None, now: datetime | None = None) -> SearchLog:
    """Count one search: reports read what people looked for and how well it went."""
    if where not in Where.values:
        raise ValueError(f"unknown search place {where!r}")
    return SearchLog.objects.create(query=(query or "").strip()[:200], results=results,
                                    top_score=top_score, where=where,
                                    role=rules.role_of(user), at=now or timezone.now())


@transaction.atomic
def deflection_record(*, user, query: str, shown: Sequence[int], service: Service | None = None,
                      deflection: Deflection | None = None,
                      now: datetime | None = None) -> Deflection:
    """A filing that showed suggestions (the ids in `shown`), not yet solved. Given the
    `deflection` of the same filing (the user typed on), it is updated instead: one filing
    counts once however many times its suggestions change."""
    if not shown:
        raise ValidationError({"shown": ["A deflection needs the articles that were shown."]})
    user = user if user is not None and user.is_authenticated else None
    query, ids = (query or "").strip()[:200], [int(pk) for pk in shown]
    if deflection is not None:
        locked = Deflection.objects.select_for_update().filter(
            pk=deflection.pk, user=user, solved_at__isnull=True).first()
        if locked is not None:
            locked.query, locked.service = query, service
            locked.shown = list(dict.fromkeys([*locked.shown, *ids]))
            locked.save(update_fields=["query", "service", "shown"])
            return locked
    return Deflection.objects.create(user=user, query=query, service=service, shown=ids,
                                     at=now or timezone.now())


@transaction.atomic
def deflection_solve(*, deflection: Deflection, article: Article, actor,
                     now: datetime | None = None) -> Deflection:
    """"This solved it": the filing ends with no ticket. Saying it twice changes nothing."""
    now = now or timezone.now()
    locked = Deflection.objects.select_for_update().get(pk=deflection.pk)
    mine = actor is not None and actor.is_authenticated and locked.user_id == actor.pk
    if locked.user_id is not None and not mine:
        raise PermissionDenied("This is someone else's filing.")
    if article.pk not in locked.shown or not _visible(article, actor):
        raise ValidationError({"article": ["That article was not suggested here."]})
    if locked.solved_at is None:
        locked.solved_by, locked.solved_at = article, now
        locked.save(update_fields=["solved_by", "solved_at"])
    return locked
