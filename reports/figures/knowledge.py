"""Knowledge: whether the knowledge base answers people, from what they do with it.

Deflection rate = filings ended by "This solved it" ÷ filings that showed suggestions
(knowledge.Deflection); a filing counts in the period it began, however late it was solved.
Found helpful = "yes" ÷ answers to "Was this helpful?" given in the period (answering again
replaces the first answer, and counts when it was given). Resolved with an article: tickets
resolved in the period (common.resolved_between, as every report counts them; read from
the day facts) with an article linked to them. Searches with no good result: searches and
suggestions in the period that found nothing, or nothing scoring GOOD_SCORE, grouped by
their text — what to write next. Due for review: articles whose review date has come,
archived ones aside; a current state, so the period does not apply.

Filters: a service narrows filings (the service chosen on the form), answers and articles
(the article's services) and tickets; a team narrows tickets only. Searches record no
service, and nothing here has a kind or a priority.
"""

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from itsm.models import Team
from knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleTicketLink,
    Audience,
    Confidence,
    Deflection,
    SearchLog,
)
from reports import buckets
from reports import facts as f
from reports.figures import colors, common
from reports.params import Filters
from reports.tables import (
    DATE,
    DATETIME,
    MONTH,
    PERCENT,
    TEXT,
    Chart,
    Column,
    Figure,
    Report,
    Section,
    Table,
    cap,
    pct,
)

TITLE = "Knowledge"
# A search whose best score is under this found nothing good: knowledge.selectors.search
# scores a clear match 0.6 and more, a single loosely matching word about 0.2.
GOOD_SCORE = 0.3
REASON_CHARS = 500
CHARTED = 10  # rows drawn on a bar chart of a list; the table has the rest
LABEL_CHARS = 24
NO_OWNER = "No owner"
FILED, SOLVED = "#90a4ae", colors.GOOD


def _label(text: str) -> str:
    """A chart label short enough to sit beside a bar on a phone; the table has it whole."""
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip() + "…"


def _limited(rows, limit):
    return rows[: limit + 1] if limit else rows


def article_url(pk: int) -> str:
    return reverse("knowledge:desk_article", args=[pk])


def _of_service(rows, filters, field: str = "article_id"):
    """Rows about articles that apply to the filter's service (when there is one)."""
    if filters.service is None:
        return rows
    applies = Article.services.through.objects.filter(service_id=filters.service.pk)
    return rows.filter(**{f"{field}__in": applies.values("article_id")})


def deflections(filters, start, end):
    rows = Deflection.objects.filter(at__gte=start, at__lt=end)
    if filters.service is not None:
        rows = rows.filter(service_id=filters.service.pk)
    return rows


def deflections_by_slot(filters, since, period, trend) -> dict[int, dict]:
    """Filings shown and solved in each slot (reports.buckets) from `since` to the period's
    end: one grouped query for the page's table and the dashboard's trend alike."""
    rows = (deflections(filters, since, period.end)
            .annotate(slot=buckets.slot("at", period, trend)).order_by().values("slot")
            .annotate(shown=Count("pk"), solved=Count("pk", filter=Q(solved_at__isnull=False))))
    return {row["slot"]: row for row in rows}


def _rate(rows) -> float | None:
    return pct(sum(r["solved"] for r in rows), sum(r["shown"] for r in rows))


def feedback(filters, start, end):
    return _of_service(ArticleFeedback.objects.filter(at__gte=start, at__lt=end), filters)


def ticket_filters(filters) -> Filters:
    """Tickets are narrowed by team and service only."""
    return Filters(team=filters.team, service=filters.service)


def linked_resolved(filters, start, end) -> Q:
    """Of the article links (joined to their tickets), those of tickets resolved in the
    period. Few tickets have an article, so the report counts every link with this as an
    aggregate's FILTER rather than a WHERE: in a WHERE, Postgres merge-joins the links to
    the tickets in id order, expecting the period's tickets spread evenly over the ids,
    and walks most of the million tickets to reach the recent ones."""
    return Q(ticket_filters(filters).q("ticket__"), ticket__status__in=common.DONE_WITH_RESOLUTION,
             ticket__resolved_at__gte=start, ticket__resolved_at__lt=end)


