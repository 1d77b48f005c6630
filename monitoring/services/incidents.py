"""The loop with tickets: a check's state decides its incident, through tickets.services.

`incident_reconcile` compares what the check's state calls for with what exists and closes
the gap: down with no incident -> open (or reopen) one; up again with one -> a timeline
entry with the downtime, and resolve it. It runs after every batch for the checks that
may need it, under the check's row lock, so it is idempotent: a redelivered batch, two
workers, or a worker restarted while targets are down find the incident already there
and do nothing (no second DOWN alert). If a worker dies between recording a state and
opening the incident, the next run of that check finds the gap and fills it.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.services.system_user import system_user_get
from maintenance import selectors as maintenance_selectors
from monitoring import conf
from monitoring.models import Check, CheckIncident, CheckResult, IncidentMode, State
from monitoring.models import Kind as CheckKind
from monitoring.models.states import describe_duration
from tickets import rules as ticket_rules
from tickets import services as ticket_services
from tickets.events import publish
from tickets.models import OPEN_STATUSES, Kind, Source, Status

log = logging.getLogger(__name__)
UP_STATES = (State.UP, State.DEGRADED)


def incident_reconcile_needed(*, check: Check, flap_changed: bool = False,
                              now: datetime | None = None) -> bool:
    """Cheap test on the in-memory check: could `incident_reconcile` have anything to do?"""
    if check.paused:
        return False
    if flap_changed or (check.flapping and check.open_incident_id is None):
        return True
    if check.state == State.DOWN and check.open_incident_id is None:
        return True
    if check.state in UP_STATES and check.open_incident_id and not check.flapping:
        return True
    return check.kind == CheckKind.TLS and _renewal_due(check, now or timezone.now()) is not None


def _renewal_due(check: Check, now: datetime) -> str | None:
    not_after = check.tls_not_after
    if not_after is None:
        return None
    warn = timedelta(days=check.tls_warn_days)
    inside = not_after - now <= warn
    if inside and check.renewal_for != not_after:
        return "open"
    if not inside and check.renewal_ticket_id and check.renewal_for and \
            not_after > check.renewal_for:
        return "renewed"
    return None


def incident_reconcile(*, check_id: int, now: datetime | None = None) -> str:
    """Bring the check's incident in line with its state. Returns what it did.

    Everything it writes (the ticket's creation and SLA start, notices, transitions) is
    dated `now`: a batch processed late, or a replayed history, keeps its own moment."""
    now = now or timezone.now()
    with transaction.atomic():
        check = (Check.objects.select_for_update(of=("self",))
                 .select_related("service", "asset", "team", "open_incident__ticket")
                 .filter(pk=check_id).first())
        if check is None or check.paused:
            return "nothing"
        done = []
        if check.flapping and check.open_incident_id is None:
            done.append(_open(check, flapping=True, now=now))
        elif check.state == State.DOWN and check.open_incident_id is None:
            done.append(_open(check, flapping=False, now=now))
        elif check.flapping and check.open_incident and not check.open_incident.flapping:
            done.append(_mark_flapping(check, now))
        elif check.state in UP_STATES and check.open_incident_id and not check.flapping:
            done.append(_recovered(check, now))
        if check.kind == CheckKind.TLS:
            done.append(_renewal(check, now))
        return ", ".join(d for d in done if d) or "nothing"


def _window(check: Check, now: datetime):
    return maintenance_selectors.window_covering(
        service_id=check.service_id, asset_id=check.asset_id, at=now)


def _impact_urgency(priority: int) -> dict:
    """An impact and urgency that make `priority` in the matrix, the widest impact first
    (a check watches a whole service; Level.HIGH is 1, so it sorts first). Left at
    Low × Low, an incident would read "P1" beside them, and the first edit of either would
    recompute the priority from Low: P1 to P3, and off its SLA policy."""
    pairs = sorted(pair for pair, p in ticket_rules.priority_matrix().items() if p == priority)
    return dict(zip(("impact", "urgency"), pairs[0], strict=True)) if pairs else {}


def _ticket_fields(check: Check) -> dict:
    asset, service = check.asset, check.service
    if asset is not None and service is not None and asset.service_id not in (None, service.pk):
        asset = None  # the asset moved to another service since the check was saved
    return {"service": service, "asset": asset, "team": check.team,
            "priority": check.priority, **_impact_urgency(check.priority),
            "source": Source.MONITORING, "requester": system_user_get()}


def _check_url(check: Check) -> str:
    return settings.TEND_BASE_URL.rstrip("/") + check.get_absolute_url()


def _md(text: str) -> str:
    # Monitoring output is remote text: keep it from becoming Markdown structure.
    return (text or "").replace("|", "\\|").replace("`", "'").replace("\n", " ")


def _describe_failure(check: Check) -> str:
    recent = list(CheckResult.objects.filter(owner=check).order_by("-planned_at")[:5])
    lines = [
        f"**{_md(check.name)}** ({check.get_kind_display()}) has been failing since "
        f"{check.state_since:%Y-%m-%d %H:%M:%S} UTC.",
        "",
        f"- Target: `{_md(check.display_target) or '—'}`",
        f"- Failed runs in a row: {check.consecutive_failures} "
        f"(down after {check.thresholds()[0]})",
        f"- Last result: {_md(check.last_message) or '—'}",
        f"- Check: {_check_url(check)}",
    ]
    if recent:
        lines += ["", "| Planned | Outcome | Latency | Output |", "| --- | --- | --- | --- |"]
        for r in recent:
            latency = f"{r.latency_ms:.0f} ms" if r.latency_ms is not None else "—"
            lines.append(f"| {r.planned_at:%H:%M:%S} | {r.outcome} | {latency} | "
                         f"{_md(r.message)} |")
    return "\n".join(lines)


def _title(check: Check, flapping: bool) -> str:
    if flapping:
        return f"Flapping: {check.name} keeps going down and up"
    if check.kind == CheckKind.HEARTBEAT:
        return f"{check.name}: heartbeat late or failed"
    return f"{check.name} is down"


def _open(check: Check, *, flapping: bool, now: datetime) -> str:
    if _window(check, now) is not None:
        return "suppressed by a maintenance window"
    previous = (CheckIncident.objects.filter(owner=check).select_related("ticket")
                .order_by("-opened_at").first())
    reason = f"{check.name} failed again: {check.last_message}"
    if previous and previous.ticket.status in OPEN_STATUSES:
        # "Only comment" mode left it open; one open incident per check, so reuse it.
        ticket_services.ticket_notice(ticket=previous.ticket, message=reason, field="monitoring",
                                      old=State.UP, new=State.DOWN, now=now)
        link, action = previous, f"resumed {previous.ticket.ref}"
    elif (previous and previous.ticket.status == Status.RESOLVED and previous.recovered_at
          and now - previous.recovered_at <= timedelta(hours=conf.reopen_hours())):
        # The transition returns the ticket as it now is (a fresh, locked copy): the event
        # must carry that one, not `previous.ticket`, which still reads "resolved".
        reopened = ticket_services.ticket_transition(ticket=previous.ticket, actor=None,
                                                     to=Status.IN_PROGRESS, now=now)
        ticket_services.ticket_notice(ticket=previous.ticket, message=reason,
                                      field="monitoring", old=State.UP, new=State.DOWN, now=now)
        link, action = previous, f"reopened {previous.ticket.ref}"
        _publish("incident.opened", check, reopened, now, reopened=True)
    else:
        ticket = ticket_services.ticket_create(
            title=_title(check, flapping), description=_describe_failure(check),
            kind=Kind.INCIDENT, now=now, **_ticket_fields(check))
        link = CheckIncident.objects.create(owner=check, ticket=ticket,
                                            down_since=check.failing_since or check.state_since,
                                            opened_at=now, failures=0, flapping=flapping)
        check.open_incident = link
        check.save(update_fields=["open_incident"])
        _publish("incident.opened", check, ticket, now, reopened=False)
        return f"opened {ticket.ref}"
    link.recovered_at = None
    link.down_since = check.state_since
    link.flapping = link.flapping or flapping
    link.save(update_fields=["recovered_at", "down_since", "flapping"])
    check.open_incident = link
    check.save(update_fields=["open_incident"])
    if flapping:
        _flap_notice(link, now)
    return action


def _publish(name: str, check: Check, ticket, now: datetime, **extra) -> None:
    publish(name, ticket, now=now, check={
        "id": check.pk, "name": check.name, "kind": check.kind, "state": check.state,
        "target": check.display_target, "message": check.last_message}, **extra)


def _flap_notice(link: CheckIncident, now: datetime) -> None:
    ticket_services.ticket_notice(
        ticket=link.ticket, field="monitoring", new="flapping", now=now,
        message=f"{link.owner.name} is flapping ({conf.FLAP_CHANGES} or more ups and downs in "
                f"{conf.FLAP_WINDOW_SECONDS // 60} min). This incident stays open until it "
                "has been stable for as long.")


def _mark_flapping(check: Check, now: datetime) -> str:
    link = check.open_incident
    link.flapping = True
    link.save(update_fields=["flapping"])
    _flap_notice(link, now)
    return f"marked {link.ticket.ref} flapping"


def _recovered(check: Check, now: datetime) -> str:
    link = check.open_incident
    ticket = link.ticket
    downtime = describe_duration((check.state_since - link.down_since).total_seconds())
    ticket_services.ticket_notice(
        ticket=ticket, field="monitoring", old=State.DOWN, new=check.state, now=now,
        message=f"{check.name} is {check.get_state_display().lower()} again after {downtime} "
                f"of downtime ({link.down_since:%Y-%m-%d %H:%M:%S} – "
                f"{check.state_since:%H:%M:%S} UTC).")
    action = f"noted recovery on {ticket.ref}"
    ticket.refresh_from_db()
    if check.incident_mode == IncidentMode.RESOLVE and ticket.status in OPEN_STATUSES:
        try:
            resolved = ticket_services.ticket_transition(ticket=ticket, actor=None,
                                                         to=Status.RESOLVED, now=now)
            action = f"resolved {ticket.ref}"
            _publish("incident.resolved", check, resolved, now, downtime=downtime)
        except ValidationError as exc:  # e.g. a checklist someone added is not done
            log.info("could not resolve %s: %s", ticket.ref, exc)
    link.recovered_at = check.state_since
    link.save(update_fields=["recovered_at"])
    check.open_incident = None
    check.save(update_fields=["open_incident"])
    return action


def _renewal(check: Check, now: datetime) -> str | None:
    due = _renewal_due(check, now)
    not_after = check.tls_not_after
    if due == "open":
        host = check.display_target
        ticket = ticket_services.ticket_create(
            title=f"Renew the TLS certificate of {host}"[:200],
            description=(f"The certificate served by `{_md(host)}` expires on "
                         f"{not_after:%Y-%m-%d %H:%M} UTC, within the warning period of "
                         f"{check.tls_warn_days} days.\n\nCheck: {_check_url(check)}"),
            kind=Kind.MAINTENANCE, due_at=not_after - timedelta(days=1), now=now,
            **_ticket_fields(check))
        check.renewal_for, check.renewal_ticket = not_after, ticket
        check.save(update_fields=["renewal_for", "renewal_ticket"])
        return f"opened {ticket.ref} to renew the certificate"
    if due == "renewed":
        ticket = check.renewal_ticket
        ticket_services.ticket_notice(
            ticket=ticket, field="certificate", new=f"{not_after:%Y-%m-%d}", now=now,
            message=f"The certificate was renewed: now valid until {not_after:%Y-%m-%d %H:%M} UTC.")
        ticket.refresh_from_db()
        if ticket.status in OPEN_STATUSES:
            try:
                ticket_services.ticket_transition(ticket=ticket, actor=None, to=Status.RESOLVED,
                                                  now=now)
            except ValidationError as exc:
                log.info("could not resolve %s: %s", ticket.ref, exc)
        check.renewal_ticket = None
        check.save(update_fields=["renewal_ticket"])
        return f"noted renewal on {ticket.ref}"
    return None
