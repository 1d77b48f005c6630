"""Sensible SLA defaults for a new install; admins change them in /admin/."""

from datetime import time

from django.db import migrations

POLICIES = [
    # name, order, kinds, priorities, calendar, response min, resolution min
    ("P1 incidents (24×7)", 10, ["incident"], [1], "24×7", 15, 4 * 60),
    ("P2 incidents", 20, ["incident"], [2], "Office hours", 60, 8 * 60),
    ("P3 incidents", 30, ["incident"], [3], "Office hours", 4 * 60, 24 * 60),
    ("P4 incidents", 40, ["incident"], [4], "Office hours", 8 * 60, 40 * 60),
    ("Service requests", 50, ["request"], [], "Office hours", 8 * 60, 40 * 60),
]


def forward(apps, schema_editor):
    Calendar = apps.get_model("itsm", "BusinessCalendar")
    Period = apps.get_model("itsm", "WorkingPeriod")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    always, created = Calendar.objects.get_or_create(name="24×7", defaults={"time_zone": "UTC"})
    if created:
        Period.objects.bulk_create(Period(calendar=always, weekday=d, start=time(0), end=time(0))
                                   for d in range(7))
    office, created = Calendar.objects.get_or_create(name="Office hours",
                                                     defaults={"time_zone": "UTC"})
    if created:
        Period.objects.bulk_create(Period(calendar=office, weekday=d, start=time(9),
                                          end=time(17)) for d in range(5))
    calendars = {"24×7": always, "Office hours": office}
    for name, order, kinds, priorities, calendar, response, resolution in POLICIES:
        SlaPolicy.objects.get_or_create(name=name, defaults=dict(
            order=order, kinds=kinds, priorities=priorities, calendar=calendars[calendar],
            response_minutes=response, resolution_minutes=resolution))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_sla"), ("itsm", "0002_business_calendars")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
