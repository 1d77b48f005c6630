"""The capacity ticket of a series: open one, note a material ETA change once, resolve it
by itself with a note. The decisions are capacity/forecast/loop.py's (pure, shared with
`capacity_simulate`); this module carries them out through the ticket services."""

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from capacity.forecast import Forecast
from capacity.forecast.loop import (
    NONE,
    NOTICE,
    OPEN,
    RESOLVE,
    TRACK,
    OpenFollowUp,
    decide,
    eta_range,
)
from capacity.models import FollowUp, Series
from capacity.settings import floor_for, kind_settings
from itsm.services.system_user import system_user_get
from tickets import services as ticket_services
from tickets.events import publish
from tickets.models import OPEN_STATUSES, Kind, Source, Status

log = logging.getLogger(__name__)


def _chart_url(series: Series) -> str:
    return settings.TEND_BASE_URL.rstrip("/") + reverse("capacity:asset", args=[series.asset_id])


def _describe(series: Series, fc: Forecast, reason: str) -> str:
    def num(value):
        return "—" if value is None else f"{value:.4g}"
    lines = [f"**{series}** is forecast to reach its threshold ({num(fc.threshold)} "
             f"{series.unit}).", ""]
    if reason == "threshold":
        lines[0] = f"**{series}** is at or over its threshold ({num(fc.threshold)}) now."
    lines += [f"- ETA: {eta_range(fc)} UTC",
              f"- Growth: {num(fc.slope)}/day (interval {num(fc.slope_low)} – "
              f"{num(fc.slope_high)})",
              f"- Window: {fc.window_start:%Y-%m-%d %H:%M} – {fc.window_end:%Y-%m-%d %H:%M} UTC"
              if fc.window_start and fc.window_end else "- Window: —",
              f"- Last value: {num(series.last_value)}",
              f"- Chart: {_chart_url(series)}"]
    return "\n".join(lines)


def _open(series: Series, fc: Forecast, reason: str, now: datetime) -> str:
    title = (f"Capacity: {series} is full" if reason == "threshold"
             else f"Capacity: {series} fills by {fc.eta_earliest:%Y-%m-%d}")
    try:
        with transaction.atomic():
            ticket = ticket_services.ticket_create(
                requester=system_user_get(), actor=None, title=title[:200],
                description=_describe(series, fc, reason), kind=Kind.CAPACITY,
                source=Source.CAPACITY, asset=series.asset, service=series.asset.service,
                due_at=fc.eta_earliest if reason == "forecast" else None, now=now)
            FollowUp.objects.create(series=series, ticket=ticket, reason=reason, opened_at=now,
                                    eta_earliest=fc.eta_earliest, eta_likely=fc.eta_likely)
            publish("capacity.forecast", ticket, now=now, forecast={
                "series": str(series), "reason": reason, "eta_earliest": fc.eta_earliest,
                "eta_likely": fc.eta_likely})
    except IntegrityError:  # another sweep opened it first: one open follow-up per series
        return ""
    return f"opened {ticket.ref}"


def _resolve(follow_up: FollowUp, message: str, now: datetime) -> str:
    ticket = follow_up.ticket
    ticket_services.ticket_notice(ticket=ticket, message=message, field="capacity", now=now)
    ticket.refresh_from_db()
    if ticket.status in OPEN_STATUSES:
        try:
            ticket_services.ticket_transition(ticket=ticket, actor=None, to=Status.RESOLVED,
                                              now=now)
        except ValidationError as exc:  # e.g. a checklist someone added is not done
            log.info("could not resolve %s: %s", ticket.ref, exc)
    follow_up.closed_at = now
    follow_up.save(update_fields=["closed_at"])
    return f"resolved {ticket.ref}"


@transaction.atomic
def follow_up_apply(*, series: Series, fc: Forecast, follow_up: FollowUp | None,
                    capacity: float | None = None, resized_at: datetime | None = None,
                    now: datetime) -> str:
    """Carry out the loop's decision for one series; what was done ("" for nothing)."""
    if follow_up is not None and follow_up.ticket.status not in OPEN_STATUSES:
        # someone closed it: the follow-up is over; the next sweep may open a new one
        follow_up.closed_at = now
        follow_up.save(update_fields=["closed_at"])
        return f"closed with {follow_up.ticket.ref}"
    state = None if follow_up is None else OpenFollowUp(
        follow_up.opened_at, follow_up.reason, follow_up.eta_earliest, follow_up.eta_likely,
        follow_up.clear_since)
    decision = decide(follow_up=state, fc=fc, last_value=series.last_value,
                      floor=floor_for(series.kind, threshold=fc.threshold, capacity=capacity),
                      lead_time=kind_settings(series.kind).lead_time, now=now,
                      resized_at=resized_at)
    if decision.action == NONE:
        return ""
    if decision.action == OPEN:
        return _open(series, fc, decision.reason, now)
    if decision.action == RESOLVE:
        return _resolve(follow_up, decision.message, now)
    if decision.action == TRACK:
        follow_up.clear_since = decision.clear_since
        follow_up.save(update_fields=["clear_since"])
        return ""
    assert decision.action == NOTICE
    old = eta_range(Forecast("", eta_earliest=follow_up.eta_earliest,
                             eta_likely=follow_up.eta_likely))
    ticket_services.ticket_notice(ticket=follow_up.ticket, message=decision.message,
                                  field="capacity ETA", old=old, new=eta_range(fc), now=now)
    follow_up.eta_earliest, follow_up.eta_likely = fc.eta_earliest, fc.eta_likely
    follow_up.save(update_fields=["eta_earliest", "eta_likely"])
    return f"noted ETA change on {follow_up.ticket.ref}"
