"""Availability span indexes: the period index loses `extra` (nearly always empty, read
from check_span_extra instead), and on PostgreSQL a GiST index finds the down stretches
overlapping the maintenance windows (the planned downtime of monitoring.selectors.
availability.postgres). SQLite answers from the state changes and needs neither."""

from django.db import migrations, models

FORWARD = """
CREATE INDEX IF NOT EXISTS check_span_down_range ON monitoring_checkspan
  USING gist (tstzrange(started, ended)) WHERE down;
CREATE INDEX IF NOT EXISTS check_span_extra ON monitoring_checkspan (ended)
  WHERE down AND extra <> '[]'::jsonb;
"""
BACKWARD = """
DROP INDEX IF EXISTS check_span_extra;
DROP INDEX IF EXISTS check_span_down_range;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0004_availability_spans"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="checkspan", name="check_span_period"),
        migrations.AddIndex(
            model_name="checkspan",
            index=models.Index(fields=["ended"], include=("owner", "down", "started", "opened"),
                               name="check_span_period"),
        ),
        migrations.RunPython(forward, backward),
    ]