def resolved_by_team(period, filters) -> list[dict]:
    """[{team__name, resolved, linked}] by team name, no team last: resolved from the day
    facts (a resolution counts on its local day, as common.resolved_between counts it), those
    with an article from the links; each ticket once, however many articles it has."""
    # The name is looked up once per team group (GROUP BY is the id alone), not per fact row.
    name = Subquery(Team.objects.filter(pk=OuterRef("team_id")).order_by().values("name"))
    resolved = (f.rows(f.DAY, ticket_filters(filters), period.first_day, period.last_day)
                .values("team_id").annotate(resolved=Sum("resolved")).annotate(name=name))
    linked = (ArticleTicketLink.objects.order_by().values("ticket__team__name").annotate(
        linked=Count("ticket_id", distinct=True,
                     filter=linked_resolved(filters, period.start, period.end))))
    # By name, as the tickets' team names were grouped: a deleted team's facts keep its id
    # until they are rebuilt, and its tickets count under no team meanwhile.
    by_name: dict = {}
    counts = [(r["name"], "resolved", r["resolved"]) for r in resolved]
    counts += [(r["ticket__team__name"], "linked", r["linked"]) for r in linked]
    for team, measure, count in counts:
        if count:  # zero: appended fact rows that cancelled out, or no link in the period
            found = by_name.setdefault(team, {"team__name": team, "resolved": 0, "linked": 0})
            found[measure] += count
    return sorted(by_name.values(), key=lambda r: (r["team__name"] is None,
                                                    r["team__name"] or ""))


def no_good_result() -> Q:
    return Q(results=0) | Q(top_score__lt=GOOD_SCORE)


def due_for_review(filters, today):
    rows = Article.objects.filter(review_at__lte=today).exclude(confidence=Confidence.ARCHIVED)
    return _of_service(rows, filters, field="pk")


def _flow_rows(slots: dict, trend, now) -> list[dict]:
    rows = []
    for n, bucket in enumerate(trend):
        if bucket.start > now:
            break  # not begun: nothing to count yet
        found = slots.get(n, {"shown": 0, "solved": 0})
        rows.append({"from": bucket.first_day, "shown": found["shown"],
                     "solved": found["solved"], "filed": found["shown"] - found["solved"],
                     "rate": pct(found["solved"], found["shown"])})
    return rows


def _deflection_section(period, filters, now, limit):
    trend = buckets.of(period)
    slots = deflections_by_slot(filters, period.start, period, trend)
    flow = _flow_rows(slots, trend, now)
    solved_by = list(_limited(
        deflections(filters, period.start, period.end).filter(solved_by__isnull=False)
        .order_by().values("solved_by_id", "solved_by__title").annotate(filings=Count("pk"))
        .order_by("-filings", "solved_by__title"), limit))
    solved_by, truncated = cap(solved_by, limit)
    unit = trend[0].unit if trend else "day"
    first = Column("from", {"day": "Day", "week": "Week from", "month": "Month"}[unit],
                   MONTH if unit == "month" else DATE)
    shown = sum(r["shown"] for r in flow)
    section = Section("Found while filing", anchor="deflection",
                      intro="Filings of a ticket that showed suggested articles, and how "
                            "many ended with “This solved it” instead of a ticket.", tables=[
        Table("deflection", f"Filings per {unit}", [
            first, Column("shown", "Showed suggestions"),
            Column("solved", "Ended by “This solved it”"),
            Column("filed", "Filed anyway", minor=True),
            Column("rate", "Deflection rate", PERCENT)], flow if shown else [],
            empty="No filing showed suggestions in this period."),
        Table("solved_by", "Articles that ended filings", [
            Column("article", "Article", TEXT), Column("filings", "Filings ended")],
            [{"article": r["solved_by__title"], "article_url": article_url(r["solved_by_id"]),
              "filings": r["filings"]} for r in solved_by], truncated=truncated,
            empty="No filing ended with “This solved it” in this period."),
    ], chart=Chart("bar", [b.label for b in trend[:len(flow)]], [
        {"label": "Ended by “This solved it”", "data": [r["solved"] for r in flow],
         "stack": "filings", "color": SOLVED},
        {"label": "Filed anyway", "data": [r["filed"] for r in flow], "stack": "filings",
         "color": FILED}], stacked=True, title=f"Filings that showed suggestions, per {unit}")
        if shown else None)
    return section, flow


