"""The demo's knowledge base: the articles in demo/articles.py, written through
knowledge.services by the people who own them, and a history of their use, so the
portal's suggestions, the help centre and the manager's knowledge report have content.

Articles are looked up by title, so a second run adds only what is missing. Their use
(drafts made from resolved demo tickets, articles linked to tickets as they were solved,
"Was this helpful?" answers, searches, and new-ticket forms that showed suggestions,
some of them solved there) is added once, to a knowledge base nobody has used yet: a
re-run does not count the same history twice. Search figures are what search_articles
finds for each query, so the report's "no good result" is the search's own verdict.
"""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from demo.articles import ARCHIVED, ARTICLES, SEARCHES, VALIDATED
from demo.people import END_USERS, Demo
from demo.scale import SCALE_SOURCE
from knowledge import services
from knowledge.models import (
    PUBLISHED,
    Article,
    ArticleTicketLink,
    Audience,
    Confidence,
    SearchLog,
)
from knowledge.models.activity import Where
from knowledge.selectors import search_articles
from tickets.models import Status, Ticket

HISTORY_DAYS = 60  # how far back people have been using the articles
FROM_TICKETS = ("VPN", "Printing", "Email")  # services whose latest solved ticket became a draft
GOOD_LINK = 0.3  # a hit scoring this is the article an engineer would have linked
DEFLECTIONS = 45
HELPFUL = ("", "Fixed it, thanks.", "Clear steps.", "Worked first time.")
UNHELPFUL = ("Didn't work for me.", "The menu looks different on my laptop.",
             "Too technical.", "I still had to file a ticket.")


def seed_knowledge(demo: Demo, *, seed: int = 2024, now: datetime | None = None) -> int:
    """Write the demo articles that are missing and, the first time, their use; returns
    how many articles it wrote."""
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    existing = set(Article.objects.values_list("title", flat=True))
    with transaction.atomic():
        made = [_write(demo, spec, now) for spec in (*ARTICLES, ARCHIVED)
                if spec[0] not in existing]
        if SearchLog.objects.exists() or ArticleTicketLink.objects.exists():
            return len(made)
        drafts = _drafts_from_tickets(now)
        _links(rng, now)
        _feedback(demo, rng, now)
        _searches(demo, rng, now)
        _deflections(demo, rng, now)
    return len(made) + len(drafts)


def _write(demo: Demo, spec: tuple, now: datetime) -> Article:
    title, symptoms, cause, resolution, extra = spec
    owner = demo.users[extra["owner"]]
    written = now - timedelta(days=extra["age"], hours=3)
    review = extra.get("review")
    article = Article(
        title=title, symptoms=symptoms, cause=cause, resolution=resolution,
        audience=extra["audience"], confidence=extra.get("confidence", VALIDATED),
        category=demo.categories[extra["category"]], owner=owner,
        asset_kinds=extra.get("asset_kinds", []),
        review_at=timezone.localdate(now) + timedelta(days=review) if review is not None
        else None)
    article = services.article_create(
        actor=owner, article=article, now=written,
        services=[demo.services[name] for name in extra.get("services", [])])
    if "archived" in extra:
        article.confidence = Confidence.ARCHIVED
        article.review_at = None
        services.article_update(actor=owner, article=article, note="client 3.9 retired",
                                now=now - timedelta(days=extra["archived"]))
    return article


def _solved(**filters):
    return (Ticket.objects.exclude(source=SCALE_SOURCE)
            .filter(status__in=(Status.RESOLVED, Status.CLOSED), resolved_at__isnull=False,
                    assignee__isnull=False, **filters)
            .select_related("assignee", "service"))


def _drafts_from_tickets(now: datetime) -> list[Article]:
    """The latest solved ticket of each of FROM_TICKETS' services, turned into an
    internal draft by the engineer who solved it, an hour after."""
    drafts = []
    for name in FROM_TICKETS:
        ticket = _solved(service__name=name).order_by("-resolved_at").first()
        if ticket is not None:
            at = min(ticket.resolved_at + timedelta(hours=1), now)
            drafts.append(services.article_create_from_ticket(ticket=ticket,
                                                              actor=ticket.assignee, now=at))
    return drafts


