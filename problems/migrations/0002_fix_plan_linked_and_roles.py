"""When a fix plan was linked, and the problem permissions of the roles.

DSEs and admins work problems (problems.manage_problem); admins hold every problems
permission (the admin site). Managers read problems through the staff capability.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

WORKERS = ("DSE", "Admin")


def roles_forward(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manage = Permission.objects.get(content_type__app_label="problems",
                                    codename="manage_problem")
    for name in WORKERS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(manage)
    admin = Group.objects.get(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label="problems"))


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0001_initial"),
        ("tickets", "0003_roles_matrix_counters"),
    ]
    operations = [
        migrations.AddField(
            model_name="problem",
            name="fix_plan_linked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(roles_forward, migrations.RunPython.noop),
    ]
