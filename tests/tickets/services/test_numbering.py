"""Human numbers per kind: unique, increasing, and handed out without queueing filers."""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction

from tests.factories import TeamFactory, UserFactory, make_ticket
from tickets import services
from tickets.models import Kind, Ticket
from tickets.services import numbering


def test_every_kind_can_be_numbered_and_numbers_increase(db):
    for kind in Kind.values:
        first = numbering.ticket_number_next(kind=kind)
        assert numbering.ticket_number_next(kind=kind) == first + 1


def test_an_unknown_kind_never_reaches_sql(db):
    with pytest.raises(ValueError, match="Unknown kind"):
        numbering.ticket_number_next(kind="incident; DROP TABLE tickets_ticket")


def test_a_reserved_block_is_unique_and_followed_by_the_next_filing(alice):
    before = make_ticket(alice).number
    block = numbering.ticket_numbers_reserve(kind=Kind.INCIDENT, count=5)
    assert len(set(block)) == 5 and block == sorted(block) and block[0] > before
    assert make_ticket(alice).number > block[-1]
    assert numbering.ticket_numbers_reserve(kind=Kind.INCIDENT, count=0) == []


def test_numbering_catches_up_with_rows_written_outside_the_services(alice):
    imported = make_ticket(alice)
    Ticket.objects.filter(pk=imported.pk).update(number=imported.number + 500)
    numbering.ticket_numbers_ensure()
    assert make_ticket(alice).number == imported.number + 501


def test_ensure_never_moves_numbering_back(alice):
    make_ticket(alice)
    ahead = numbering.ticket_numbers_reserve(kind=Kind.INCIDENT, count=3)[-1]
    numbering.ticket_numbers_ensure()
    assert make_ticket(alice).number == ahead + 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_filing_in_progress_does_not_hold_up_the_next(postgres):
    # A row-locked counter would make the second filer wait for the first to commit.
    alice = UserFactory(username="alice", role="End user")
    # The triage team exists from a desk's first filing on; creating it is not numbering.
    TeamFactory(name=settings.TEND_TRIAGE_TEAM)
    numbered, release, errors = threading.Event(), threading.Event(), []

    def slow_filer():
        try:
            with transaction.atomic():
                services.ticket_create(requester=alice, title="Slow one")
                numbered.set()
                release.wait(10)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_filer)
    thread.start()
    try:
        assert numbered.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        quick = services.ticket_create(requester=alice, title="Quick one")
    finally:
        release.set()
        thread.join(10)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert not errors
    slow = Ticket.objects.get(title="Slow one")
    assert quick.number == slow.number + 1
