"""Human ticket numbers per kind (INC-1042), handed out without making filers queue.

On PostgreSQL each kind has a sequence: nextval() never waits for another transaction,
so many tickets are filed at once without contention. A filing that rolls back leaves a
gap in the numbers, as in every ITSM tool that numbers this way; numbers stay unique
and increasing. SQLite has no sequences, and never runs two writers at once anyway, so a
counter row (TicketCounter) bumped with UPDATE … RETURNING does the same job there.
"""

from django.db import connection
from django.db.models import BigIntegerField, Func, Max, Value

from tickets.models import Kind, Ticket, TicketCounter


def _sequence(kind: str) -> str:
    if kind not in Kind.values:  # the name goes into SQL: only known kinds
        raise ValueError(f"Unknown kind {kind!r}")
    return f"tickets_number_{kind}"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def ticket_number_next(*, kind: str) -> int:
    """The next number of `kind`, taken now (it is never handed out again)."""
    sequence = _sequence(kind)
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute("SELECT nextval(%s)", [sequence])
        else:
            cursor.execute(f"UPDATE {TicketCounter._meta.db_table} SET last = last + 1 "  # noqa: S608
                           "WHERE kind = %s RETURNING last", [kind])
        row = cursor.fetchone()
    if row is None:  # SQLite, a kind without its counter row yet
        TicketCounter.objects.get_or_create(kind=kind)
        return ticket_number_next(kind=kind)
    return row[0]


def ticket_number_for_insert(*, kind: str):
    """A number for a ticket about to be inserted: on PostgreSQL an expression the INSERT
    evaluates (and returns, see TicketNumberField), elsewhere the number itself."""
    if _postgres():
        return Func(Value(_sequence(kind)), function="nextval", output_field=BigIntegerField())
    return ticket_number_next(kind=kind)


def ticket_numbers_reserve(*, kind: str, count: int) -> list[int]:
    """`count` fresh numbers, increasing (bulk inserts)."""
    if count <= 0:
        return []
    sequence = _sequence(kind)
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            return sorted(row[0] for row in cursor.fetchall())
    TicketCounter.objects.get_or_create(kind=kind)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TicketCounter._meta.db_table} SET last = last + %s "  # noqa: S608
                       "WHERE kind = %s RETURNING last", [count, kind])
        last = cursor.fetchone()[0]
    return list(range(last - count + 1, last + 1))


def ticket_numbers_ensure() -> None:
    """Every kind can be numbered, never below the highest number in use.

    For rows written outside the services (imports, scale data) and new kinds.
    """
    highest = dict(Ticket.objects.values("kind").annotate(top=Max("number"))
                   .values_list("kind", "top"))
    for kind in Kind.values:
        top = highest.get(kind) or 0
        if _postgres():
            sequence = _sequence(kind)
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence} AS bigint")
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                last, called = cursor.fetchone()
                if top > (last if called else 0):
                    # nextval() first, so a number handed out meanwhile is never handed
                    # out again.
                    cursor.execute("SELECT setval(%s, GREATEST(nextval(%s), %s))",
                                   [sequence, sequence, top])
        else:
            TicketCounter.objects.get_or_create(kind=kind)
            TicketCounter.objects.filter(kind=kind, last__lt=top).update(last=top)
