"""seed_demo and demo_logins: idempotent demo data, scale data, and the login banner.

These tests do not use the persona fixtures: seed_demo creates alice, dee… itself.
"""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, Max
from django.utils import timezone

from demo import people as demo_data
from itsm.models import Asset, Service, Team, User
from tickets import services
from tickets.models import (
    Category,
    Comment,
    Source,
    Status,
    Ticket,
    TicketEvent,
    TimeEntry,
)

DEMO = 40  # enough stories to see every kind of life; 300 is the real default


def seed(**options):
    call_command("seed_demo", demo_tickets=options.pop("demo_tickets", DEMO), verbosity=0,
                 **options)


def row_counts() -> dict[str, int]:
    models = (User, Group, Team, Team.members.through, User.groups.through, Service, Asset,
              Category, Ticket, Comment, TicketEvent, TimeEntry)
    return {model.__name__: model.objects.count() for model in models}


def test_it_changes_nothing_when_run_twice(db):
    seed()
    first = row_counts()
    seed()
    assert row_counts() == first
    assert first["Ticket"] == DEMO


def test_it_changes_nothing_when_run_again_days_later(db):
    seed()
    first = row_counts()
    with time_machine.travel(timezone.now() + timedelta(days=3, hours=7)):
        seed()
    assert row_counts() == first


def test_a_bigger_demo_set_adds_only_the_missing_tickets(db):
    seed(demo_tickets=10)
    seed(demo_tickets=15)
    assert Ticket.objects.count() == 15
    titles = list(Ticket.objects.values_list("requester__username", "title"))
    assert len(set(titles)) == len(titles)


def test_demo_tickets_have_varied_lives_in_the_past(db):
    now = datetime(2026, 3, 12, 14, 0, tzinfo=UTC)  # a Thursday afternoon, at work
    with time_machine.travel(now, tick=False):
        seed()
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {Status.NEW, Status.CLOSED} <= statuses and len(statuses) >= 4
    assert set(Ticket.objects.values_list("kind", flat=True)) >= {"incident", "request"}
    assert Ticket.objects.filter(created_at__lt=now - timedelta(days=7)).exists()
    assert not Ticket.objects.filter(updated_at__gt=now).exists()
    assert not TicketEvent.objects.filter(at__gt=now).exists()
    assert Comment.objects.filter(is_internal=True).exists()
    assert Comment.objects.filter(is_internal=False).exists()
    # Made through the services: every ticket's timeline starts with its creation.
    assert TicketEvent.objects.filter(action="created").count() == DEMO


def test_seeding_sends_no_mail(db, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seed(demo_tickets=10)
    assert mail.outbox == []


def test_every_role_has_a_demo_login_with_password_demo(db):
    seed(demo_tickets=0)
    for spec in demo_data.USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(demo_data.DEMO_PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [spec.role]
    assert User.objects.get(username="ada").is_staff
    assert User.objects.get(username="dee").is_agent
    assert not User.objects.get(username="manny").is_agent
    assert User.objects.get(username="manny").sees_all_tickets
    assert not User.objects.get(username="alice").sees_all_tickets
    assert Team.objects.get(name="Service Desk").members.filter(username="dan").exists()


def test_it_leaves_a_changed_password_alone(db):
    seed(demo_tickets=0)
    dee = User.objects.get(username="dee")
    dee.set_password("something-else")
    dee.save()
    seed(demo_tickets=0)
    dee.refresh_from_db()
    assert dee.check_password("something-else")


def test_scale_tickets_are_added_up_to_the_number_asked(db):
    seed(demo_tickets=5, tickets=50, batch_size=20)
    assert Ticket.objects.filter(source=Source.API).count() == 50
    seed(demo_tickets=5, tickets=50, batch_size=20)
    assert Ticket.objects.filter(source=Source.API).count() == 50
    seed(demo_tickets=5, tickets=60, batch_size=20)
    assert Ticket.objects.filter(source=Source.API).count() == 60
    assert Ticket.objects.filter(source=Source.API, status__in=Status.values).count() == 60
    assert TicketEvent.objects.filter(action="created").count() == 65


def test_scale_numbers_are_unique_and_filing_continues_above_them(db):
    seed(demo_tickets=5, tickets=50, batch_size=20)
    per_kind = Ticket.objects.values("kind").annotate(
        n=Count("id"), distinct=Count("number", distinct=True), top=Max("number"))
    for row in per_kind:
        assert row["n"] == row["distinct"]
    top = next(row["top"] for row in per_kind if row["kind"] == "incident")
    alice = User.objects.get(username="alice")
    ticket = services.ticket_create(requester=alice, title="After the scale data")
    assert ticket.number > top


def test_scale_tickets_look_like_real_work(db):
    seed(demo_tickets=0, tickets=200, batch_size=100)
    scale = Ticket.objects.filter(source=Source.API)
    now = timezone.now()
    assert not scale.filter(updated_at__gt=now).exists()
    assert not scale.filter(created_at__gt=now).exists()
    closed = scale.filter(status=Status.CLOSED)
    assert closed.exists() and not closed.filter(closed_at__isnull=True).exists()
    assert not closed.filter(resolved_at__gt=timezone.now()).exists()
    assert scale.exclude(description="").count() == 200
    assert scale.filter(requester__username__in=demo_data.END_USERS).exists()


@pytest.mark.postgres
def test_scale_tickets_are_searchable_on_postgres(db, postgres):
    seed(demo_tickets=0, tickets=100)
    assert not Ticket.objects.filter(search__isnull=True).exists()


def test_demo_logins_prints_each_login_and_where_things_go(db):
    seed(demo_tickets=0)
    out = StringIO()
    call_command("demo_logins", port=8123, stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    for spec in demo_data.USERS:
        line = next(line for line in text.splitlines() if line.split()[:1] == [spec.username])
        assert demo_data.DEMO_PASSWORD in line and spec.role in line
    assert "/admin/" in next(line for line in text.splitlines() if "ada" in line)
    assert "Mail" in text and "Tasks" in text and "Database" in text


def test_demo_logins_says_how_to_seed_when_nobody_is_there(db):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()


def test_demo_titles_are_plain_text_like_every_title():
    # Titles are single-line plain text everywhere (lists, mail subjects): Markdown in a
    # demo title would show as raw backticks and stars.
    import re

    from demo.stories import STORIES

    marked = [title for story in STORIES for title in story.titles
              if re.search(r"[`*_]|\n", title)]
    assert marked == []


def test_tasks_run_while_seeding_log_no_line_each_and_the_level_comes_back(db, caplog):
    import logging

    from demo.tickets import quiet_side_effects
    from tickets.tasks import send_escalations

    trace = logging.getLogger("celery.app.trace")
    before = trace.level
    with caplog.at_level(logging.INFO):
        send_escalations.delay()
        assert any("succeeded" in r.getMessage() for r in caplog.records)  # it does log
        caplog.clear()
        with quiet_side_effects():
            send_escalations.delay()
        assert not [r for r in caplog.records if r.name == "celery.app.trace"]
    assert trace.level == before


def test_demo_stories_and_scale_tickets_leave_the_report_facts_right(db):
    from tests.tickets.facts.helpers import fact_rows, rebuilt_rows

    seed(demo_tickets=12)  # stories go through the services: the facts kept as they played
    maintained = fact_rows()
    assert maintained
    assert maintained == rebuilt_rows()
    seed(demo_tickets=12, tickets=40, batch_size=20)  # bulk rows, then a rebuild
    assert fact_rows() == rebuilt_rows() != maintained
