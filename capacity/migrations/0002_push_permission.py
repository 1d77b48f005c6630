
"""capacity.push_metrics, granted to the DSE and Admin roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    push = Permission.objects.get(content_type__app_label="capacity", codename="push_metrics")
    for name in ("DSE", "Admin"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(push)


class Migration(migrations.Migration):

    dependencies = [
        ('capacity', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='series',
            options={'ordering': ['asset', 'kind', 'name'], 'permissions': [('push_metrics', 'Can push metric samples for any asset')], 'verbose_name_plural': 'series'},
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
