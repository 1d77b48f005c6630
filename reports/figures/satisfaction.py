"""Satisfaction: ratings (1–5 stars) of the tickets resolved in the period, by team.

Response rate = rated ÷ resolved. A rating given later to a ticket resolved in the period
counts for the period of its resolution.
"""

from django.db.models import F

from itsm.models import Team
from reports import facts as f
from reports.figures import common, headline
from reports.tables import (
    DATETIME,
    FLOAT,
    INT,
    PERCENT,
    RATING,
    REF,
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

TITLE = "Satisfaction"
COMMENT_CHARS = 500
# Over the day facts' rated_1…rated_5 of the resolved tickets: how many rated, stars given.
RATED = F("rated_1") + F("rated_2") + F("rated_3") + F("rated_4") + F("rated_5")
STARS = F("rated_1") + 2 * F("rated_2") + 3 * F("rated_3") + 4 * F("rated_4") + \
    5 * F("rated_5")


def _average(total, rated):
    return round(total / rated, 2) if rated else None


def build(period, filters, *, limit: int | None = 20, now=None) -> Report:
    resolved = common.resolved_between(filters, period.start, period.end)
    days = f.rows(f.DAY, filters, period.first_day, period.last_day)
    grouped = [r for r in f.sums(days, ["team_id"], {"resolved": "resolved", "rated": RATED,
                                                    "stars": STARS}) if r["resolved"]]
    names = dict(Team.objects.filter(pk__in=[r["team_id"] for r in grouped if r["team_id"]])
                 .values_list("pk", "name"))
    # Teams by name (a team gone since is "No team", as its tickets' team is now).
    by_name: dict = {}
    for row in grouped:
        into = by_name.setdefault(names.get(row["team_id"]), {"resolved": 0, "rated": 0,
                                                              "stars": 0})
        for key in into:
            into[key] += row[key]
    by_team = [{"team__name": name, **values} for name, values in
               sorted(by_name.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]
    spread_row = (f.sums(days, [], {f"rated_{n}": f"rated_{n}" for n in range(1, 6)})
                  or [{}])[0]
    spread = {n: spread_row[f"rated_{n}"] for n in range(1, 6) if spread_row.get(f"rated_{n}")}
    comments = list(resolved.filter(rating__isnull=False).exclude(rating_comment="")
                    .order_by("-rated_at", "-pk")
                    .values("kind", "number", "title", "team__name", "rating",
                            "rating_comment", "rated_at")[: (limit + 1) if limit else None])
    comments, truncated = cap(comments, limit)

    resolved_n = sum(r["resolved"] for r in by_team)
    rated_n = sum(r["rated"] for r in by_team)
    stars = sum(r["stars"] or 0 for r in by_team)
    team_rows = [{"team": r["team__name"] or common.NO_TEAM, "resolved": r["resolved"],
                  "rated": r["rated"], "response_rate": pct(r["rated"], r["resolved"]),
                  "average": _average(r["stars"] or 0, r["rated"])} for r in by_team]
    spread_rows = [{"rating": n, "tickets": spread.get(n, 0), "share": pct(spread.get(n, 0),
                                                                          rated_n)}
                   for n in range(5, 0, -1)]
    comment_rows = [{
        "ref": common.ref(c["kind"], c["number"]),
        "ref_url": common.desk_url(c["kind"], c["number"]),
        "title": c["title"], "team": c["team__name"] or common.NO_TEAM, "rating": c["rating"],
        "comment": c["rating_comment"][:COMMENT_CHARS], "rated_at": c["rated_at"],
    } for c in comments]

    report = Report("satisfaction", TITLE, period, filters, summary=[
        Figure("average", "Average rating", _average(stars, rated_n), RATING, better="up",
               hint=f"{rated_n} ratings"),
        Figure("response_rate", "Response rate", pct(rated_n, resolved_n), PERCENT,
               better="up", hint=f"{rated_n} of {resolved_n} resolved tickets rated"),
    ])
    report.sections = [
        Section("By team", anchor="team", tables=[
            Table("by_team", "Ratings by team", [
                Column("team", "Team", TEXT), Column("resolved", "Resolved", INT),
                Column("rated", "Rated", INT), Column("response_rate", "Response rate", PERCENT),
                Column("average", "Average rating", FLOAT)], team_rows,
                empty="No ticket was resolved in this period.")],
            chart=Chart("bar", [r["team"] for r in team_rows], [
                {"label": "Average rating", "data": [r["average"] for r in team_rows]}],
                horizontal=True, title="Average rating (1–5)") if team_rows else None),
        Section("Ratings given", anchor="spread", tables=[
            Table("ratings", "How many tickets got each rating", [
                Column("rating", "Rating", RATING), Column("tickets", "Tickets", INT),
                Column("share", "Share", PERCENT)], spread_rows if rated_n else [],
                empty="No rating in this period.")],
            chart=Chart("bar", [f"{r['rating']} ★" for r in spread_rows], [
                {"label": "Tickets", "data": [r["tickets"] for r in spread_rows]}])
            if rated_n else None),
        Section("Recent comments", anchor="comments", tables=[
            Table("comments", "Latest comments left with a rating", [
                Column("ref", "Ticket", REF), Column("rating", "Rating", RATING),
                Column("comment", "Comment", TEXT), Column("team", "Team", TEXT, minor=True),
                Column("rated_at", "Rated", DATETIME, minor=True)], comment_rows,
                truncated=truncated, empty="No comment in this period.")]),
    ]
    return report


def needs() -> headline.Needs:
    return headline.Needs(aggregates={headline.RESOLVED: {
        "sat_resolved": "resolved", "sat_rated": RATED, "sat_stars": STARS}})


def from_found(found: headline.Found, current, previous, filters, now) -> list[Figure]:
    def value(span, name):
        return found.get(headline.RESOLVED, span, name) or 0

    def series(name):
        return [v or 0 for v in found.series(headline.RESOLVED, name)]

    stars, rated, resolved = series("sat_stars"), series("sat_rated"), series("sat_resolved")
    now_, before = headline.NOW, headline.BEFORE
    return [
        Figure("average", "Average rating", _average(value(now_, "sat_stars"),
                                                     value(now_, "sat_rated")),
               RATING, better="up",
               previous=_average(value(before, "sat_stars"), value(before, "sat_rated")),
               series=found.observed([_average(s, r) for s, r in zip(stars, rated,
                                                                     strict=True)])),
        Figure("response_rate", "Rating response rate",
               pct(value(now_, "sat_rated"), value(now_, "sat_resolved")), PERCENT,
               better="up", previous=pct(value(before, "sat_rated"),
                                         value(before, "sat_resolved")),
               series=found.observed([pct(r, n) for r, n in zip(rated, resolved,
                                                                strict=True)])),
    ]


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    found = headline.gather([needs()], filters, previous, current, now)
    return from_found(found, current, previous, filters, now)
