"""Ticket numbers from a sequence per kind on PostgreSQL (see tickets/numbering.py).

Each sequence starts above both the counter row and the highest number in use.
SQLite keeps using TicketCounter.
"""

from django.db import migrations

KINDS = ["incident", "request", "problem", "maintenance", "patch", "capacity"]


def create_sequences(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    counters = dict(apps.get_model("tickets", "TicketCounter").objects.values_list("kind", "last"))
    with schema_editor.connection.cursor() as cursor:
        for kind in KINDS:
            cursor.execute("SELECT COALESCE(MAX(number), 0) FROM tickets_ticket WHERE kind = %s",
                           [kind])
            top = max(cursor.fetchone()[0], counters.get(kind, 0))
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS tickets_number_{kind} AS bigint")
            if top:
                cursor.execute("SELECT setval(%s, %s)", [f"tickets_number_{kind}", top])


def drop_sequences(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    TicketCounter = apps.get_model("tickets", "TicketCounter")
    with schema_editor.connection.cursor() as cursor:
        for kind in KINDS:
            cursor.execute(f"SELECT last_value, is_called FROM tickets_number_{kind}")
            last, called = cursor.fetchone()
            TicketCounter.objects.update_or_create(kind=kind, defaults={
                "last": last if called else 0})
            cursor.execute(f"DROP SEQUENCE tickets_number_{kind}")


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0010_parent_index"),
    ]

    operations = [
        migrations.RunPython(create_sequences, drop_sequences),
    ]
