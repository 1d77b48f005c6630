"""Problems and recurrence: whether finding causes makes incidents stop coming back.

Repeat-incident rate, incidents explained, incidents after a known error and proactive
effort are defined in reports.figures.balance (the dashboard's balance panel reads the
same queries). Besides them: the share of open problems whose known error is published
(a current state); the mean time to root cause of problems whose root cause was found in
the period (problem ticket created -> root_cause_at); problems opened (problem tickets
created) and closed (closed_at of a closed problem ticket) per bucket; risk-accepted
problems whose review date has come (a current state).

Every figure links to the records it counts: a desk list where one lists exactly them,
otherwise the section of this page that lists each record, linked to its desk page.
Filters: team and service narrow incidents, problems (their ticket's) and logged time;
kind and priority do not apply.
"""

from collections import defaultdict

from django.db.models import Avg, Count, OuterRef, Subquery, Window
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from problems.models import OPEN_STAGES, ProblemIncident, Proposal, Stage
from reports import buckets, formatting
from reports import facts as f
from reports.figures import balance, colors, common
from reports.sql import elapsed
from reports.tables import (
    DATE,
    DATETIME,
    MINUTES,
    MONTH,
    PERCENT,
    REF,
    SECONDS,
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
from tickets.models import Kind

TITLE = "Problems and recurrence"
OPENED, CLOSED = "#5b7fd6", colors.GOOD


def _limited(rows, limit):
    return rows[: limit + 1] if limit else rows


def problem_url(pk: int, number: int) -> str:
    try:
        return reverse("problems:desk_problem", args=[pk])
    except NoReverseMatch:
        return common.desk_url(Kind.PROBLEM, number)


def _first_link(field: str):
    """A value of the first problem linked to the outer incident."""
    return Subquery(ProblemIncident.objects.filter(incident_id=OuterRef("pk"))
                    .order_by("linked_at", "pk").values(field)[:1])


def _incident_rows(rows) -> list[dict]:
    return [{"ref": common.ref(Kind.INCIDENT, r["number"]),
             "ref_url": common.desk_url(Kind.INCIDENT, r["number"]), "title": r["title"],
             "created": r["created_at"],
             "problem": common.ref(Kind.PROBLEM, r["prb_number"]) if r["prb_number"] else "",
             "problem_url": problem_url(r["prb_pk"], r["prb_number"]) if r["prb_pk"] else "",
             **({"cluster": r["cluster"] or ""} if "cluster" in r else {}),
             **({"known_error_at": r["known_error_at"]} if "known_error_at" in r else {})}
            for r in rows]


def _first_column(trend):
    unit = trend[0].unit if trend else "day"
    return unit, Column("from", {"day": "Day", "week": "Week from", "month": "Month"}[unit],
                        MONTH if unit == "month" else DATE)


def _recurrence_sections(period, filters, now, limit, trend, slots):
    unit, first = _first_column(trend)
    flow = []
    for n, bucket in enumerate(trend):
        if bucket.start > now:
            break
        s = slots.get(n, {"incidents": 0, "repeats": 0, "explained": 0, "after_known_error": 0})
        flow.append({"from": bucket.first_day, **{k: s[k] for k in (
            "incidents", "repeats", "explained", "after_known_error")},
            "rate": pct(s["repeats"], s["incidents"])})
    first_problem = {"prb_number": _first_link("problem__ticket__number"),
                     "prb_pk": _first_link("problem_id")}
    cluster = Subquery(Proposal.objects.filter(incidents=OuterRef("pk"))
                       .order_by("created_at", "pk").values("title")[:1])
    repeats, truncated = cap(list(_limited(
        balance.linked(filters, period.start, period.end).filter(balance.repeat())
        .annotate(**first_problem, cluster=cluster).order_by("created_at", "pk")
        .values("number", "title", "created_at", "prb_number", "prb_pk", "cluster"), limit)),
        limit)
    first_known = Subquery(ProblemIncident.objects.filter(
        incident_id=OuterRef("pk"), problem__known_error_at__lt=OuterRef("created_at"))
        .order_by("problem__known_error_at").values("problem__known_error_at")[:1])
    after, after_truncated = cap(list(_limited(
        balance.explained_incidents(filters, period.start, period.end)
        .filter(balance.after_known_error()).annotate(**first_problem, known_error_at=first_known)
        .order_by("created_at", "pk")
        .values("number", "title", "created_at", "prb_number", "prb_pk", "known_error_at"),
        limit)), limit)
    counted = sum(r["incidents"] for r in flow)
    incident_columns = [Column("ref", "Incident", REF), Column("title", "Title", TEXT),
                        Column("created", "Created", DATETIME, minor=True),
                        Column("problem", "Problem", REF)]
    recurrence = Section("Repeat incidents", anchor="repeats", intro=(
        "Incidents created in the period that share a problem or a proposed cluster with an "
        "incident created before them, and incidents a problem explains."), tables=[
        Table("incidents", f"Incidents per {unit}", [
            first, Column("incidents", "Incidents"), Column("repeats", "Repeats"),
            Column("rate", "Repeat rate", PERCENT), Column("explained", "Explained by a problem"),
            Column("after_known_error", "After a known error", minor=True)],
            flow if counted else [], empty="No incident was created in this period."),
        Table("repeat_incidents", "Repeat incidents",
              [*incident_columns, Column("cluster", "Proposed cluster", TEXT, minor=True)],
              _incident_rows(repeats), truncated=truncated,
              empty="No incident in this period repeats an earlier one."),
    ], chart=Chart("bar", [b.label for b in trend[:len(flow)]], [
        {"label": "Repeats", "data": [r["repeats"] for r in flow], "stack": "i",
         "color": colors.BAD},
        {"label": "First of their kind", "data": [r["incidents"] - r["repeats"] for r in flow],
         "stack": "i", "color": "#90a4ae"}], stacked=True,
        title=f"Incidents per {unit}") if counted else None)
    after_section = Section("Incidents after a known error", anchor="after-known-error", intro=(
        "Incidents linked to a problem and created after that problem's known error was "
        "published: the workaround was known, and this should fall to zero."), tables=[
        Table("after_known_error", "Incidents after a known error",
              [*incident_columns, Column("known_error_at", "Known error since", DATETIME)],
              _incident_rows(after), truncated=after_truncated,
              empty="No incident came after a published known error.")])
    totals = {k: sum(r[k] for r in flow) for k in ("incidents", "repeats", "explained",
                                                   "after_known_error")}
    return [recurrence, after_section], totals


def _problem_row(r: dict, **extra) -> dict:
    return {"ref": common.ref(Kind.PROBLEM, r["ticket__number"]),
            "ref_url": problem_url(r["pk"], r["ticket__number"]), "title": r["ticket__title"],
            **extra}


def _known_error_section(period, filters, limit):
    open_now = balance.problems(filters).filter(stage__in=OPEN_STAGES)
    by_stage = {r["stage"]: r for r in open_now.order_by().values("stage").annotate(
        n=Count("pk"), known=Count("pk", filter=balance.with_known_error()))}
    scope = {"team": filters.team.pk if filters.team else None,
             "service": filters.service.pk if filters.service else None}
    stage_rows = [{"stage": Stage(s).label, "problems": by_stage.get(s, {}).get("n", 0),
                   "known": by_stage.get(s, {}).get("known", 0),
                   "stage_url": balance.desk_list("problems:desk_problems", stage=s, **scope)
                   or ""} for s in OPEN_STAGES]
    known, truncated = cap(list(_limited(
        open_now.filter(balance.with_known_error()).order_by("known_error_at", "pk")
        .values("pk", "ticket__number", "ticket__title", "stage", "known_error_at",
                "article_id", "article__title"), limit)), limit)
    rows = [_problem_row(r, stage=Stage(r["stage"]).label, known_error_at=r["known_error_at"],
                         article=r["article__title"] or "",
                         article_url=reverse("knowledge:desk_article", args=[r["article_id"]])
                         if r["article_id"] else "") for r in known]
    totals = {"open": sum(r["problems"] for r in stage_rows),
              "known": sum(r["known"] for r in stage_rows)}
    section = Section("Known errors", anchor="known-errors", intro=(
        "Problems open now, by stage; a problem has a known error in stage known error, or "
        "fix in progress with a published article or known-error date."), tables=[
        Table("open_by_stage", "Open problems by stage", [
            Column("stage", "Stage", TEXT), Column("problems", "Problems"),
            Column("known", "With a known error")], stage_rows if totals["open"] else [],
            empty="No problem is open."),
        Table("known_errors", "Open problems with a known error", [
            Column("ref", "Problem", REF), Column("title", "Title", TEXT),
            Column("stage", "Stage", TEXT, minor=True),
            Column("known_error_at", "Known error since", DATETIME),
            Column("article", "Article", TEXT, minor=True)], rows, truncated=truncated,
            empty="No open problem has a known error.")])
    return section, totals


def _root_cause_section(period, filters, limit):
    took = elapsed("root_cause_at", "ticket__created_at")
    # The count and the mean ride along as windows over every row, before the list is cut.
    listed, truncated = cap(list(_limited(
        balance.problems(filters).filter(root_cause_at__gte=period.start,
                                         root_cause_at__lt=period.end)
        .annotate(took=took, found=Window(Count("pk")), mean=Window(Avg(took)))
        .order_by("root_cause_at", "pk")
        .values("pk", "ticket__number", "ticket__title", "ticket__created_at", "root_cause_at",
                "took", "found", "mean"), limit)), limit)
    rows = [_problem_row(r, opened=r["ticket__created_at"], root_cause_at=r["root_cause_at"],
                         took=r["took"]) for r in listed]
    section = Section("Time to root cause", anchor="root-cause", intro=(
        "Problems whose root cause was found in the period, from the problem's creation."),
        tables=[Table("root_cause", "Root causes found", [
            Column("ref", "Problem", REF), Column("title", "Title", TEXT),
            Column("opened", "Opened", DATETIME, minor=True),
            Column("root_cause_at", "Root cause found", DATETIME),
            Column("took", "Time to root cause", SECONDS)], rows, truncated=truncated,
            empty="No root cause was found in this period.")])
    return section, {"count": listed[0]["found"] if listed else 0,
                     "mean": listed[0]["mean"] if listed else None}


def _flow_section(period, filters, now, trend):
    # The day facts: problem tickets created, and closed (by closed_at, while closed), per
    # day; the same counts the tickets gave, without reading a year of them.
    opened, closed = defaultdict(int), defaultdict(int)
    days = (f.rows(f.DAY, balance.narrowed(filters), period.first_day, period.last_day)
            .filter(kind=Kind.PROBLEM).annotate(slot=buckets.day_slot(period, trend)))
    for r in f.sums(days, ["slot"], {"opened": "created", "closed": "closed"}):
        if 0 <= r["slot"] < len(trend):
            opened[r["slot"]] += r["opened"]
            closed[r["slot"]] += r["closed"]
    unit, first = _first_column(trend)
    rows = [{"from": b.first_day, "opened": opened.get(n, 0), "closed": closed.get(n, 0)}
            for n, b in enumerate(trend) if b.start <= now]
    totals = {"opened": sum(opened.values()), "closed": sum(closed.values())}
    section = Section("Problems opened and closed", anchor="flow", intro=(
        "Problem tickets created, and closed (closed or found a duplicate), per " + unit + "."),
        tables=[Table("flow", f"Problems per {unit}", [
            first, Column("opened", "Opened"), Column("closed", "Closed")],
            rows if any(totals.values()) else [],
            empty="No problem was opened or closed in this period.")],
        chart=Chart("bar", [b.label for b in trend[:len(rows)]], [
            {"label": "Opened", "data": [r["opened"] for r in rows], "color": OPENED},
            {"label": "Closed", "data": [r["closed"] for r in rows], "color": CLOSED}],
            title=f"Problems opened and closed per {unit}") if any(totals.values()) else None)
    return section, totals


def _review_section(filters, today, limit):
    due, truncated = cap(list(_limited(
        balance.problems(filters).filter(stage=Stage.RISK_ACCEPTED, risk_review_on__lte=today)
        .annotate(due=Window(Count("pk"))).order_by("risk_review_on", "pk")
        .values("pk", "ticket__number", "ticket__title", "risk_review_on", "due"), limit)),
        limit)
    rows = [_problem_row(r, review=r["risk_review_on"], overdue=(today - r["risk_review_on"]).days)
            for r in due]
    count = due[0]["due"] if due else 0
    section = Section("Risk accepted, due for review", anchor="risk-review", intro=(
        f"Problems whose risk was accepted with a review date of {today:%-d %b %Y} or before."),
        tables=[Table("risk_review", "Due for review", [
            Column("ref", "Problem", REF), Column("title", "Title", TEXT),
            Column("review", "Review date", DATE), Column("overdue", "Days overdue")], rows,
            truncated=truncated, empty="No risk-accepted problem is due for review.")])
    return section, count


def _effort_section(period, filters, now, trend, slots):
    unit, first = _first_column(trend)
    rows = []
    for n, bucket in enumerate(trend):
        if bucket.start > now:
            break
        s = slots.get(n, {"minutes": 0, "proactive": 0})
        rows.append({"from": bucket.first_day, "proactive": s["proactive"],
                     "minutes": s["minutes"], "share": pct(s["proactive"], s["minutes"])})
    totals = {"minutes": balance.total(slots, "minutes", range(len(trend))),
              "proactive": balance.total(slots, "proactive", range(len(trend)))}
    section = Section("Proactive share of effort", anchor="effort", intro=(
        "Time logged on maintenance, patch, capacity and problem work, of all time logged; "
        f"the grey line is {balance.TARGET} %."), tables=[
        Table("effort", f"Time logged per {unit}", [
            first, Column("proactive", "Proactive", MINUTES), Column("minutes", "All", MINUTES),
            Column("share", "Proactive share", PERCENT)], rows if totals["minutes"] else [],
            empty="No time was logged in this period.")],
        chart=balance.share_chart([r["share"] for r in rows], trend[:len(rows)],
                                  title=f"Proactive share of logged time per {unit}")
        if totals["minutes"] else None)
    return section, totals


def _figures_table(summary: list[Figure], urls: dict) -> Section:
    return Section("What each figure counts", anchor="figures", tables=[
        Table("figures", "Figures and their records", [
            Column("figure", "Figure", TEXT), Column("value", "Value", TEXT),
            Column("counts", "Counts", TEXT, minor=True)],
            [{"figure": fig.label, "figure_url": urls[fig.key],
              "value": formatting.display(fig.value, fig.kind), "counts": fig.hint}
             for fig in summary])])


def build(period, filters, *, limit: int | None = 20, now=None) -> Report:
    now = now or timezone.now()
    trend = buckets.of(period)
    read = balance.read(filters, period.first_day, period, trend,
                        parts=(balance.INCIDENTS, balance.EFFORT))
    (recurrence, after), found = _recurrence_sections(period, filters, now, limit, trend,
                                                      read[balance.INCIDENTS])
    known_errors, known = _known_error_section(period, filters, limit)
    root_cause, rca = _root_cause_section(period, filters, limit)
    flow, opened = _flow_section(period, filters, now, trend)
    review, due = _review_section(filters, timezone.localdate(now), limit)
    effort, logged = _effort_section(period, filters, now, trend, read[balance.EFFORT])
    incidents = found["incidents"]
    summary = [
        Figure("repeat_rate", "Repeat-incident rate", pct(found["repeats"], incidents), PERCENT,
               better="down", hint=f"{found['repeats']} of {incidents} incidents"),
        Figure("explained", "Incidents explained by a problem", found["explained"],
               hint=f"of {incidents} incidents"),
        Figure("known_error_share", "Open problems with a known error",
               pct(known["known"], known["open"]), PERCENT, better="up",
               hint=f"{known['known']} of {known['open']} open problems"),
        Figure("time_to_root_cause", "Mean time to root cause", rca["mean"], SECONDS,
               better="down", hint=f"{rca['count']} root causes found"),
        Figure("opened", "Problems opened", opened["opened"]),
        Figure("closed", "Problems closed", opened["closed"]),
        Figure("after_known_error", "Incidents after a known error", found["after_known_error"],
               better="down"),
        Figure("risk_review_due", "Risk accepted, due for review", due, better="down"),
        Figure("proactive_effort", "Proactive share of effort",
               pct(logged["proactive"], logged["minutes"]), PERCENT, better="up",
               hint=f"{logged['proactive']} of {logged['minutes']} minutes logged"),
    ]
    anchors = {"repeat_rate": "repeats", "explained": "repeats",
               "time_to_root_cause": "root-cause", "opened": "flow", "closed": "flow",
               "after_known_error": "after-known-error", "risk_review_due": "risk-review",
               "proactive_effort": "effort"}
    urls = {key: balance.report_url(period, filters, anchor) for key, anchor in anchors.items()}
    urls["known_error_share"] = balance.known_error_url(filters, period)
    report = Report("problems", TITLE, period, filters, summary=summary)
    if filters.kind or filters.priority:
        report.notes.append("Kind and priority filters do not apply to this report.")
    report.sections = [_figures_table(summary, urls), recurrence, after, known_errors,
                       root_cause, flow, review, effort]
    return report


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    return balance.figures(current, previous, filters, now=now)
