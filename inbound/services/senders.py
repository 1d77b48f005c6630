"""Who wrote: the account behind a sender's address, made for those the mail may bring in."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from inbound.models import InboundMessage, Mailbox, Outcome, State
from itsm import roles
from itsm.models import User
from itsm.services.directory import user_save
from tickets.services.mail import participants_link


def sender_user(address: str) -> User | None:
    """The active account with this address (the oldest, if several share it)."""
    if not address:
        return None
    return User.objects.filter(email__iexact=address, is_active=True).order_by("pk").first()


def _free_username(address: str) -> str:
    base = address.lower()[:140]
    taken = set(User.objects.filter(username__startswith=base)
                .values_list("username", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def sender_account_create(*, address: str, name: str = "") -> User:
    """An end-user account for someone who wrote in (signs in by a password reset)."""
    first, _, last = (name or "").strip().partition(" ")
    user = User(username=_free_username(address), email=address.lower(),
                first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    group, _ = Group.objects.get_or_create(name=roles.END_USER)
    user = user_save(actor=None, user=user, groups=[group])
    participants_link(email=user.email, user=user)
    return user


def over_cap(*, mailbox: Mailbox, sender: str, now=None) -> bool:
    """Has the sender had `sender_hourly_cap` new tickets or automatic replies this hour?"""
    now = now or timezone.now()
    counted = InboundMessage.objects.filter(
        sender=sender, received_at__gt=now - timedelta(hours=1),
        state=State.PROCESSED, outcome__in=[Outcome.NEW_TICKET, Outcome.REFUSED]).count()
    return counted >= mailbox.sender_hourly_cap
