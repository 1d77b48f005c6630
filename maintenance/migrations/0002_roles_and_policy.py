"""Maintenance permissions for the roles, and the default patch policy row."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INGEST = "ingest_inventory"


def forward(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ingest = Permission.objects.get(content_type__app_label="maintenance", codename=INGEST)
    for name in ("DSE", "Admin"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(ingest)
    admin = Group.objects.get(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label="maintenance"))
    PatchPolicy = apps.get_model("maintenance", "PatchPolicy")
    PatchPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("maintenance", "0001_initial"),
        ("tickets", "0003_roles_matrix_counters"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
