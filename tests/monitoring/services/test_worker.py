"""The whole loop through a real Celery worker on Redis, against a real HTTP server."""

import pytest
from django.utils import timezone

from monitoring.models import Check, State
from tests.waiting import real_worker, wait_for
from tickets.models import Status, Ticket


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_opens_and_resolves_the_incident(redis_url, postgres, http_target,
                                                      make_check, service):
    from monitoring.tasks import dispatch

    check = make_check(target=http_target.url, service=service, failure_threshold=3,
                       recovery_threshold=2, timeout=5)

    def run_once():
        # The clock does not move in this test: make the check due, let beat's task run.
        expected = check.results.count() + 1
        Check.objects.filter(pk=check.pk).update(next_run_at=timezone.now())
        dispatch.delay()

        def one_more_result():
            return check.results.count() == expected

        wait_for(one_more_result)

    with real_worker(redis_url):
        http_target.set("unhealthy")
        for _ in range(3):
            run_once()

        def an_incident():
            return Ticket.objects.filter(kind="incident").exists()

        wait_for(an_incident)
        http_target.set("healthy")
        for _ in range(2):
            run_once()
        ticket = Ticket.objects.get(kind="incident")

        def resolved():
            return Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED

        wait_for(resolved)
    check.refresh_from_db()
    assert check.state == State.UP and Ticket.objects.count() == 1
    assert check.results.count() == 5
    assert list(check.results.order_by("planned_at").values_list("outcome", flat=True)) == [
        "down", "down", "down", "up", "up"]
