"""Single sign-on's writes: an identity provider's groups made Tend roles and teams at each
sign-in, and a provider account linked to an existing local one.

What a provider asserts is read by `itsm.web.sso_adapter`; this module only applies it.
A mapping manages the roles and teams it names and nothing else: a role an admin gave by
hand that the mapping never mentions survives every sign-in, while a mapped role the
provider stops asserting is taken away at the next one.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import Group
from django.db import transaction

from itsm.models import Team, User
from itsm.roles import ADMIN, END_USER
from itsm.services.audit import audit_record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mapping:
    """How one provider's claims become roles and teams (SocialApp.settings, or
    TEND_OIDC_PROVIDERS; README "Single sign-on")."""

    roles_claim: str = "groups"
    roles: dict[str, str] = field(default_factory=dict)
    teams_claim: str = ""
    teams: dict[str, str] = field(default_factory=dict)
    # Given when no mapped role applies, so someone new can at least file tickets.
    default_role: str = END_USER

    @classmethod
    def from_settings(cls, data: dict | None) -> "Mapping":
        data = data or {}
        return cls(roles_claim=str(data.get("roles_claim") or "groups"),
                   roles={str(k): str(v) for k, v in (data.get("roles") or {}).items()},
                   teams_claim=str(data.get("teams_claim") or ""),
                   teams={str(k): str(v) for k, v in (data.get("teams") or {}).items()},
                   default_role=str(data.get("default_role", END_USER) or ""))

    @property
    def managed_roles(self) -> set[str]:
        return {*self.roles.values(), *([self.default_role] if self.default_role else [])}

    def wanted(self, claims: dict) -> tuple[set[str], set[str]]:
        """The roles and teams the claims ask for."""
        role_values = _values(claims.get(self.roles_claim))
        team_values = _values(claims.get(self.teams_claim or self.roles_claim))
        wanted_roles = {self.roles[v] for v in role_values if v in self.roles}
        if not wanted_roles and self.default_role:
            wanted_roles = {self.default_role}
        return wanted_roles, {self.teams[v] for v in team_values if v in self.teams}


def _values(claim) -> set[str]:
    # OIDC gives a list (or one string); SAML attributes are lists of strings.
    if claim is None:
        return set()
    if isinstance(claim, str):
        return {claim}
    if isinstance(claim, Iterable):
        return {str(v) for v in claim}
    return {str(claim)}


@dataclass(frozen=True)
class Changes:
    roles_added: tuple[str, ...] = ()
    roles_removed: tuple[str, ...] = ()
    teams_added: tuple[str, ...] = ()
    teams_removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.roles_added, self.roles_removed, self.teams_added, self.teams_removed))


def _known(model, names: set[str], what: str, provider: str) -> dict[str, object]:
    found = {obj.name: obj for obj in model.objects.filter(name__in=names)}
    for missing in sorted(names - set(found)):
        log.warning("SSO provider %s maps to the %s %r, which does not exist", provider,
                    what, missing)
    return found


@transaction.atomic
def sso_roles_apply(*, user: User, claims: dict, mapping: Mapping, provider: str,
                    request=None, now: datetime | None = None) -> Changes:
    """Make `user`'s managed roles and teams what the provider's claims say; audited."""
    wanted_roles, wanted_teams = mapping.wanted(claims)
    managed = _known(Group, mapping.managed_roles, "role", provider)
    managed_teams = _known(Team, set(mapping.teams.values()), "team", provider)
    has_roles = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    has_teams = set(user.teams.filter(name__in=managed_teams).values_list("name", flat=True))
    changes = Changes(
        roles_added=tuple(sorted((wanted_roles & set(managed)) - has_roles)),
        roles_removed=tuple(sorted(has_roles - wanted_roles)),
        teams_added=tuple(sorted((wanted_teams & set(managed_teams)) - has_teams)),
        teams_removed=tuple(sorted(has_teams - wanted_teams)))
    if not changes:
        return changes
    user.groups.add(*(managed[n] for n in changes.roles_added))
    user.groups.remove(*(managed[n] for n in changes.roles_removed))
    for name in changes.teams_added:
        managed_teams[name].members.add(user)
    for name in changes.teams_removed:
        managed_teams[name].members.remove(user)
    if ADMIN in managed:
        # The admin site asks for is_staff; the Admin role is what grants it here.
        is_admin = ADMIN in wanted_roles
        if user.is_staff != is_admin:
            user.is_staff = is_admin
            user.save(update_fields=["is_staff"])
    # A role's permissions are cached on the user object (roles_backend).
    for cached in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cached, None)
    audit_record(action="sso_roles_changed", actor=user, target=f"user:{user.pk}",
                 request=request, now=now,
                 detail={"provider": provider, "roles_added": list(changes.roles_added),
                         "roles_removed": list(changes.roles_removed),
                         "teams_added": list(changes.teams_added),
                         "teams_removed": list(changes.teams_removed)})
    return changes


@transaction.atomic
def sso_account_link(*, request, sociallogin, user: User, email: str,
                     now: datetime | None = None) -> None:
    """Attach the provider account in `sociallogin` to the existing `user`, whose address
    the provider asserted as verified; from now on the (issuer, subject) pair finds them."""
    sociallogin.connect(request, user)
    audit_record(action="sso_linked", actor=user, target=f"user:{user.pk}", request=request,
                 now=now, detail={"provider": sociallogin.account.provider,
                                  "uid": sociallogin.account.uid, "email": email})
