"""Sending the notifications of escalations (held ones go out once business hours begin)."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from itsm.models import User
from itsm.services.notifications import SendBusy, notification_send_once
from tickets.models import Escalation
from tickets.services.sla.sweep import escalations_claim


def _managers() -> list[User]:
    perm = Permission.objects.get(codename="view_reports", content_type__app_label="tickets")
    return list(User.objects.filter(Q(groups__permissions=perm) | Q(user_permissions=perm),
                                    is_active=True).exclude(email="").distinct())


def _recipients(escalation: Escalation, manager_list: list[User]) -> list[str]:
    rule, ticket = escalation.rule, escalation.ticket
    people: list[User] = []
    if rule.notify_assignee and ticket.assignee:
        people.append(ticket.assignee)
    if rule.notify_team and ticket.team:
        if ticket.team.email:
            return [ticket.team.email, *[u.email for u in people]]
        people += list(ticket.team.members.filter(is_active=True))
    if rule.notify_managers:
        people += manager_list
    if rule.notify_user and rule.notify_user.is_active:
        people.append(rule.notify_user)
    return [u.email for u in people if u.email]


def escalations_send(*, now: datetime | None = None) -> int:
    """Send every due escalation notice once; returns how many were handled.

    One notice at a time: leased just before its mail goes out, marked right after. A
    notice whose mail is under another worker's live lease stays claimed; once the lease
    expires, the next run (beat, every minute) takes it over."""
    handled = 0
    manager_list = None
    base = settings.TEND_BASE_URL.rstrip("/")
    while batch := escalations_claim(now=now or timezone.now()):
        for escalation in batch:
            if manager_list is None:
                manager_list = _managers()
            ticket = escalation.ticket
            try:
                notification_send_once(
                    key=f"escalation:{escalation.pk}",
                    to=_recipients(escalation, manager_list),
                    subject=f"[{ticket.ref}] {escalation.get_trigger_display()}: {ticket.title}",
                    template="sla_escalation",
                    context={"ticket": ticket, "escalation": escalation,
                             "desk_url": base + ticket.get_desk_url()}, now=now)
            except SendBusy:
                continue
            Escalation.objects.filter(pk=escalation.pk).update(
                notified_at=now or timezone.now())
            handled += 1
    return handled
