"""The Monday summary: last week's figures, to subscribed managers only, once per week."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from itsm.config.schedule import BEAT_SCHEDULE
from reports import tasks
from reports.models import ReportSubscription
from reports.params import last_week
from reports.services.weekly import weekly_summaries_send
from tests.factories import UserFactory
from tests.reports.conftest import utc
from tickets.models import Status

pytestmark = pytest.mark.django_db
MONDAY = utc(2026, 3, 9, 7)


def subscribe(user, weekly=True):
    ReportSubscription.objects.update_or_create(user=user, defaults={"weekly": weekly})


def test_last_week_is_monday_to_sunday_before_today():
    week = last_week(date(2026, 3, 9))  # a Monday
    assert (week.first_day, week.last_day) == (date(2026, 3, 2), date(2026, 3, 8))
    assert last_week(date(2026, 3, 15)).first_day == date(2026, 3, 2)  # the Sunday after


def test_subscribed_managers_get_last_weeks_figures_once(manny, ada, build):
    build(utc(2026, 3, 3, 9), status=Status.RESOLVED, resolved_at=utc(2026, 3, 4, 9),
          resolution_breached=False)
    subscribe(manny)
    subscribe(ada, weekly=False)
    with time_machine.travel(MONDAY, tick=False):
        assert weekly_summaries_send() == 1
        assert weekly_summaries_send() == 0  # a second run (retry, duplicate) sends nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["manny@example.com"]
    assert message.subject == "Tend weekly summary: 2 Mar – 8 Mar 2026"
    assert "Resolution SLA met: 100.0 %" in message.body
    assert "http://127.0.0.1:8000/reports/sla/?from=2026-03-02&to=2026-03-08" in message.body
    html = message.alternatives[0][0]
    assert "SLA compliance" in html and "/reports/definitions/" in html


def test_the_next_week_sends_again(manny):
    subscribe(manny)
    with time_machine.travel(MONDAY, tick=False):
        weekly_summaries_send()
    with time_machine.travel(utc(2026, 3, 16, 7), tick=False):
        assert weekly_summaries_send() == 1
    assert len(mail.outbox) == 2


def test_people_who_may_not_see_reports_get_nothing(dee, manny):
    subscribe(dee)  # a DSE: no view_reports
    subscribe(manny)
    manny.is_active = False
    manny.save()
    nobody_at = UserFactory(username="noaddress", email="", role="Manager")
    subscribe(nobody_at)
    with time_machine.travel(MONDAY, tick=False):
        assert weekly_summaries_send() == 0
    assert mail.outbox == []


def test_the_task_runs_on_monday_morning_from_beat(manny, django_capture_on_commit_callbacks):
    subscribe(manny)
    entry = BEAT_SCHEDULE["reports-weekly-summary"]
    assert entry["task"] == "reports.tasks.send_weekly_summaries"
    assert entry["schedule"].day_of_week == {1} and entry["schedule"].hour == {7}
    with time_machine.travel(MONDAY, tick=False):
        assert tasks.send_weekly_summaries.delay().get() == 1
