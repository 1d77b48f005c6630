"""Roles as groups with permissions, the default priority matrix, and number counters."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "End user": [],
    "DSE": ["tickets.work_ticket", "tickets.view_all_tickets"],
    "Manager": ["tickets.view_all_tickets", "tickets.view_reports"],
    "Admin": ["tickets.work_ticket", "tickets.view_all_tickets", "tickets.view_reports"],
}
ADMIN_APPS = ("itsm", "tickets", "authtoken")
MATRIX = {(1, 1): 1, (1, 2): 2, (1, 3): 3, (2, 1): 2, (2, 2): 3, (2, 3): 4,
          (3, 1): 3, (3, 2): 4, (3, 3): 4}
KINDS = ("incident", "request", "problem", "maintenance", "patch", "capacity")


def forward(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(
                content_type__app_label=app_label, codename=codename))
    admin = Group.objects.get(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    PriorityRule = apps.get_model("tickets", "PriorityRule")
    for (impact, urgency), priority in MATRIX.items():
        PriorityRule.objects.get_or_create(impact=impact, urgency=urgency,
                                           defaults={"priority": priority})
    TicketCounter = apps.get_model("tickets", "TicketCounter")
    for kind in KINDS:
        TicketCounter.objects.get_or_create(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_search_trigger"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
