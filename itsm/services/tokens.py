"""API tokens: issuing, listing and revoking a person's token; revoked on a new password.

Tend keeps DRF's one token per person (`Authorization: Token <key>`). A password change
or reset (the account page, the reset mail, the admin's password form, `changepassword`)
revokes it: `revoke_on_new_password` runs on every User save that stores a different
password hash (except a hasher upgrade of the same password at sign-in), so no path that
sets a password can forget it. Connected in itsm/apps.py.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from rest_framework.authtoken.models import Token

from itsm.models import User


def token_obtain(*, actor: User) -> Token:
    """The actor's token, issued now if they have none."""
    with transaction.atomic():
        token, _ = Token.objects.get_or_create(user=actor)
    return token


def tokens_of(user: User) -> list[Token]:
    """The user's tokens (zero or one)."""
    return list(Token.objects.filter(user=user))


def token_revoke(*, actor: User, user: User | None = None) -> int:
    """Revoke `user`'s tokens (default: the actor's own); the number revoked.

    Only the owner or someone who may delete tokens (the Admin role) may revoke a token.
    """
    user = user or actor
    if actor.pk != user.pk and not actor.has_perm("authtoken.delete_token"):
        raise PermissionDenied("Only the owner or an admin can revoke a token.")
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


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
        token_revoke(actor=instance)


def _hasher_upgrade(user: User, update_fields) -> bool:
    # check_password() re-hashes the same password with newer hasher settings and saves
    # with update_fields=["password"] after clearing `_password`; every real change
    # (set_password, set_unusable_password, a form) saves with `_password` set or all fields.
    return (update_fields is not None and set(update_fields) == {"password"}
            and getattr(user, "_password", None) is None)
