"""The loop with tickets: down opens an incident, up resolves it, exactly once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from maintenance import selectors as maintenance_selectors
from maintenance.models import MaintenanceWindow
from monitoring.models import Check, CheckIncident, CheckResult, CheckStateChange
from monitoring.services import dispatch
from tests.factories import AssetFactory
from tests.monitoring.helpers import T0, minute, run_at, run_series
from tickets.models import Kind, Source, Status, Ticket, TicketEvent


@pytest.fixture
def web(make_check, http_target, service, team):
    with time_machine.travel(T0 - timedelta(minutes=5), tick=False):
        return make_check(name="Intranet", target=http_target.url, service=service, team=team,
                          priority=2, timeout=5)


def incidents():
    return Ticket.objects.filter(kind=Kind.INCIDENT)


def test_down_opens_one_incident_after_the_threshold_and_up_resolves_it(web, http_target):
    run_series(web, 0, 2)
    http_target.set("unhealthy")
    run_series(web, 2, 2)
    web.refresh_from_db()
    assert web.state == "pending" and not incidents().exists()
    run_at(web, minute(4))
    web.refresh_from_db()
    assert web.state == "down"
    ticket = incidents().get()
    assert (ticket.source, ticket.service, ticket.team, ticket.priority) == (
        Source.MONITORING, web.service, web.team, 2)
    assert "HTTP 500" in ticket.description and ticket.requester.username == "tend"
    assert ticket.title == "Intranet is down"
    run_series(web, 5, 3)  # further failures: a counter, nothing else
    assert incidents().count() == 1
    assert CheckIncident.objects.get().failures == 3
    http_target.set("healthy")
    run_series(web, 8, 2)
    web.refresh_from_db()
    ticket.refresh_from_db()
    assert web.state == "up" and web.open_incident is None
    assert ticket.status == Status.RESOLVED
    notice = TicketEvent.objects.get(ticket=ticket, action="notice")
    assert "6 min of downtime" in notice.message  # first failure at 2, first success at 8


def test_the_state_changes_record_the_real_outage(web, http_target):
    run_at(web, minute(0))
    http_target.set("unhealthy")
    run_series(web, 1, 3)
    http_target.set("healthy")
    run_series(web, 4, 2)
    rows = list(CheckStateChange.objects.filter(owner=web).values_list("to_state", "at"))
    assert rows[-4:] == [("up", minute(0)), ("pending", minute(1)), ("down", minute(1)),
                         ("up", minute(4))]


def test_only_comment_mode_leaves_the_incident_open(web, http_target):
    Check.objects.filter(pk=web.pk).update(incident_mode="comment", failure_threshold=1)
    http_target.set("unhealthy")
    run_at(web, minute(0))
    http_target.set("healthy")
    run_series(web, 1, 2)
    ticket = incidents().get()
    assert ticket.status == Status.NEW
    assert TicketEvent.objects.filter(ticket=ticket, action="notice").exists()
    http_target.set("unhealthy")  # fails again: the same open incident, no new one
    run_at(web, minute(3))
    assert incidents().count() == 1
    web.refresh_from_db()
    assert web.open_incident.ticket == ticket


def test_a_new_failure_soon_after_reopens_the_resolved_incident(web, http_target):
    Check.objects.filter(pk=web.pk).update(failure_threshold=1, recovery_threshold=1)
    http_target.set("unhealthy")
    run_at(web, minute(0))
    http_target.set("healthy")
    run_at(web, minute(1))
    ticket = incidents().get()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED
    http_target.set("unhealthy")
    run_at(web, minute(2))
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.reopen_count == 1
    assert incidents().count() == 1


def test_a_failure_long_after_resolution_opens_a_new_incident(web, http_target):
    Check.objects.filter(pk=web.pk).update(failure_threshold=1, recovery_threshold=1)
    http_target.set("unhealthy")
    run_at(web, minute(0))
    http_target.set("healthy")
    run_at(web, minute(1))
    http_target.set("unhealthy")
    run_at(web, minute(60 * 30))
    assert incidents().count() == 2


def test_a_redelivered_batch_records_nothing_twice(web, http_target):
    Check.objects.filter(pk=web.pk).update(failure_threshold=1)
    http_target.set("unhealthy")
    claims = [(web.pk, minute(0))]
    with time_machine.travel(minute(0), tick=False):
        first = dispatch.checks_run_claimed(claims=claims)
        again = dispatch.checks_run_claimed(claims=claims)
    assert (first["results"], again["results"], again["skipped"]) == (1, 0, 1)
    assert CheckResult.objects.count() == 1
    assert incidents().count() == 1
    assert CheckStateChange.objects.filter(to_state="down").count() == 1
    assert CheckIncident.objects.get().failures == 0


def test_a_batch_redelivered_after_newer_runs_is_stored_but_changes_no_state(web,
                                                                           http_target):
    from monitoring.models import CheckRollup

    Check.objects.filter(pk=web.pk).update(failure_threshold=1)
    run_at(web, minute(1))
    http_target.set("unhealthy")
    with time_machine.travel(minute(2), tick=False):
        lost_batch = dispatch.checks_run_claimed  # the worker running slot 0 died; slot 1 went on
        report = lost_batch(claims=[(web.pk, minute(0))])
    web.refresh_from_db()
    assert report == {"results": 1, "skipped": 0, "changes": 0, "incidents": [], "late": 1}
    assert web.state == "up" and not incidents().exists()
    assert sorted(CheckResult.objects.values_list("planned_at", flat=True)) == [
        minute(0), minute(1)]
    assert CheckRollup.objects.get().count == 2


def test_a_worker_restarted_while_the_target_is_down_sends_no_second_alert(web, http_target):
    Check.objects.filter(pk=web.pk).update(failure_threshold=1)
    http_target.set("unhealthy")
    run_at(web, minute(0))
    events = TicketEvent.objects.count()
    # A fresh process: nothing in memory, the same rows; the target is still down.
    run_series(web, 1, 3)
    assert incidents().count() == 1
    assert TicketEvent.objects.count() == events


def test_an_incident_lost_between_state_and_ticket_is_opened_by_the_next_run(
        web, http_target, monkeypatch):
    Check.objects.filter(pk=web.pk).update(failure_threshold=1)
    http_target.set("unhealthy")
    monkeypatch.setattr(dispatch.incidents, "incident_reconcile",
                        lambda *, check_id, now=None: "nothing")
    run_at(web, minute(0))  # the worker "died" before opening the incident
    assert not incidents().exists()
    monkeypatch.undo()
    run_at(web, minute(1))
    assert incidents().count() == 1


def test_no_incident_while_a_maintenance_window_covers_the_service(web, http_target,
                                                                    monkeypatch):
    MaintenanceWindow.objects.create(reason="Upgrade", starts_at=minute(-10),
                                     ends_at=minute(30)).services.add(web.service)
    calls = []
    real = maintenance_selectors.window_covering

    def covering(*, service_id, asset_id, at):
        # The real selector, watched: what the incident code asks the maintenance app.
        calls.append((service_id, asset_id))
        return real(service_id=service_id, asset_id=asset_id, at=at)

    monkeypatch.setattr("maintenance.selectors.window_covering", covering)
    Check.objects.filter(pk=web.pk).update(failure_threshold=1)
    http_target.set("unhealthy")
    run_series(web, 0, 3)
    web.refresh_from_db()
    assert web.state == "down" and not incidents().exists()
    assert calls[0] == (web.service_id, None)
    run_at(web, minute(31))  # the window is over and it is still down
    assert incidents().count() == 1


def test_the_asset_of_the_check_goes_on_the_incident(make_check, http_target, service):
    asset = AssetFactory(name="web-01", service=service)
    check = make_check(target=http_target.url, service=service, asset=asset,
                       failure_threshold=1)
    http_target.set("unhealthy")
    run_at(check, minute(0))
    assert incidents().get().asset == asset


def test_flapping_gives_one_incident_marked_flapping(web, http_target):
    Check.objects.filter(pk=web.pk).update(failure_threshold=1, recovery_threshold=1,
                                           incident_mode="resolve")
    for i, mode in enumerate(["unhealthy", "healthy"] * 4):
        http_target.set(mode)
        run_at(web, minute(i))
    web.refresh_from_db()
    assert web.flapping
    ticket = incidents().get()
    link = CheckIncident.objects.get()
    assert link.flapping and web.open_incident == link
    ticket.refresh_from_db()
    assert ticket.status != Status.RESOLVED  # ups while flapping do not resolve it
    assert TicketEvent.objects.filter(ticket=ticket, new_value="flapping").count() == 1
    run_at(web, minute(8 + 31))  # a whole quiet window later
    web.refresh_from_db()
    ticket.refresh_from_db()
    assert not web.flapping and ticket.status == Status.RESOLVED


def test_a_late_heartbeat_opens_an_incident_and_a_ping_resolves_it(make_check, client):
    with time_machine.travel(minute(0), tick=False):
        check = make_check(kind="heartbeat", name="Nightly backup", period=3600, grace=300)
    assert check.next_run_at == minute(65)
    with time_machine.travel(minute(65), tick=False):
        dispatch.checks_run_claimed(claims=dispatch.checks_claim_due(lookahead=0))
    check.refresh_from_db()
    assert check.state == "down"
    ticket = incidents().get()
    assert ticket.title == "Nightly backup: heartbeat late or failed"
    with time_machine.travel(minute(70), tick=False):
        assert client.get(f"/ping/{check.uuid}").status_code == 200
        dispatch.checks_run_claimed(claims=dispatch.checks_claim_due(lookahead=0))
    check.refresh_from_db()
    ticket.refresh_from_db()
    assert check.state == "up" and ticket.status == Status.RESOLVED
    assert check.next_run_at == minute(70 + 65)


def test_a_certificate_near_expiry_opens_one_renewal_ticket(make_check, tls_target):
    server = tls_target(days_left=7)
    check = make_check(kind="tls", name="Portal certificate", target=server.target,
                       verify_tls=False, tls_warn_days=21)
    for n in range(3):  # slots in the recent past: the certificate's clock is the real one
        dispatch.checks_run_claimed(claims=[(check.pk, timezone.now() - timedelta(minutes=10 - n))])
    ticket = Ticket.objects.get(kind=Kind.MAINTENANCE)
    assert "Renew the TLS certificate" in ticket.title
    assert abs(ticket.due_at - (server.not_after - timedelta(days=1))) < timedelta(seconds=1)
    check.refresh_from_db()
    assert check.state == "degraded" and not incidents().exists()


def test_a_renewed_certificate_resolves_the_renewal_ticket(make_check, tls_target):
    old = tls_target(days_left=7)
    check = make_check(kind="tls", target=old.target, verify_tls=False, tls_warn_days=21)
    dispatch.checks_run_claimed(claims=[(check.pk, timezone.now() - timedelta(minutes=2))])
    new = tls_target(days_left=300)
    Check.objects.filter(pk=check.pk).update(target=new.target)
    check.refresh_from_db()
    dispatch.checks_run_claimed(claims=[(check.pk, timezone.now() - timedelta(minutes=1))])
    ticket = Ticket.objects.get(kind=Kind.MAINTENANCE)
    assert ticket.status == Status.RESOLVED


def test_the_dispatcher_claims_each_due_check_once_and_moves_it_on(make_check, http_target):
    with time_machine.travel(T0, tick=False):
        checks = [make_check(name=f"c{i}", target=http_target.url, interval=60)
                  for i in range(5)]
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        claims = dispatch.checks_claim_due(lookahead=0)
        assert sorted(pk for pk, _ in claims) == sorted(c.pk for c in checks)
        assert dispatch.checks_claim_due(lookahead=0) == []
    for check in checks:
        planned = dict(claims)[check.pk]
        check.refresh_from_db()
        assert check.next_run_at == planned + timedelta(seconds=60)


def test_a_paused_check_is_not_claimed_and_ignores_a_late_batch(make_check, http_target):
    from monitoring import services

    with time_machine.travel(T0, tick=False):
        check = make_check(target=http_target.url)
        services.check_pause(check=check, actor=None)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert dispatch.checks_claim_due(lookahead=0) == []
        report = dispatch.checks_run_claimed(claims=[(check.pk, T0 + timedelta(minutes=5))])
        assert report["results"] == 0