def _helpfulness_section(period, filters, limit):
    answers = feedback(filters, period.start, period.end)
    # Every article answered (at most one row per article) makes the totals too.
    answered = list(answers.order_by().values("article_id", "article__title")
                    .annotate(yes=Count("pk", filter=Q(helpful=True)),
                              no=Count("pk", filter=Q(helpful=False)), answers=Count("pk"))
                    .order_by("-answers", "article__title", "article_id"))
    totals = {"yes": sum(r["yes"] for r in answered), "no": sum(r["no"] for r in answered)}
    by_article, truncated = cap(answered, limit)
    reasons, reasons_truncated = cap(list(_limited(
        answers.exclude(reason="").order_by("-at", "-pk")
        .values("article_id", "article__title", "helpful", "reason", "at"), limit)), limit)
    rows = [{"article": r["article__title"], "article_url": article_url(r["article_id"]),
             "answers": r["answers"], "yes": r["yes"], "no": r["no"],
             "helpful": pct(r["yes"], r["answers"])} for r in by_article]
    charted = rows[:CHARTED]
    section = Section("Was this helpful?", anchor="helpfulness",
                      intro="Answers people gave under an article, by article.", tables=[
        Table("helpfulness", "Answers by article", [
            Column("article", "Article", TEXT), Column("answers", "Answers"),
            Column("yes", "Yes"), Column("no", "No"),
            Column("helpful", "Found helpful", PERCENT)], rows, truncated=truncated,
            empty="Nobody answered “Was this helpful?” in this period."),
        Table("reasons", "Reasons given", [
            Column("article", "Article", TEXT), Column("answer", "Helpful", TEXT),
            Column("reason", "Reason", TEXT), Column("at", "Answered", DATETIME, minor=True)],
            [{"article": r["article__title"], "article_url": article_url(r["article_id"]),
              "answer": "Yes" if r["helpful"] else "No", "reason": r["reason"][:REASON_CHARS],
              "at": r["at"]} for r in reasons], truncated=reasons_truncated,
            empty="No reason was given in this period."),
    ], chart=Chart("bar", [_label(r["article"]) for r in charted], [
        {"label": "Yes", "data": [r["yes"] for r in charted], "stack": "a",
         "color": colors.GOOD},
        {"label": "No", "data": [r["no"] for r in charted], "stack": "a", "color": colors.BAD}],
        stacked=True, horizontal=True, title="Yes and no, by article") if rows else None)
    return section, totals


def _tickets_section(period, filters, limit):
    by_team = resolved_by_team(period, filters)
    articles, truncated = cap(list(_limited(
        ArticleTicketLink.objects.order_by().values("article_id", "article__title")
        .annotate(tickets=Count("pk", filter=linked_resolved(filters, period.start,
                                                             period.end)))
        .filter(tickets__gt=0).order_by("-tickets", "article__title", "article_id"), limit)), limit)
    team_rows = [{"team": r["team__name"] or common.NO_TEAM, "resolved": r["resolved"],
                  "linked": r["linked"], "share": pct(r["linked"], r["resolved"])}
                 for r in by_team]
    section = Section("Tickets resolved with an article", anchor="tickets",
                      intro="Tickets resolved in the period that have a knowledge article "
                            "linked to them.", tables=[
        Table("tickets", "Resolved tickets by team", [
            Column("team", "Team", TEXT), Column("resolved", "Resolved"),
            Column("linked", "With an article"), Column("share", "Share", PERCENT)],
            team_rows, empty="No ticket was resolved in this period."),
        Table("linked_articles", "Articles linked to resolved tickets", [
            Column("article", "Article", TEXT), Column("tickets", "Tickets resolved")],
            [{"article": r["article__title"], "article_url": article_url(r["article_id"]),
              "tickets": r["tickets"]} for r in articles], truncated=truncated,
            empty="No ticket resolved in this period has a linked article."),
    ], chart=Chart("bar", [r["team"] for r in team_rows], [
        {"label": "With an article", "data": [r["share"] for r in team_rows]}], unit="%",
        horizontal=True, title="Share resolved with an article, by team")
        if team_rows else None)
    totals = {"resolved": sum(r["resolved"] for r in by_team),
              "linked": sum(r["linked"] for r in by_team)}
    return section, totals


def _searches_section(period, limit):
    logged = SearchLog.objects.filter(at__gte=period.start, at__lt=period.end)
    totals = logged.aggregate(searches=Count("pk"), no_good=Count("pk", filter=no_good_result()))
    top, truncated = cap(list(_limited(
        logged.filter(no_good_result()).exclude(query="").annotate(text=Lower("query"))
        .order_by().values("text").annotate(times=Count("pk"), last=Max("at"))
        .order_by("-times", "-last", "text"), limit)), limit)
    rows = [{"query": r["text"], "times": r["times"], "last": r["last"]} for r in top]
    charted = rows[:CHARTED]
    section = Section("Searches with no good result", anchor="searches",
                      intro="What people looked for in the help centre, on the new-ticket "
                            "form and at the desk, and did not find: what to write next.",
                      tables=[Table("searches", "Top searches with no good result", [
                          Column("query", "Search", TEXT), Column("times", "Times"),
                          Column("last", "Last searched", DATETIME, minor=True)], rows,
                          truncated=truncated,
                          empty="Every search in this period found a good result.")],
                      chart=Chart("bar", [_label(r["query"]) for r in charted], [
                          {"label": "Times", "data": [r["times"] for r in charted]}],
                          horizontal=True, title="Most repeated") if rows else None)
    return section, totals


