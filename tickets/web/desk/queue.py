"""The desk queues: views over all tickets, filters, sorting, paging and bulk actions.

A queue page runs a fixed number of queries whatever it shows: one exact COUNT per tab
badge (of exactly what that tab lists), the lookup lists of the filter form, one capped
COUNT, the page's ids, and their rows.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from itsm.models import Service, Team
from itsm.web.access import desk_action, desk_page
from itsm.web.forms import agents
from itsm.web.htmx import is_htmx
from itsm.web.paging import CappedPaginator
from tickets import selectors, services
from tickets.filters import DEFAULT_SORT, SORTS, TicketFilter, open_fact_condition
from tickets.models import OPEN_STATUSES, Category, Kind, Priority, Status, Ticket
from tickets.selectors import visible_tickets
from tickets.web import sla
from tickets.web.desk.forms import BulkForm
from tickets.web.desk.panels import registered_bulk_actions

PAGE_SIZE = 50
RECENT_DAYS = 7

VIEWS = {
    "mine": "Assigned to me",
    "unassigned": "Unassigned in my teams",
    "open": "All open",
    "at_risk": "SLA at risk",
    "breached": "SLA breached",
    "recent": "Recently updated",
    "all": "All tickets",
}
SHORT_LABELS = {"mine": "Mine", "unassigned": "Unassigned", "open": "Open",
                "at_risk": "At risk", "breached": "Breached", "recent": "Recent", "all": "All"}
# Views whose natural order is the SLA deadline.
DUE_VIEWS = {"at_risk", "breached"}
# Views that show open work unless the user picks statuses explicitly.
OPEN_VIEWS = {"mine", "unassigned", "open"}
FILTER_KEYS = ("q", "status", "priority", "kind", "team", "assignee", "category", "service",
               "requester")
# Columns a phone does without (class hide-sm): there the title cell shows them in small
# print, so a row reads like a card.
MINOR_COLUMNS = {"ref", "status", "priority", "sla", "team", "assignee", "updated"}
# (column, label, sort keys): a click on the header cycles through the keys.
COLUMNS = [
    ("ref", "Ref", ("-number", "number")),
    ("title", "Title", ("title",)),
    ("status", "Status", ("status",)),
    ("priority", "Priority", ("priority", "-priority")),
    # Sortable once tickets.filters offers a "due" sort (next SLA deadline first).
    ("sla", "SLA", ("due",) if "due" in SORTS else ()),
    ("team", "Team", ()),
    ("assignee", "Assignee", ()),
    ("updated", "Updated", ("-updated", "updated")),
]
EMPTY = {
    "mine": "Nothing is assigned to you. Pick something from the unassigned queue.",
    "unassigned": "No unassigned open tickets in your teams. Nice.",
    "open": "No open tickets. All quiet.",
    "at_risk": "No open ticket is close to an SLA deadline.",
    "breached": "No open ticket has breached its SLA.",
    "recent": f"No ticket changed in the last {RECENT_DAYS} days.",
    "all": "No tickets yet.",
}


def default_view(user) -> str:
    return "mine" if user.is_agent else "open"


def view_queryset(user, view: str, *, statuses_chosen: bool):
    tickets = visible_tickets(user)
    if view == "mine":
        tickets = tickets.filter(assignee=user)
    elif view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True, team__in=user.teams.values("pk"))
    elif view == "at_risk":
        tickets = selectors.at_risk(tickets, timezone.now())
    elif view == "breached":
        tickets = selectors.breached(tickets, timezone.now())
    elif view == "recent":
        tickets = tickets.filter(updated_at__gte=timezone.now() - timedelta(days=RECENT_DAYS))
    if view in OPEN_VIEWS and not statuses_chosen:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    return tickets


# The tabs that carry a count badge.
BADGE_TONES = {"mine": "primary", "unassigned": "warning", "at_risk": "warning",
               "breached": "danger"}
BADGES = tuple(BADGE_TONES)


def listed_queryset(request, view: str, params: QueryDict):
    """What the tab `view` lists for these query parameters: its view, then the filters.

    The page's rows and the tab badges both come from here, so a badge always counts what
    its tab would list."""
    statuses_chosen = any(params.getlist("status"))
    tickets = view_queryset(request.user, view, statuses_chosen=statuses_chosen)
    # The request tells the search whose conversation it may read.
    return TicketFilter(params, queryset=tickets, request=request)


def _fact_view(user, view: str) -> Q | None:
    """What the tab `view` lists, over OpenTicketFact's columns (None: not only open
    tickets by those columns; at risk and breached depend on the time)."""
    if view == "mine":
        return Q(assignee_id=user.pk)
    if view == "unassigned":
        return Q(assignee_id=0, team_id__in=user.teams.values("pk"))
    return None


def _count(request, view: str, params: QueryDict, filters: Q | None) -> str:
    """Exact however big the queue. Mine and unassigned sum the maintained open counts
    (tickets/models/facts.py: OpenTicketFact) when the filters are all its columns; other
    tabs and filters count the tickets: the open tickets' covering index
    (ticket_open_counts) holds every column a tab or filter reads, so the COUNT is an
    index-only scan, and at risk and breached have partial indexes of their own."""
    view_condition = _fact_view(request.user, view)
    if view_condition is not None and filters is not None:
        found = selectors.open_ticket_count(view_condition & filters)
        if found is not None:
            return intcomma(found)
    return intcomma(listed_queryset(request, view, params).qs.order_by().count())


def counters(request, params: QueryDict | None = None) -> dict[str, str]:
    """One exact count per badged tab, of exactly what that tab lists with these filters.

    While a search is on, the tabs carry no badges (each would be another full-text
    search); the result line says how many the search found and where."""
    params = params if params is not None else QueryDict()
    if params.get("q", "").strip():
        return {}
    filters = open_fact_condition(params, request)
    return {view: _count(request, view, params, filters) for view in BADGES}


def url_with(params: QueryDict, **changes) -> str:
    query = params.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return _href(query)


def _href(query: QueryDict) -> str:
    clean = QueryDict(mutable=True)
    for key, values in query.lists():
        kept = [v for v in values if v != ""]
        if kept and key != "csrfmiddlewaretoken":
            clean.setlist(key, kept)
    base = reverse("desk:queue")
    return f"{base}?{clean.urlencode()}" if clean else base


def _columns(params: QueryDict, sort: str) -> list[dict]:
    columns = []
    for name, label, keys in COLUMNS:
        column = {"name": name, "label": label, "url": None, "direction": None,
                  "minor": name in MINOR_COLUMNS}
        if keys:
            following = keys[(keys.index(sort) + 1) % len(keys)] if sort in keys else keys[0]
            column["url"] = url_with(params, sort=following, page=None)
            if sort in keys:
                column["direction"] = "down" if sort.startswith("-") else "up"
        columns.append(column)
    return columns


def _page_links(params: QueryDict, page) -> list[dict]:
    links = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            links.append({"label": number, "url": None})
        else:
            links.append({"label": number, "url": url_with(params, page=number),
                          "current": number == page.number})
    return links


def _rows(ids: list[int]) -> list:
    # The page's ids come from a narrow sorted query that an index can answer; the wide
    # rows with their joins are then read for those 50 ids only, not for every match.
    by_id = Ticket.objects.for_list().in_bulk(ids)
    rows = [by_id[pk] for pk in ids if pk in by_id]
    # Worked out once per row here rather than by template tags (a URL reverse and an
    # SLA badge per row were most of the page's rendering time).
    now = timezone.now()
    url = reverse("desk:ticket", args=["REF"])
    for ticket in rows:
        ticket.desk_url = url.replace("REF", ticket.ref)
        ticket.sla = sla.badge(ticket, now)
    return rows


def queue_context(request, params: QueryDict) -> dict:
    user = request.user
    view = params.get("view") if params.get("view") in VIEWS else default_view(user)
    ticket_filter = listed_queryset(request, view, params)
    sort = ticket_filter.form.cleaned_data.get("sort") if ticket_filter.is_valid() else None
    if not sort and view in DUE_VIEWS:
        params = params.copy()
        params["sort"] = "due"
        ticket_filter = listed_queryset(request, view, params)
    sort = sort or ("due" if view in DUE_VIEWS else DEFAULT_SORT)
    paginator = CappedPaginator(ticket_filter.qs.values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    rows = _rows(list(page.object_list))
    filtered = any(params.get(key) for key in FILTER_KEYS)
    counts = counters(request, params)
    tabs = [{"name": name, "label": label, "short": SHORT_LABELS[name], "active": name == view,
             "url": url_with(params, view=name, page=None), "count": counts.get(name),
             "tone": BADGE_TONES.get(name)} for name, label in VIEWS.items()]
    return {
        "view": view,
        "view_label": VIEWS[view],
        "tabs": tabs,
        "counters": counts,
        "params": params,
        "query": _href(params).partition("?")[2],
        "sort": sort,
        "page": page,
        "tickets": rows,
        "columns": _columns(params, sort),
        "page_links": _page_links(params, page) if paginator.num_pages > 1 else [],
        "prev_url": url_with(params, page=page.number - 1) if page.has_previous() else None,
        "next_url": url_with(params, page=page.number + 1) if page.has_next() else None,
        "filtered": filtered,
        "filter_count": sum(1 for key in FILTER_KEYS if key != "q" and params.get(key)),
        "filter_errors": ticket_filter.errors,
        "clear_url": url_with(QueryDict(), view=view),
        "empty_text": ("No tickets match these filters." if filtered else EMPTY[view]),
        "chosen": {
            "status": params.getlist("status"), "priority": params.getlist("priority"),
            "kind": params.getlist("kind"), "team": params.get("team", ""),
            "assignee": params.get("assignee", ""), "category": params.get("category", ""),
            "service": params.get("service", ""), "q": params.get("q", ""),
        },
        "can_work": user.is_agent,
        "bulk_actions": registered_bulk_actions(),  # from apps above tickets (panels.py)
        "search": _search_scope(params, view, paginator),
    }


def _search_scope(params: QueryDict, view: str, paginator) -> dict | None:
    """Where a search looked ("3 results in All open, Priority 2") and, unless it already
    looked everywhere, one click to search every ticket for the same words."""
    term = params.get("q", "").strip()
    if not term:
        return None
    narrowed = [key for key in FILTER_KEYS if key != "q" and params.get(key)]
    scope = VIEWS[view] + (" (filtered)" if narrowed else "")
    everywhere = view == "all" and not narrowed
    return {"term": term, "count": paginator.count, "capped": paginator.capped,
            "scope": scope,
            "all_url": None if everywhere else url_with(QueryDict(), view="all", q=term)}


def _lookups() -> dict:
    """The option lists of the filter form and the bulk bar, one query each."""
    return {
        "teams": list(Team.objects.only("name")),
        "agents": list(agents().only("username", "first_name", "last_name")),
        "categories": list(Category.objects.filter(is_active=True).only("name")),
        "services": list(Service.objects.filter(is_active=True).only("name")),
        "status_choices": Status.choices,
        "priority_choices": Priority.choices,
        "kind_choices": Kind.choices,
        "view_choices": list(VIEWS.items()),
    }


def _render_queue(request, params: QueryDict, *, fragment: bool, history: str = "HX-Push-Url"):
    context = {**queue_context(request, params), **_lookups(), "fragment": fragment}
    template = "desk/_queue_table.html" if fragment else "desk/queue.html"
    response = render(request, template, context)
    if fragment:
        # The address bar shows the clean query, not every empty field of the form.
        response[history] = _href(params)
    patch_vary_headers(response, ["HX-Request"])
    return response


@desk_page
def queue(request):
    fragment = is_htmx(request)
    if not fragment and "" in (v for values in request.GET.lists() for v in values[1]):
        # A filter form sent without JavaScript: move to the clean, shareable address.
        return redirect(_href(request.GET))
    return _render_queue(request, request.GET, fragment=fragment)


def _bulk_changes(action: str, data: dict, user) -> dict:
    return {
        "assign_me": {"assignee": user},
        "assign": {"assignee": data.get("assignee")},
        "team": {"team": data.get("team")},
        "unassign": {"unassign": True},
        "status": {"status": data.get("status")},
    }[action]


def _listed(items: list[str], *, limit: int = 10, sep: str = "; ") -> str:
    more = len(items) - limit
    return sep.join(items[:limit]) + (f"{sep}and {more} more" if more > 0 else "")


def _already(action: str, data: dict) -> str:
    """How the unchanged tickets already are, for "Nothing to change: … already yours"."""
    if action == "assign_me":
        return "yours"
    if action == "assign":
        return f"assigned to {data.get('assignee')}"
    if action == "team":
        return f"in {data.get('team')}"
    if action == "unassign":
        return "unassigned"
    return Status(data.get("status")).label.lower() if data.get("status") else "so"


def _report(request, result: services.BulkResult, missing: int, already: str = "so") -> None:
    """One message for what changed (only real changes), one for what was already so, and
    one for what was skipped, with the reasons."""
    if result.done:
        noun = "ticket" if len(result.done) == 1 else "tickets"
        messages.success(request, f"Changed {len(result.done)} {noun}: "
                                  f"{_listed(result.done, limit=20, sep=', ')}.")
    same = result.unchanged
    if same:
        whole = {1: "it is", 2: "both are"}.get(len(same), f"all {len(same)} are")
        if not result.done and not result.skipped and not missing:
            messages.info(request, f"Nothing to change: {whole} already {already}.")
        else:
            verb = "was" if len(same) == 1 else "were"
            messages.info(request, f"{_listed(same, limit=20, sep=', ')} {verb} already "
                                   f"{already}.")
    skipped = [f"{ref}: {reason.rstrip('.')}" for ref, reason in result.skipped.items()]
    if missing:
        skipped.append(f"{missing} that no longer exist")
    if skipped:
        messages.warning(request, f"Skipped {len(result.skipped) + missing}: {_listed(skipped)}.")


@desk_action
def bulk(request):
    params = QueryDict(request.POST.get("query", ""))
    form = BulkForm(request.POST)
    if form.is_valid():
        ids = form.cleaned_data["ticket"]
        tickets = list(visible_tickets(request.user).filter(pk__in=ids).order_by("kind", "number"))
        changes = _bulk_changes(form.cleaned_data["action"], form.cleaned_data, request.user)
        result = services.tickets_bulk_update(tickets=tickets, actor=request.user, **changes)
        _report(request, result, missing=len(set(ids)) - len(tickets),
                already=_already(form.cleaned_data["action"], form.cleaned_data))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            label = "Tickets" if field == "ticket" else (label or field.title())
            prefix = "" if field == "__all__" else f"{label}: "
            messages.error(request, prefix + " ".join(errors))
    if is_htmx(request):
        return _render_queue(request, params, fragment=True, history="HX-Replace-Url")
    return redirect(_href(params))
