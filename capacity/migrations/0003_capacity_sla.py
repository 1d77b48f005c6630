"""A default SLA for capacity tickets: proactive work on office hours, a working day to
respond and a working week to act (the forecast opens them inside the lead time)."""

from django.db import migrations

NAME = "Capacity follow-ups"


def forward(apps, schema_editor):
    Calendar = apps.get_model("itsm", "BusinessCalendar")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    office = Calendar.objects.filter(name="Office hours").first()
    if office is None:  # an install that renamed it: leave SLAs to its admins
        return
    SlaPolicy.objects.get_or_create(name=NAME, defaults=dict(
        order=60, kinds=["capacity"], priorities=[], calendar=office,
        response_minutes=8 * 60, resolution_minutes=40 * 60))


class Migration(migrations.Migration):
    dependencies = [("capacity", "0002_push_permission"), ("tickets", "0005_default_sla")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
