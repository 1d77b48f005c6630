"""The desk calendar of planned work: a month-like grid on wide screens, an agenda on phones."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.shortcuts import render
from django.utils import timezone

from itsm.models import Team
from itsm.web.access import desk_page
from maintenance import selectors

WEEKS = 5
# Enough for any team; beyond it the page would be a wall of text (and slow to render).
MAX_ITEMS = 1500


def _start(value: str, today: date) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        day = today
    return day - timedelta(days=day.weekday())  # weeks start on Monday


@desk_page
def calendar(request):
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first = _start(request.GET.get("start", ""), today)
    last = first + timedelta(weeks=WEEKS)
    team_id = request.GET.get("team") if (request.GET.get("team") or "").isdigit() else None
    mine = request.GET.get("mine") == "1"
    items = selectors.planned_work(
        start=datetime.combine(first, time(0), tz), end=datetime.combine(last, time(0), tz),
        team_id=team_id, mine=request.user if mine else None)
    total = len(items)
    items = items[:MAX_ITEMS]
    by_day = defaultdict(list)
    for item in items:
        by_day[timezone.localtime(item.at, tz).date()].append(item)
    days = [{"date": first + timedelta(days=n), "items": by_day[first + timedelta(days=n)],
             "today": first + timedelta(days=n) == today,
             "past": first + timedelta(days=n) < today} for n in range(WEEKS * 7)]
    return render(request, "maintenance/calendar.html", {
        "weeks": [days[n:n + 7] for n in range(0, len(days), 7)],
        "agenda": [d for d in days if d["items"]], "first": first,
        "last": last - timedelta(days=1), "prev": first - timedelta(weeks=4),
        "next": first + timedelta(weeks=4), "teams": Team.objects.all(), "team_id": team_id,
        "mine": mine, "count": total, "truncated": total > MAX_ITEMS, "shown": len(items),
        "zone": timezone.get_current_timezone_name(),
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "section": "calendar"})