def _review_section(filters, today, limit):
    # The count rides along as a window over every due article, before the list is cut.
    rows, truncated = cap(list(_limited(
        due_for_review(filters, today).annotate(due=Window(Count("pk")))
        .order_by("review_at", "title", "pk").values(
            "pk", "title", "review_at", "confidence", "audience", "owner__username",
            "owner__first_name", "owner__last_name", "due"), limit)), limit)
    table_rows = [{
        "article": r["title"], "article_url": article_url(r["pk"]),
        "owner": common.person(r["owner__first_name"], r["owner__last_name"],
                               r["owner__username"]) if r["owner__username"] else NO_OWNER,
        "review_at": r["review_at"], "overdue": (today - r["review_at"]).days,
        "confidence": Confidence(r["confidence"]).label,
        "audience": Audience(r["audience"]).label.split(" (")[0],
    } for r in rows]
    section = Section("Articles due for review", anchor="review",
                      intro=f"Articles whose review date is {today:%-d %b %Y} or before, the "
                            "most overdue first; archived articles aside.", tables=[
        Table("review", "Articles past their review date", [
            Column("article", "Article", TEXT), Column("owner", "Owner", TEXT, minor=True),
            Column("review_at", "Review date", DATE), Column("overdue", "Days overdue"),
            Column("confidence", "Confidence", TEXT, minor=True),
            Column("audience", "Audience", TEXT, minor=True)], table_rows,
            truncated=truncated, empty="No article is due for review.")])
    return section, rows[0]["due"] if rows else 0


def build(period, filters, *, limit: int | None = 20, now=None) -> Report:
    now = now or timezone.now()
    deflection, flow = _deflection_section(period, filters, now, limit)
    helpfulness, answers = _helpfulness_section(period, filters, limit)
    tickets, resolved = _tickets_section(period, filters, limit)
    searches, searched = _searches_section(period, limit)
    review, due = _review_section(filters, timezone.localdate(now), limit)
    shown, solved = sum(r["shown"] for r in flow), sum(r["solved"] for r in flow)
    given = answers["yes"] + answers["no"]
    report = Report("knowledge", TITLE, period, filters, summary=[
        Figure("deflection_rate", "Deflection rate", pct(solved, shown), PERCENT, better="up",
               hint=f"{solved} of {shown} filings that showed suggestions"),
        Figure("helpful", "Found helpful", pct(answers["yes"], given), PERCENT, better="up",
               hint=f"{answers['yes']} of {given} answers"),
        Figure("resolved_with_article", "Resolved with an article",
               pct(resolved["linked"], resolved["resolved"]), PERCENT, better="up",
               hint=f"{resolved['linked']} of {resolved['resolved']} resolved tickets"),
        Figure("no_good_searches", "Searches with no good result",
               pct(searched["no_good"], searched["searches"]), PERCENT, better="down",
               hint=f"{searched['no_good']} of {searched['searches']} searches"),
        Figure("due_for_review", "Due for review now", due, better="down"),
    ])
    if filters.team is not None:
        report.notes.append("The team filter applies to resolved tickets only: filings, "
                            "answers, searches and articles belong to no team.")
    if filters.service is not None:
        report.notes.append("The service filter does not apply to searches: Tend records "
                            "no service with a search.")
    if filters.kind or filters.priority:
        report.notes.append("Kind and priority filters do not apply to the knowledge report.")
    report.sections = [deflection, helpfulness, tickets, searches, review]
    return report


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    """The deflection rate with the previous period and its trend: one grouped query."""
    now = now or timezone.now()
    trend = buckets.of(current)
    slots = deflections_by_slot(filters, previous.start, current, trend)
    this_period = [slots[n] for n in range(len(trend)) if n in slots]
    before = [slots[buckets.BEFORE_SLOT]] if buckets.BEFORE_SLOT in slots else []
    series = [_rate([slots[n]]) if n in slots else None for n in range(len(trend))]
    return [Figure("deflection_rate", "Deflection rate", _rate(this_period), PERCENT,
                   better="up", previous=_rate(before),
                   series=buckets.observed(series, trend, now))]
