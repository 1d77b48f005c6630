"""The balance between fixing causes and fighting fires: the counts the "Problems and
recurrence" report and the dashboard's balance panel share, each one grouped SQL query.

Incidents are tickets of kind incident created in the period (team and service filters
apply to them). An incident is
  a repeat      when it shares a problem (ProblemIncident) or a proposal cluster (any
                proposal, open or decided) with an incident created before it, however
                long before: a recurrence of something that broke last month is a repeat;
  explained     when a problem is linked to it now;
  after a known error  when a problem linked to it had its known error published
                (known_error_at) before the incident was created: it should not happen.
Proactive effort: minutes logged (tickets.TimeEntry) on maintenance, patch, capacity and
problem work ÷ all minutes logged, by when the time was logged; a problem counts as
proactive here (finding a cause is work against the next incident), unlike in the
"Proactive vs reactive work" report, which counts work items by kind.

The counts of incidents and of logged minutes are sums of the report facts
(TicketDayFact.created, TimeLoggedFact.minutes: each on the local day of its moment, by
the ticket's current team, service and kind, as the tickets are counted here), so a year
reads some thousands of fact rows, not the tickets. Only an incident a problem or a
proposal links can repeat, be explained or come after a known error, so those three are
counted from the link tables joined to their tickets (`linked`), never over every incident.
"""

from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from problems.models import OPEN_STAGES, Problem, ProblemIncident, Proposal, Stage
from reports import buckets
from reports import facts as f
from reports.params import Filters, day_start
from reports.tables import PERCENT, Chart, Figure, pct
from tickets.models import Kind, Ticket

PROACTIVE_KINDS = (Kind.MAINTENANCE, Kind.PATCH, Kind.CAPACITY, Kind.PROBLEM)
TARGET = 50  # per cent of logged time on proactive work: the reference line
PROACTIVE, REFERENCE = "#1f5f5b", "#9e9e9e"
INCIDENTS, EFFORT, KNOWN = "incidents", "effort", "known"
# The columns a, b, c, d of each part of the one statement (`read`).
NAMES = {INCIDENTS: ("incidents", "repeats", "explained", "after_known_error"),
         EFFORT: ("minutes", "proactive"), KNOWN: ("open", "known")}
# A column a part does not use: an aggregate, so it stays out of the GROUP BY.
_ZERO = Sum(Value(0, output_field=IntegerField()))


def narrowed(filters) -> Filters:
    """Team and service only: nothing here has one kind, and priority is the incidents'."""
    return Filters(team=filters.team, service=filters.service)


def _later(links: QuerySet, group: str, member: str) -> QuerySet:
    """The `member` ids of the links created after the first one of their `group`: one
    pass over the link table (the first of each group a window), where an EXISTS per
    incident would look up every other incident of its groups again."""
    created = F(f"{member}__created_at")
    return (links.annotate(first=Window(Min(created), partition_by=[F(f"{group}_id")]))
            .filter(first__lt=created).order_by().values(f"{member}_id"))


def repeat() -> Q:
    """Shares a problem or a proposal with an incident created before it."""
    return (Q(pk__in=_later(ProblemIncident.objects.all(), "problem", "incident"))
            | Q(pk__in=_later(Proposal.incidents.through.objects.all(), "proposal", "ticket")))


def explained() -> Q:
    return Q(pk__in=ProblemIncident.objects.order_by().values("incident_id"))


def after_known_error() -> Q:
    # The plain not-null test lets the planner start from the few problems with a known
    # error, not from every link.
    return Q(pk__in=ProblemIncident.objects.filter(
        problem__known_error_at__isnull=False,
        problem__known_error_at__lt=F("incident__created_at")).order_by().values("incident_id"))


def incidents(filters, start, end) -> QuerySet[Ticket]:
    return Ticket.objects.filter(narrowed(filters).q(), kind=Kind.INCIDENT,
                                 created_at__gte=start, created_at__lt=end)


def linked(filters, start, end) -> QuerySet[Ticket]:
    """The incidents of `incidents` that a problem or a proposal links: a semi-join from
    the small link tables to the tickets, so Postgres reads the linked tickets by key."""
    linked_ids = ProblemIncident.objects.order_by().values("incident_id").union(
        Proposal.incidents.through.objects.order_by().values("ticket_id"))
    return incidents(filters, start, end).filter(pk__in=linked_ids)


