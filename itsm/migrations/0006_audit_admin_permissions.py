"""Admins read the audit log and set sign-in policies (models of 0005; the Admin role got
the itsm perms that existed when the roles were created)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forward(apps, schema_editor):
    app_config = apps.get_app_config("itsm")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.filter(name="Admin").first()
    if admin is not None:
        # The audit log is read only, by anyone: no role gets to change or delete entries.
        admin.permissions.add(*Permission.objects.filter(
            content_type__app_label="itsm", codename__in=[
                "view_auditentry", "view_signinpolicy", "add_signinpolicy",
                "change_signinpolicy", "delete_signinpolicy"]))


class Migration(migrations.Migration):

    dependencies = [
        ("itsm", "0005_audit_and_sign_in_policy"),
        ("tickets", "0003_roles_matrix_counters"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
