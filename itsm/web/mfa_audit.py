"""Second factors and re-authentication in the audit log, from allauth's signals.

A second factor added, removed or its recovery codes made anew; a recovery code used;
and a confirmation of identity for a sensitive action (password or second factor). The
sign-in itself is audited from Django's signals (the audit work), so the password typed
at sign-in, which allauth also records, is told apart by the username it carries.
"""

from allauth.account.signals import authentication_step_completed
from allauth.mfa import signals
from allauth.mfa.models import Authenticator

from itsm.services.audit import audit_record


def _target(authenticator) -> str:
    return f"authenticator:{authenticator.pk}"


def on_added(sender, request, user, authenticator, **kwargs):
    action = ("mfa_recovery_codes" if authenticator.type == Authenticator.Type.RECOVERY_CODES
              else "mfa_added")
    audit_record(action=action, actor=user, request=request, target=_target(authenticator),
                 detail={"type": authenticator.type})


def on_removed(sender, request, user, authenticator, **kwargs):
    audit_record(action="mfa_removed", actor=user, request=request,
                 target=_target(authenticator), detail={"type": authenticator.type})


def on_reset(sender, request, user, authenticator, **kwargs):
    audit_record(action="mfa_recovery_codes", actor=user, request=request,
                 target=_target(authenticator), detail={"type": authenticator.type})


def on_used(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        audit_record(action="mfa_recovery_used", actor=user, request=request,
                     target=_target(authenticator),
                     detail={"reauthentication": bool(kwargs.get("reauthenticated"))})


def on_step(sender, request, user, method, **kwargs):
    if kwargs.get("reauthenticated") and not kwargs.get("username"):
        audit_record(action="reauthenticated", actor=user, request=request,
                     detail={"method": method, **({"type": kwargs["type"]}
                                                  if kwargs.get("type") else {})})


def connect() -> None:
    uid = "itsm.mfa_audit."
    signals.authenticator_added.connect(on_added, dispatch_uid=uid + "added")
    signals.authenticator_removed.connect(on_removed, dispatch_uid=uid + "removed")
    signals.authenticator_reset.connect(on_reset, dispatch_uid=uid + "reset")
    signals.authenticator_used.connect(on_used, dispatch_uid=uid + "used")
    authentication_step_completed.connect(on_step, dispatch_uid=uid + "step")
