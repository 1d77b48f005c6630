"""The weekly summary e-mail: last week's headline figures against the week before, to
every manager who turned it on. Idempotent per (user, week) through
notification_send_once."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from itsm.models import User
from itsm.services.notifications import notification_send_once
from reports import formatting
from reports.dashboard import headlines
from reports.params import Filters, Period, last_week


def _recipients():
    """Active subscribers who may see reports and have an address."""
    perm = Permission.objects.filter(content_type__app_label="tickets", codename="view_reports")
    return (User.objects.filter(report_subscription__weekly=True, is_active=True)
            .exclude(email="")
            .filter(Q(is_superuser=True) | Q(user_permissions__in=perm)
                    | Q(groups__permissions__in=perm))
            .distinct().order_by("pk"))


def _context(period: Period) -> dict:
    base = settings.TEND_BASE_URL.rstrip("/")
    query = urlencode(period.as_query())
    cards = [{
        "title": card.info.title,
        "url": f"{base}{reverse('reports:' + card.info.key)}?{query}",
        "figures": [{"label": f.label, "value": formatting.display(f.value, f.kind),
                     "change": formatting.change(f),
                     "verdict": {True: "better", False: "worse"}.get(f.good, ""),
                     "hint": f.hint} for f in card.figures],
    } for card in headlines(period, Filters())]
    return {"period": period, "previous": period.previous(), "cards": cards,
            "dashboard_url": f"{base}{reverse('reports:dashboard')}?{query}",
            "definitions_url": f"{base}{reverse('reports:definitions')}",
            "settings_url": f"{base}{reverse('reports:dashboard')}"}


def weekly_summaries_send(*, now: datetime | None = None) -> int:
    """Send last week's summary to each subscriber once. Returns how many went out now."""
    now = now or timezone.now()
    period = last_week(timezone.localdate(now))
    people = list(_recipients())
    if not people:
        return 0
    context = _context(period)  # the same figures for everyone: computed once
    sent = 0
    for user in people:
        sent += notification_send_once(
            key=f"reports-weekly:{user.pk}:{period.first_day.isoformat()}",
            to=[user.email], template="reports_weekly",
            subject=f"Tend weekly summary: {period.label}",
            context={**context, "user": user}, now=now)
    return sent
