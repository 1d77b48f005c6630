"""With the real maintenance app: its windows silence incidents and count as planned."""

from datetime import timedelta

import time_machine

from maintenance.models import MaintenanceWindow
from monitoring import selectors
from tests.monitoring.helpers import minute, run_at
from tickets.models import Ticket


def window(service, start, end, reason="Mail server upgrade"):
    made = MaintenanceWindow.objects.create(reason=reason, starts_at=start, ends_at=end)
    made.services.add(service)
    return made


def test_a_real_window_suppresses_the_incident_and_its_downtime_is_planned(
        make_check, http_target, service):
    with time_machine.travel(minute(-5), tick=False):
        check = make_check(target=http_target.url, service=service, failure_threshold=1,
                           recovery_threshold=1)
    window(service, minute(0), minute(20))
    run_at(check, minute(-1))
    http_target.set("unhealthy")
    run_at(check, minute(5))
    assert not Ticket.objects.filter(kind="incident").exists()
    http_target.set("healthy")
    run_at(check, minute(15))
    found = selectors.check_availability([check.pk], minute(0), minute(60))[check.pk]
    assert found.down == timedelta(minutes=10) == found.planned_down
    assert found.ratio == 1


def test_the_status_page_lists_upcoming_maintenance(client_for, alice, make_check, service):
    from django.utils import timezone

    make_check(kind="dns", target="localhost", service=service)
    now = timezone.now()
    window(service, now + timedelta(days=1), now + timedelta(days=1, hours=2))
    page = client_for(alice).get("/status/").content.decode()
    assert "Planned maintenance" in page and "Mail server upgrade" in page