def explained_incidents(filters, start, end) -> QuerySet[Ticket]:
    """The incidents of `incidents` a problem is linked to (the only ones `explained` or
    `after_known_error` can be), from the link table."""
    return incidents(filters, start, end).filter(
        pk__in=ProblemIncident.objects.order_by().values("incident_id"))


def _created_rows(filters, since, period, trend):
    """Incidents created per slot, from the day facts."""
    return (f.rows(f.DAY, narrowed(filters), since, period.last_day).filter(kind=Kind.INCIDENT)
            .annotate(part=Value(INCIDENTS, output_field=CharField()),
                      slot=buckets.day_slot(period, trend)).values("part", "slot")
            .annotate(a=Sum("created"), b=_ZERO, c=_ZERO, d=_ZERO))


def _linked_rows(filters, since, period, trend):
    """Repeats, explained and after a known error per slot, over the linked incidents."""
    return (linked(filters, day_start(since), period.end)
            .annotate(part=Value(INCIDENTS, output_field=CharField()),
                      slot=buckets.slot("created_at", period, trend)).order_by()
            .values("part", "slot")
            .annotate(a=_ZERO, b=Count("pk", filter=repeat()),
                      c=Count("pk", filter=explained()),
                      d=Count("pk", filter=after_known_error())))


def incidents_by_slot(filters, since, period, trend) -> dict[int, dict]:
    """{slot: {incidents, repeats, explained, after_known_error}} from `since` on."""
    return read(filters, since, period, trend, parts=(INCIDENTS,))[INCIDENTS]


def problems(filters) -> QuerySet[Problem]:
    return Problem.objects.filter(narrowed(filters).q("ticket__"))


def with_known_error() -> Q:
    """Known error published: the stage says so, or the fix is under way after one."""
    return Q(stage=Stage.KNOWN_ERROR) | Q(
        Q(stage=Stage.FIX_IN_PROGRESS)
        & (Q(article__isnull=False) | Q(known_error_at__isnull=False)))


def _effort_rows(filters, since, period, trend):
    """Minutes logged per slot, from the time facts (the entry's day, the ticket's kind)."""
    return (f.rows(f.TIME, narrowed(filters), since, period.last_day)
            .annotate(part=Value(EFFORT, output_field=CharField()),
                      slot=buckets.day_slot(period, trend)).values("part", "slot")
            .annotate(a=Sum("minutes"), b=Sum("minutes", filter=Q(kind__in=PROACTIVE_KINDS)),
                      c=_ZERO, d=_ZERO))


def _known_rows(filters):
    return (problems(filters).filter(stage__in=OPEN_STAGES)
            .annotate(part=Value(KNOWN, output_field=CharField()),
                      slot=Value(0, output_field=IntegerField())).order_by()
            .values("part", "slot")
            .annotate(a=Count("pk"), b=Count("pk", filter=with_known_error()), c=_ZERO,
                      d=_ZERO))


def effort_by_slot(filters, since, period, trend) -> dict[int, dict]:
    """{slot: {minutes, proactive}} of time logged from `since` on."""
    return read(filters, since, period, trend, parts=(EFFORT,))[EFFORT]


def read(filters, since, period, trend, parts=(INCIDENTS, EFFORT, KNOWN)) -> dict:
    """{part: {slot: {name: value}}} of the parts asked for, from the day `since` on, in one
    statement (UNION ALL of grouped queries; INCIDENTS is two: the facts' count and the
    linked incidents', added up here). KNOWN has the one slot 0: open problems now."""
    queries = {INCIDENTS: lambda: [_created_rows(filters, since, period, trend),
                                   _linked_rows(filters, since, period, trend)],
               EFFORT: lambda: [_effort_rows(filters, since, period, trend)],
               KNOWN: lambda: [_known_rows(filters)]}
    first, *others = [query for part in parts for query in queries[part]()]
    found: dict = {part: {} for part in parts}
    for row in first.union(*others, all=True) if others else first:
        names = NAMES[row["part"]]
        slot = found[row["part"]].setdefault(row["slot"], dict.fromkeys(names, 0))
        for key, name in zip("abcd", names, strict=False):
            # int(): Postgres sums a bigint column as numeric.
            slot[name] += int(row[key] or 0)
    return found