def _links(rng: random.Random, now: datetime) -> None:
    """Engineers link the article they used to about half the tickets it fits, as they
    solve them (the report's "resolved with an article")."""
    since = now - timedelta(days=HISTORY_DAYS)
    for ticket in _solved(resolved_at__gte=since, service__isnull=False).order_by("pk"):
        if rng.random() >= 0.5:
            continue
        hits = search_articles(ticket.assignee, ticket.title, service=ticket.service, limit=1)
        if hits and hits[0].score >= GOOD_LINK and hits[0].article.created_at < ticket.resolved_at:
            services.article_link_ticket(article=hits[0].article, ticket=ticket,
                                         actor=ticket.assignee, now=ticket.resolved_at)


def _moment(rng: random.Random, now: datetime, after: datetime | None = None) -> datetime:
    """A working-day moment in the history (after `after`, if given)."""
    start = max(now - timedelta(days=HISTORY_DAYS), after or now - timedelta(days=HISTORY_DAYS))
    for _ in range(20):
        day = start + timedelta(seconds=rng.uniform(0, (now - start).total_seconds()))
        local = timezone.localtime(day)
        at = local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
        if at.weekday() < 5 and start < at < now:
            return at
    return now - timedelta(minutes=5)


def _feedback(demo: Demo, rng: random.Random, now: datetime) -> None:
    """A few answers to "Was this helpful?" on most published articles: end users on
    theirs, engineers on the internal ones. About three in four say yes."""
    readers = {"end": [demo.users[u] for u in END_USERS] + [demo.users["manny"]],
               "agents": [demo.users[u] for u in ("dee", "dan", "ada")]}
    for article in Article.objects.filter(confidence__in=PUBLISHED).order_by("pk"):
        who = readers["agents" if article.audience == Audience.INTERNAL else "end"]
        for user in rng.sample(who, rng.randint(0, len(who))):
            if user.pk == article.owner_id:
                continue
            helpful = rng.random() < 0.75
            services.article_feedback_record(
                article=article, actor=user, helpful=helpful,
                reason=rng.choice(HELPFUL if helpful else UNHELPFUL),
                now=_moment(rng, now, after=article.created_at))


def _searches(demo: Demo, rng: random.Random, now: datetime) -> None:
    """SEARCHES, each as often as it says, by end users on the portal and the help
    centre, visitors on the help centre and engineers on the desk."""
    people = [(None, Where.HELP)] + [(demo.users[u], Where.PORTAL) for u in END_USERS] + \
        [(demo.users[u], Where.HELP) for u in END_USERS[:2]] + \
        [(demo.users[u], Where.DESK) for u in ("dee", "dan")]
    for query, times in SEARCHES:
        for _ in range(times):
            user, where = rng.choice(people)
            at = _moment(rng, now)
            hits = [h for h in search_articles(user, query, unpublished=where == Where.DESK)
                    if h.article.created_at < at]  # what there was to find then
            services.search_record(query=query, results=len(hits),
                                   top_score=hits[0].score if hits else None, where=where,
                                   user=user, now=at)


def _deflections(demo: Demo, rng: random.Random, now: datetime) -> None:
    """New-ticket forms that showed suggestions; about two in five ended there, solved."""
    wanted = [q for q, _ in SEARCHES if search_articles(demo.users[END_USERS[0]], q)]
    for _ in range(DEFLECTIONS):
        user, query = demo.users[rng.choice(END_USERS)], rng.choice(wanted)
        at = _moment(rng, now)
        hits = [h for h in search_articles(user, query, limit=3) if h.article.created_at < at]
        if not hits:
            continue
        deflection = services.deflection_record(
            user=user, query=query, shown=[h.article.pk for h in hits], now=at,
            service=next(iter(hits[0].article.services.all()), None))
        if rng.random() < 0.4:
            services.deflection_solve(deflection=deflection, article=hits[0].article,
                                      actor=user, now=at + timedelta(minutes=rng.randint(1, 6)))
