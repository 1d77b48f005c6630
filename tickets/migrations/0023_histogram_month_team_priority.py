"""The month rollup's team × priority grain (GRAINS: 9), summed from the all-four grain's
rows: the times report groups a year by priority and by team."""

from django.db import migrations

SQL = """
INSERT INTO tickets_durationhistogrammonth
  (month, grain, team_id, service_id, kind, priority, metric, bucket, n)
SELECT month, 9, team_id, 0, '', priority, metric, bucket, SUM(n)
FROM tickets_durationhistogrammonth WHERE grain = 15
GROUP BY month, team_id, priority, metric, bucket
"""


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0022_histogram_index_only"),
    ]

    operations = [
        migrations.RunSQL(SQL, "DELETE FROM tickets_durationhistogrammonth WHERE grain = 9"),
    ]
