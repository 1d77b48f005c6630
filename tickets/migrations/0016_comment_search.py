"""Desk search covers the conversation: a search vector on each reply and note.

As for tickets (0002), a Postgres trigger keeps `search` current on every write path and a
GIN index serves `search @@ query`; existing comments are filled once here. SQLite keeps
the column empty and searches with LIKE (tickets.selectors.search_tickets)."""

import django.contrib.postgres.search
from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION tickets_comment_search_update() RETURNS trigger AS $$
BEGIN
  NEW.search := to_tsvector('english', coalesce(NEW.body, ''));
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS tickets_comment_search ON tickets_comment;
CREATE TRIGGER tickets_comment_search BEFORE INSERT OR UPDATE OF body
  ON tickets_comment FOR EACH ROW EXECUTE FUNCTION tickets_comment_search_update();
UPDATE tickets_comment SET search = to_tsvector('english', coalesce(body, ''));
CREATE INDEX IF NOT EXISTS comment_search_gin ON tickets_comment USING gin (search);
"""
BACKWARD = """
DROP INDEX IF EXISTS comment_search_gin;
DROP TRIGGER IF EXISTS tickets_comment_search ON tickets_comment;
DROP FUNCTION IF EXISTS tickets_comment_search_update();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0015_unassigned_team_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='search',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
