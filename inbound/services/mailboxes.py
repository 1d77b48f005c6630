"""Admins' changes to mailboxes: save (secrets kept when left blank), rotate the inbound
endpoint's token, ask for a poll now, delete one that never received mail.

Secrets are write-only: a blank password or OAuth field in a save keeps the stored value,
so forms and the API never need to send it back. The endpoint's token is shown once, when
made; only its sha256 is stored (mailbox_by_token_hash finds the mailbox by it).
"""

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from inbound.models import AuthMethod, Mailbox
from itsm.models import User
from itsm.services.access import require_perm

SECRETS = ("password", "oauth_client_secret", "oauth_refresh_token")
TOKEN_PREFIX = "tendmail_"  # noqa: S105 - a prefix that marks leaked tokens, not a secret
OAUTH_NEEDS = ("oauth_token_url", "oauth_client_id", "oauth_refresh_token")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mailbox_check(mailbox: Mailbox) -> None:
    """What the model cannot say alone: the sign-in has what it needs; folders differ."""
    errors = {}
    if mailbox.auth_method == AuthMethod.PASSWORD and not mailbox.password:
        errors["password"] = ["A mailbox signed in by password needs its password."]
    if mailbox.auth_method == AuthMethod.XOAUTH2:
        for name in OAUTH_NEEDS:
            if not getattr(mailbox, name):
                label = Mailbox._meta.get_field(name).verbose_name
                errors[name] = [f"OAuth2 sign-in needs the {label}."]
    folders = [mailbox.folder, mailbox.processed_folder, mailbox.failed_folder]
    if len(set(folders)) < 3:
        errors["processed_folder"] = [
            "The folder read, the processed folder and the failed folder must differ."]
    if errors:
        raise ValidationError(errors)


def mailbox_save(*, mailbox: Mailbox, actor: User | None, **changes) -> Mailbox:
    """Create (unsaved `mailbox`) or update one; each `changes` item is set first. A blank
    secret keeps the stored one. Raises ValidationError with field messages."""
    require_perm(actor, "inbound.change_mailbox" if mailbox.pk else "inbound.add_mailbox")
    stored = Mailbox.objects.filter(pk=mailbox.pk).first() if mailbox.pk else None
    for name, value in changes.items():
        setattr(mailbox, name, value)
    for name in SECRETS:
        if stored is not None and not getattr(mailbox, name):
            setattr(mailbox, name, getattr(stored, name))
    mailbox.full_clean(exclude=["token_hash"])
    mailbox_check(mailbox)
    if stored is not None and (stored.host, stored.username, stored.folder) != (
            mailbox.host, mailbox.username, mailbox.folder):
        # Another folder's UIDs mean nothing here: read it from its start (Message-IDs
        # still keep each message received once).
        mailbox.uidvalidity, mailbox.last_uid = None, 0
    mailbox.save()
    return mailbox


@transaction.atomic
def mailbox_token_rotate(*, mailbox: Mailbox, actor: User | None) -> str:
    """A new token for POST /api/v1/inbound/email/ (the old one stops working): returned
    once, stored as its hash."""
    require_perm(actor, "inbound.change_mailbox")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    mailbox.token_hash = token_hash(token)
    Mailbox.objects.filter(pk=mailbox.pk).update(token_hash=mailbox.token_hash)
    return token


def mailbox_token_revoke(*, mailbox: Mailbox, actor: User | None) -> None:
    require_perm(actor, "inbound.change_mailbox")
    mailbox.token_hash = ""
    Mailbox.objects.filter(pk=mailbox.pk).update(token_hash="")


def mailbox_poll_soon(*, mailbox: Mailbox, actor: User | None,
                      now: datetime | None = None) -> None:
    """"Poll now": a worker polls it once the change is committed, and the beat's next
    sweep does if the broker lost that (the mailbox is due from `now`)."""
    require_perm(actor, "inbound.change_mailbox")
    now = now or timezone.now()
    mailbox.next_poll_at = now
    Mailbox.objects.filter(pk=mailbox.pk).update(next_poll_at=now)
    transaction.on_commit(lambda: _poll(mailbox.pk), robust=True)


def _poll(mailbox_id: int) -> None:
    from inbound.tasks import poll_mailbox

    poll_mailbox.delay(mailbox_id)


def mailbox_delete(*, mailbox: Mailbox, actor: User | None) -> None:
    """Only a mailbox that never received mail: the received messages are the record of
    what came in (disable the mailbox instead)."""
    require_perm(actor, "inbound.delete_mailbox")
    if mailbox.messages.exists():
        raise ValidationError("This mailbox has received mail; disable it instead of "
                              "deleting it, so its messages stay on record.")
    mailbox.delete()
