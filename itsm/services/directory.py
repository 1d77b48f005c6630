"""Writing the directory: users (with their roles, i.e. groups) and teams (with members).

The admin edits these rows; `demo/` seeds them. `actor` None is Tend itself (seeding) and
skips the permission check; everyone else needs the model's add/change/delete permission.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from itsm.models import Team, User
from itsm.services.access import require_model_perm


@transaction.atomic
def user_save(*, actor: User | None, user: User, groups: Iterable[Group] | None = None,
              user_permissions: Iterable[Permission] | None = None) -> User:
    """Create or change `user` as set on the instance (a password is set beforehand with
    `set_password`, so the raw one never reaches a service) and, unless None, make its
    groups and direct permissions exactly the ones given."""
    require_model_perm(actor, user)
    user.full_clean()
    user.save()
    if groups is not None:
        user.groups.set(groups)
    if user_permissions is not None:
        user.user_permissions.set(user_permissions)
    return user


@transaction.atomic
def user_password_save(*, actor: User | None, user: User) -> User:
    """Store the password set on `user` (`set_password` or `set_unusable_password`)."""
    require_model_perm(actor, user, "change")
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_delete(*, actor: User | None, user: User) -> None:
    """Delete `user`; one who filed tickets is protected (ProtectedError), as in Django."""
    require_model_perm(actor, user, "delete")
    user.delete()


@transaction.atomic
def team_save(*, actor: User | None, team: Team,
              members: Iterable[User] | None = None) -> Team:
    """Create or change `team` as set on the instance and, unless None, make its members
    exactly `members`."""
    require_model_perm(actor, team)
    team.full_clean()
    team.save()
    if members is not None:
        team.members.set(members)
    return team


@transaction.atomic
def team_delete(*, actor: User | None, team: Team) -> None:
    """Delete `team`; its SLA policies and escalation rules go with it (CASCADE)."""
    require_model_perm(actor, team, "delete")
    team.delete()
