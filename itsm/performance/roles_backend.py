"""Django's ModelBackend with what each role may do cached per process.

Nearly every request asks what the user's role allows (roles are groups, itsm/roles.py).
Django answers with two joined queries per request, which the database plans afresh
every time. Here a role's permissions are configuration (itsm.performance.config_cache:
dropped when a group's permissions change, followed by other processes within seconds),
and the request reads only which groups and direct permissions the user has, with one
plain query, so adding someone to a role or taking it away applies to their next request.

What it buys: a bare signed-in request went from ~450 to ~840 per second (bench/run.py,
pages; README.md, "Benchmarks"). AUTHENTICATION_BACKENDS names this class.
"""

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection

from itsm.performance.config_cache import config


@config("auth.Permission", "contenttypes.ContentType")
def _names() -> dict[int, str]:
    return {pk: f"{app_label}.{codename}" for pk, app_label, codename
            in Permission.objects.values_list("pk", "content_type__app_label", "codename")}


@config("auth.Group", "auth.Group_permissions", "auth.Permission")
def _by_group() -> dict[int, frozenset[int]]:
    by_group: dict[int, set[int]] = {}
    for group_id, permission_id in Group.permissions.through.objects.values_list(
            "group_id", "permission_id"):
        by_group.setdefault(group_id, set()).add(permission_id)
    return {group_id: frozenset(ids) for group_id, ids in by_group.items()}


@functools.cache
def _memberships_sql(user_model) -> str:
    groups = user_model.groups.through._meta
    direct = user_model.user_permissions.through._meta
    user_column = groups.get_field(user_model._meta.model_name).column
    # Names from the models' metadata, never from input.
    return (f"SELECT 'g', {groups.get_field('group').column} FROM {groups.db_table} "  # noqa: S608
            f"WHERE {user_column} = %s UNION ALL "
            f"SELECT 'p', {direct.get_field('permission').column} FROM {direct.db_table} "
            f"WHERE {direct.get_field(user_model._meta.model_name).column} = %s")


class CachedRolesBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            names = _names()
            if user_obj.is_superuser:
                ids = set(names)
            else:
                by_group, ids = _by_group(), set()
                with connection.cursor() as cursor:
                    cursor.execute(_memberships_sql(type(user_obj)), [user_obj.pk, user_obj.pk])
                    for source, ref in cursor.fetchall():
                        ids |= by_group.get(ref, frozenset()) if source == "g" else {ref}
            user_obj._perm_cache = {names[pk] for pk in ids if pk in names}
        return user_obj._perm_cache