def total(slots: dict, name: str, which) -> int:
    return sum(slots[n][name] for n in which if n in slots)


def desk_list(name: str, **query) -> str | None:
    """A desk list filtered to the records counted, if that page is installed."""
    try:
        base = reverse(name)
    except NoReverseMatch:
        return None
    query = {k: v for k, v in query.items() if v not in (None, "", [])}
    return f"{base}?{urlencode(query, doseq=True)}" if query else base


def report_url(period, filters, anchor: str) -> str:
    """A section of the report page: it lists each record counted, linked to the desk."""
    query = urlencode({**period.as_query(), **narrowed(filters).as_query()})
    return f"{reverse('reports:problems')}?{query}#{anchor}"


def known_error_url(filters, period) -> str:
    """Known errors open now: the desk's problem list by stage where it exists."""
    found = desk_list("problems:desk_problems", stage=[Stage.KNOWN_ERROR, Stage.FIX_IN_PROGRESS],
                      team=filters.team.pk if filters.team else None,
                      service=filters.service.pk if filters.service else None)
    return found or report_url(period, filters, "known-errors")


@dataclass
class LinkedFigure(Figure):
    """A figure with the page that lists what it counts, and an optional chart."""

    url: str = ""
    chart: Chart | None = field(default=None, repr=False)


def share_chart(shares: list, trend, *, title: str) -> Chart:
    """The proactive share per bucket against the 50 % line."""
    labels = [b.label for b in trend]
    return Chart("line", labels, [
        {"label": "Proactive share of logged time", "data": shares, "color": PROACTIVE},
        {"label": f"Reference: {TARGET} %", "data": [TARGET] * len(labels),
         "color": REFERENCE}], unit="%", title=title)


def figures(current, previous, filters, now=None) -> list[LinkedFigure]:
    """The balance panel: four headline figures with the previous period and their trend,
    from one statement (incidents by slot, logged time by slot, open problems)."""
    now = now or timezone.now()
    trend = buckets.of(current)
    this, before = range(len(trend)), [buckets.BEFORE_SLOT]
    read_ = read(filters, previous.first_day, current, trend)
    found, effort = read_[INCIDENTS], read_[EFFORT]
    known = read_[KNOWN].get(0, {"open": 0, "known": 0})

    def rate(name, which):
        return pct(total(found, name, which), total(found, "incidents", which))

    def share(which):
        return pct(total(effort, "proactive", which), total(effort, "minutes", which))

    def series(values):
        return buckets.observed(values, trend, now)

    shares = series([share([n]) for n in this])
    return [
        LinkedFigure("repeat_rate", "Repeat-incident rate", rate("repeats", this), PERCENT,
                     better="down", previous=rate("repeats", before),
                     hint=f"{total(found, 'repeats', this)} of "
                          f"{total(found, 'incidents', this)} incidents",
                     series=series([rate("repeats", [n]) for n in this]),
                     url=report_url(current, filters, "repeats")),
        LinkedFigure("proactive_effort", "Proactive share of effort", share(this), PERCENT,
                     better="up", previous=share(before),
                     hint=f"{total(effort, 'proactive', this)} of "
                          f"{total(effort, 'minutes', this)} minutes; aim for {TARGET} %",
                     series=shares, url=report_url(current, filters, "effort"),
                     chart=share_chart(shares, trend, title="Proactive share of logged "
                                                            "time")),
        LinkedFigure("known_error_share", "Open problems with a known error",
                     pct(known["known"], known["open"]), PERCENT, better="up",
                     hint=f"{known['known']} of {known['open']} open problems",
                     url=known_error_url(filters, current)),
        LinkedFigure("after_known_error", "Incidents after a known error",
                     total(found, "after_known_error", this), better="down",
                     previous=total(found, "after_known_error", before),
                     series=series([found.get(n, {}).get("after_known_error", 0)
                                    for n in this]),
                     url=report_url(current, filters, "after-known-error")),
    ]
