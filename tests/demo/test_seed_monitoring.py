"""seed_monitoring: demo checks aimed at the port Tend runs on, healthy, with a handled
outage in their history; a second run only re-aims them."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from demo import sla
from demo.people import seed_base
from monitoring import services
from monitoring.models import Check, CheckIncident, CheckResult, CheckRollup, CheckStateChange
from monitoring.services import dispatch
from tickets.models import Source, Status, Ticket

WEDNESDAY_NOON = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


def seed(**options):
    call_command("seed_monitoring", stdout=io.StringIO(), **options)


def targets() -> dict[str, str]:
    return dict(Check.objects.values_list("name", "target"))


def test_the_demo_seed_makes_checks_with_history_once(db, team, service):
    seed(days=1)
    results = CheckResult.objects.count()
    seed(days=1)
    assert Check.objects.count() == 5
    assert CheckResult.objects.count() == results > 0
    assert CheckRollup.objects.exists()
    assert CheckStateChange.objects.filter(to_state="down").exists()


def test_every_check_watches_what_tend_serves_on_the_port_given(db):
    seed(days=1, port=8123)
    probed = {name: target for name, target in targets().items() if target}
    assert probed == {
        "Tend sign-in page": "http://127.0.0.1:8123/accounts/login/",
        "Tend stylesheets": "http://127.0.0.1:8123/static/css/tend.css",
        "Tend web port": "127.0.0.1:8123",
        "Directory DNS": "localhost",
    }


def test_the_port_is_the_one_make_run_exports(db, monkeypatch):
    monkeypatch.setenv("PORT", "8125")
    seed(days=1)
    assert targets()["Tend sign-in page"] == "http://127.0.0.1:8125/accounts/login/"


def test_a_run_on_another_port_re_aims_the_checks_and_adds_nothing(db):
    seed(days=1, port=8123)
    results, changes = CheckResult.objects.count(), CheckStateChange.objects.count()
    seed(days=1, port=8124)
    assert targets()["Tend sign-in page"] == "http://127.0.0.1:8124/accounts/login/"
    assert targets()["Tend web port"] == "127.0.0.1:8124"
    assert Check.objects.count() == 5
    assert (CheckResult.objects.count(), CheckStateChange.objects.count()) == (results, changes)


def test_checks_an_earlier_demo_made_are_re_aimed_not_doubled(db):
    services.check_create(actor=None, name="Mail relay SMTP", kind="tcp", target="127.0.0.1:2525")
    services.check_create(actor=None, name="Portal certificate", kind="tls",
                          target="localhost:8443", verify_tls=False)
    seed(days=1, port=8123)
    assert Check.objects.count() == 5
    assert targets()["Tend web port"] == "127.0.0.1:8123"
    assert Check.objects.get(name="Tend stylesheets").kind == "http"
    assert not Check.objects.filter(name__in=["Mail relay SMTP", "Portal certificate"]).exists()


def test_the_demo_starts_healthy_with_nothing_open_and_nobody_mailed(db):
    seed_base()
    mail.outbox.clear()
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        seed(days=7)
    assert set(Check.objects.values_list("state", flat=True)) == {"up"}
    # Its last run reported on Sunday: the demo's job (demo/backup.py) is due next Sunday.
    backup = Check.objects.get(kind="heartbeat")
    assert backup.heartbeat_deadline(WEDNESDAY_NOON) > WEDNESDAY_NOON + timedelta(days=4)
    assert not Check.objects.filter(open_incident__isnull=False).exists()
    assert not CheckIncident.objects.filter(recovered_at__isnull=True).exists()
    incidents = Ticket.objects.filter(source=Source.MONITORING)
    assert incidents.count() == 1 and incidents.get().status == Status.RESOLVED
    assert mail.outbox == []


def test_the_outage_in_the_history_was_worked_on_a_24x7_clock(db):
    seed_base()
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        seed(days=7)
    ticket = Ticket.objects.get(source=Source.MONITORING)
    opened = timezone.localtime(ticket.created_at)
    # Tuesday 05:56, before anyone is at work: the VPN's P2 policy runs around the clock.
    assert (opened.weekday(), opened.hour, opened.minute) == (1, 5, 56)
    assert ticket.sla_policy.name == sla.p2_policy_name("VPN")
    assert ticket.assignee.username == "dee"
    assert ticket.first_response_at - ticket.created_at == timedelta(minutes=8)
    assert ticket.response_breached is False and ticket.resolution_breached is False
    assert ticket.status == Status.RESOLVED
    timeline = list(ticket.events.order_by("at", "pk").values_list("action", "actor__username"))
    assert timeline[0] == ("created", None)
    assert ("note", "dee") in timeline and ("notice", None) in timeline
    assert timeline[-1] == ("replied", "dee")  # the cause, once it was back


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_demo_check_is_up_against_a_running_tend(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    seed(days=1, port=port)
    checks = [c for c in Check.objects.all() if c.kind != "heartbeat"]
    now = timezone.now()
    dispatch.checks_run_claimed(claims=[(c.pk, now) for c in checks], now=now)
    found = {c.name: (c.last_outcome, c.last_message) for c in Check.objects.all()
             if c.kind != "heartbeat"}
    assert {outcome for outcome, _ in found.values()} <= {"up", "degraded"}, found
