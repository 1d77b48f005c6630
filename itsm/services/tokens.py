"""API tokens: a person's named tokens, made (shown once), listed, revoked one by one.

A token may expire and may be read-only. Only its sha256 is stored. A password change or
reset (the account page, the reset mail, the admin's password form, `changepassword`)
revokes every token of the person: `revoke_on_new_password` runs on every User save that
stores a different password hash (except a hasher upgrade of the same password at
sign-in), so no path that sets a password can forget it. Connected in itsm/apps.py.

Every token made and every revocation (one, all, on a new password) is in the audit log,
with why in detail["reason"]; `request` is passed only so the entry has the address.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import ApiToken, User
from itsm.services.audit import audit_record

KEY_PREFIX = "tend_"
MAX_LIVE = 50  # per person: a script that makes a token per run is told, not obeyed
MAX_DAYS = 3 * 365
OBTAINED_NAME = "Password exchange"


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def live_tokens(user: User, now: datetime | None = None):
    now = now or timezone.now()
    return (ApiToken.objects.filter(user=user, revoked_at__isnull=True)
            .exclude(expires_at__lte=now))


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(live_tokens(user))


def _check(*, user: User, name: str, expires_at: datetime | None, now: datetime) -> str:
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = ["Name the token after what uses it (e.g. \"backup script\")."]
    elif len(name) > 80:
        errors["name"] = ["At most 80 characters."]
    if expires_at is not None:
        if expires_at <= now:
            errors["expires_at"] = ["The expiry must be in the future."]
        elif expires_at > now + timedelta(days=MAX_DAYS):
            errors["expires_at"] = [f"At most {MAX_DAYS // 365} years ahead."]
    if live_tokens(user, now).count() >= MAX_LIVE:
        errors["name"] = errors.get("name", []) + [
            f"You have {MAX_LIVE} tokens that still work: revoke one you no longer use."]
    if errors:
        raise ValidationError(errors)
    return name


def token_create(*, actor: User, name: str, expires_at: datetime | None = None,
                 read_only: bool = False, now: datetime | None = None, request=None,
                 via: str = "account") -> tuple[ApiToken, str]:
    """A new token of the actor's own; returns it and its key (the only time it is known)."""
    now = now or timezone.now()
    name = _check(user=actor, name=name, expires_at=expires_at, now=now)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name, prefix=key[:12],
                                        key_hash=token_hash(key), read_only=bool(read_only),
                                        created_at=now, expires_at=expires_at)
        audit_record(action="token_created", actor=actor, target=f"api_token:{token.pk}",
                     request=request, now=now, detail={
                         "name": name, "prefix": token.prefix, "read_only": token.read_only,
                         "expires_at": expires_at.isoformat() if expires_at else None,
                         "via": via})
    return token, key


def token_obtain(*, actor: User, name: str = "", expires_at: datetime | None = None,
                 now: datetime | None = None, request=None) -> tuple[ApiToken, str]:
    """POST /api/v1/auth/token/: a username and password for a new token. That is a
    sign-in too (with no session, so Django's user_logged_in is not sent): recorded here."""
    with transaction.atomic():
        made = token_create(actor=actor, name=name or OBTAINED_NAME, expires_at=expires_at,
                            now=now, request=request, via="password_exchange")
        audit_record(action="sign_in", actor=actor, request=request, now=now,
                     target=f"api_token:{made[0].pk}",
                     detail={"via": "api", "methods": ["password"]})
    return made


def token_find(key: str) -> ApiToken | None:
    if not key:
        return None
    return (ApiToken.objects.select_related("user").filter(key_hash=token_hash(key))
            .first())


def token_touch(*, token: ApiToken, now: datetime | None = None) -> None:
    """last_used_at, at most once a minute: not a write per request."""
    now = now or timezone.now()
    if token.last_used_at is None or token.last_used_at < now - timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _may_revoke(actor: User, user: User) -> None:
    if actor.pk != user.pk and not actor.has_perm("itsm.delete_apitoken"):
        raise PermissionDenied("Only the owner or an admin can revoke a token.")


def _reason(actor: User, user: User) -> str:
    return "by_owner" if actor.pk == user.pk else "by_admin"


def token_revoke(*, actor: User, token: ApiToken, now: datetime | None = None,
                 request=None) -> bool:
    """Revoke one token; True if it still worked until now."""
    _may_revoke(actor, token.user)
    now = now or timezone.now()
    with transaction.atomic():
        done = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now)
        if done:  # revoking a revoked token again changes nothing: nothing to record
            audit_record(action="token_revoked", actor=actor, target=f"api_token:{token.pk}",
                         request=request, now=now, detail={
                             "name": token.name, "prefix": token.prefix,
                             "owner": token.user.get_username(),
                             "reason": _reason(actor, token.user)})
    token.revoked_at = token.revoked_at or now
    return bool(done)


def tokens_revoke_all(*, actor: User, user: User | None = None, now: datetime | None = None,
                      request=None, reason: str = "") -> int:
    """Revoke every token of `user` (default: the actor's own); how many were live.
    `reason` for the audit log: by_owner / by_admin unless the caller knows better."""
    user = user or actor
    _may_revoke(actor, user)
    now = now or timezone.now()
    with transaction.atomic():
        live = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True)
                    .values_list("pk", "prefix"))
        done = ApiToken.objects.filter(pk__in=[pk for pk, _ in live],
                                       revoked_at__isnull=True).update(revoked_at=now)
        if done:
            audit_record(action="token_revoked", actor=actor, target=f"user:{user.pk}",
                         request=request, now=now, detail={
                             "owner": user.get_username(), "count": done,
                             "prefixes": [prefix for _, prefix in live][:50],
                             "reason": reason or _reason(actor, user)})
    return done


def revoke_on_new_password(sender, instance: User, update_fields=None, raw=False, **kwargs):
    """pre_save receiver: a stored password hash that changes revokes the user's tokens."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. last_login on every sign-in: no extra query
    if _hasher_upgrade(instance, update_fields):
        return
    old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        tokens_revoke_all(actor=instance, reason="password_changed")


def _hasher_upgrade(user: User, update_fields) -> bool:
    # check_password() re-hashes the same password with newer hasher settings and saves
    # with update_fields=["password"] after clearing `_password`; every real change
    # (set_password, set_unusable_password, a form) saves with `_password` set or all fields.
    return (update_fields is not None and set(update_fields) == {"password"}
            and getattr(user, "_password", None) is None)
