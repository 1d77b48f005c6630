"""Admins manage webhooks (the Admin role got itsm/tickets perms only when the roles were
created); everyone else gets none, so the API and the desk pages answer them 403."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forward(apps, schema_editor):
    app_config = apps.get_app_config("integrations")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.filter(name="Admin").first()
    if admin is not None:
        admin.permissions.add(*Permission.objects.filter(content_type__app_label="integrations"))


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        ("tickets", "0003_roles_matrix_counters"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
