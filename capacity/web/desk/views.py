"""The capacity board: every series by earliest ETA, with its state, ETA range, growth, last
value against its threshold and open ticket; "learning" series apart. Staff read it."""

from django.shortcuts import render
from django.utils import timezone

from capacity.models import Kind, State
from capacity.selectors import board as selectors
from itsm.models import Service, Team
from itsm.web.access import desk_page

BOARD_CAP = 500


@desk_page
def board(request):
    now = timezone.now()
    filters = selectors.BoardFilters.from_params(request.GET)
    series = list(selectors.board_series(filters)[:BOARD_CAP + 1])
    capped = len(series) > BOARD_CAP
    rows = [selectors.row(s, now=now) for s in series[:BOARD_CAP]]
    return render(request, "capacity/board.html", {
        "forecast": [r for r in rows if r["series"].state != State.LEARNING],
        "learning": [r for r in rows if r["series"].state == State.LEARNING],
        "capped": capped, "filters": filters, "services": Service.objects.order_by("name"),
        "teams": Team.objects.order_by("name"),
        "kinds": [(v, label) for v, label in Kind.choices if v not in selectors.HIDDEN_KINDS],
        "states": State.choices, "section": "board"})
