"""Postgres search for articles, and the knowledge permissions of the roles.

A trigger keeps `search` current on every write path (services, bulk seeding, raw SQL):
title weighs A, symptoms B, cause and resolution C. GIN indexes serve `search @@ query`
and trigram matching (pg_trgm) on titles and error codes. SQLite gets none of it and
searches with the plain fallback (knowledge.selectors.search).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION knowledge_article_search_update() RETURNS trigger AS $$
BEGIN
  NEW.search := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
             || setweight(to_tsvector('english', coalesce(NEW.symptoms, '')), 'B')
             || setweight(to_tsvector('english', coalesce(NEW.cause, '') || ' '
                                                 || coalesce(NEW.resolution, '')), 'C');
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS knowledge_article_search ON knowledge_article;
CREATE TRIGGER knowledge_article_search
  BEFORE INSERT OR UPDATE OF title, symptoms, cause, resolution
  ON knowledge_article FOR EACH ROW EXECUTE FUNCTION knowledge_article_search_update();
CREATE INDEX IF NOT EXISTS article_search_gin ON knowledge_article USING gin (search);
CREATE INDEX IF NOT EXISTS article_title_trgm ON knowledge_article
  USING gin (title gin_trgm_ops);
CREATE INDEX IF NOT EXISTS article_codes_trgm ON knowledge_article
  USING gin (codes gin_trgm_ops);
"""
BACKWARD = """
DROP INDEX IF EXISTS article_codes_trgm;
DROP INDEX IF EXISTS article_title_trgm;
DROP INDEX IF EXISTS article_search_gin;
DROP TRIGGER IF EXISTS knowledge_article_search ON knowledge_article;
DROP FUNCTION IF EXISTS knowledge_article_search_update();
"""
WRITERS = ("DSE", "Admin")
PERMISSIONS = ("write_article", "publish_article")


def search_forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def search_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


def roles_forward(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(Permission.objects.filter(content_type__app_label="knowledge",
                                           codename__in=PERMISSIONS))
    for name in WRITERS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)
    admin = Group.objects.get(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label="knowledge"))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("tickets", "0003_roles_matrix_counters"),
    ]
    operations = [
        migrations.RunPython(search_forward, search_backward),
        migrations.RunPython(roles_forward, migrations.RunPython.noop),
    ]
