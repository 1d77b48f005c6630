"""One filter set for the desk queues and the API list, so both filter the same way."""

import django_filters as filters
from django.db.models import F, Q

from itsm.filters import IdFilter, SearchFilter
from tickets import selectors
from tickets.models import OPEN_STATUSES, Kind, Priority, Status, Ticket

SORTS = {
    # name: (label, ordering); every ordering ends in a unique key for stable pages.
    "-updated": ("Recently updated", ("-updated_at", "-id")),
    "updated": ("Least recently updated", ("updated_at", "id")),
    "-created": ("Newest", ("-created_at", "-id")),
    "created": ("Oldest", ("created_at", "id")),
    "priority": ("Priority", ("priority", "-updated_at", "-id")),
    "-priority": ("Lowest priority", ("-priority", "-updated_at", "-id")),
    "status": ("Status", ("status", "-updated_at", "-id")),
    "title": ("Title", ("title", "id")),
    "number": ("Number", ("kind", "number")),
    "-number": ("Number, descending", ("-kind", "-number")),
    # Paused and finished tickets have no deadline: they come last.
    "due": ("SLA due soonest", (F("next_due_at").asc(nulls_last=True), "id")),
}
DEFAULT_SORT = "-updated"


class TicketFilter(filters.FilterSet):
    q = SearchFilter(method="filter_q", label="Search")
    status = filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    priority = filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    kind = filters.MultipleChoiceFilter(choices=Kind.choices, distinct=False)
    team = IdFilter(field_name="team_id")
    assignee = filters.CharFilter(method="filter_assignee",
                                  help_text='A user id, or "none" for unassigned.')
    requester = IdFilter(field_name="requester_id")
    category = IdFilter(field_name="category_id")
    service = IdFilter(field_name="service_id")
    sort = filters.ChoiceFilter(method="filter_sort", label="Sort",
                                choices=[(key, label) for key, (label, _) in SORTS.items()])

    class Meta:
        model = Ticket
        fields = []  # all declared above

    def filter_q(self, queryset, name, value):
        # The conversation searched is what the searcher may read (notes for staff only).
        user = getattr(self.request, "user", None)
        return selectors.search_tickets(queryset, value, user=user)

    def filter_assignee(self, queryset, name, value):
        value = (value or "").strip().lower()
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value.isdigit() and len(value) <= 18:  # beyond bigint SQLite raises OverflowError
            return queryset.filter(assignee_id=int(value))
        return queryset.filter(Q(pk__in=[]))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in `qs`, so it also covers the default

    @property
    def qs(self):
        sort = self.form.cleaned_data.get("sort") if self.is_bound and self.is_valid() else None
        return super().qs.order_by(*SORTS[sort or DEFAULT_SORT][1])


# The filters OpenTicketFact keeps (its columns); any other one set means counting tickets.
FACT_FILTERS = {"status": "status", "priority": "priority", "kind": "kind", "team": "team_id",
                "category": "category_id", "service": "service_id"}


def open_fact_condition(params, request=None) -> Q | None:
    """TicketFilter's conditions over OpenTicketFact's columns for these query parameters,
    or None when they are not all its columns (a search, a requester, a status that is not
    open, an invalid value), so the caller counts the tickets instead."""
    found = TicketFilter(params, queryset=Ticket.objects.none(), request=request)
    if not found.is_valid():
        return None
    data = found.form.cleaned_data
    if data.get("q") or data.get("requester") is not None:
        return None
    condition = Q()
    for name, column in FACT_FILTERS.items():
        value = data.get(name)
        if value in (None, "", []):
            continue
        if name == "status" and not set(value) <= set(OPEN_STATUSES):
            return None
        condition &= Q(**{f"{column}__in": value} if isinstance(value, list)
                       else {column: value})
    assignee = (data.get("assignee") or "").strip().lower()
    if assignee == "none":
        condition &= Q(assignee_id=0)
    elif assignee.isdigit() and len(assignee) <= 18:
        condition &= Q(assignee_id=int(assignee))
    elif assignee:
        condition &= Q(pk__in=[])
    return condition
