"""Full-text search on Postgres: a trigger keeps `search` current on every write path
(services, bulk seeding, raw SQL), and a GIN index serves `search @@ query`.
SQLite keeps the column empty and searches with LIKE (tickets.selectors.search_tickets)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION tickets_ticket_search_update() RETURNS trigger AS $$
BEGIN
  NEW.search := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
             || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B');
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS tickets_ticket_search ON tickets_ticket;
CREATE TRIGGER tickets_ticket_search BEFORE INSERT OR UPDATE OF title, description
  ON tickets_ticket FOR EACH ROW EXECUTE FUNCTION tickets_ticket_search_update();
CREATE INDEX IF NOT EXISTS ticket_search_gin ON tickets_ticket USING gin (search);
"""
BACKWARD = """
DROP INDEX IF EXISTS ticket_search_gin;
DROP TRIGGER IF EXISTS tickets_ticket_search ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_ticket_search_update();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
