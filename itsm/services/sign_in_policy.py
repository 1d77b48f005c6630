"""Writing sign-in policies (itsm/models/sign_in_policy.py): how each role must sign in.

Admins set them in the admin; every change and removal is audited ("policy_changed")
with the values before and after, since turning a second factor off for a role is
exactly what someone who took over an admin account would do first. The sign-in flow
reads the rows; this module only writes them.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from itsm import roles
from itsm.models import SignInPolicy, User
from itsm.services.access import require_perm
from itsm.services.audit import audit_record

FIELDS = ("mfa_required", "sso_required")


def _values(policy: SignInPolicy | None) -> dict | None:
    return None if policy is None else {name: getattr(policy, name) for name in FIELDS}


def sign_in_policy_set(*, actor: User | None, role: str, mfa_required: bool,
                       sso_required: bool, request=None,
                       now: datetime | None = None) -> SignInPolicy:
    """Make `role`'s policy exactly this (creating its row if it has none)."""
    if role not in roles.ALL:
        raise ValidationError({"role": [f"One of: {', '.join(roles.ALL)}."]})
    with transaction.atomic():
        existing = SignInPolicy.objects.select_for_update().filter(role=role).first()
        require_perm(actor, "itsm.change_signinpolicy" if existing else
                     "itsm.add_signinpolicy")
        before = _values(existing)
        policy = existing or SignInPolicy(role=role)
        policy.mfa_required, policy.sso_required = bool(mfa_required), bool(sso_required)
        if _values(policy) == before:
            return policy  # saved unchanged: nothing happened worth an entry
        policy.save()
        audit_record(action="policy_changed", actor=actor, target=f"sign_in_policy:{role}",
                     request=request, now=now,
                     detail={"role": role, "before": before, "after": _values(policy)})
    return policy


def sign_in_policy_delete(*, actor: User | None, policy: SignInPolicy, request=None,
                          now: datetime | None = None) -> None:
    """Remove a role's row: the role falls back to the defaults in settings."""
    require_perm(actor, "itsm.delete_signinpolicy")
    with transaction.atomic():
        before = _values(policy)
        role = policy.role
        policy.delete()
        audit_record(action="policy_changed", actor=actor, target=f"sign_in_policy:{role}",
                     request=request, now=now,
                     detail={"role": role, "before": before, "after": None,
                             "note": "removed: the settings' defaults apply"})
