"""Reads of the core with rules: the audit log, filtered the same way for the desk page,
its CSV export and the API (admins only; the callers check the permission)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from itsm.models import AuditEntry

AUDIT_PERM = "itsm.view_auditentry"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(*, action: str = "", person: str = "", since: date | None = None,
                  until: date | None = None, ip: str = "") -> QuerySet[AuditEntry]:
    """Entries newest first. `person` matches the name recorded (a username, or what was
    typed at a failed sign-in) and the account's names and e-mail; `since` and `until`
    are days in the site's time zone, both included; `ip` is one address."""
    rows = AuditEntry.objects.all()
    if action:
        rows = rows.filter(action=action)
    if person:
        rows = rows.filter(Q(actor_name__icontains=person) | Q(actor__email__icontains=person)
                           | Q(actor__first_name__icontains=person)
                           | Q(actor__last_name__icontains=person))
    if since:
        rows = rows.filter(at__gte=_start_of(since))
    if until:
        rows = rows.filter(at__lt=_start_of(until + timedelta(days=1)))
    if ip:
        rows = rows.filter(ip=ip)
    return rows.order_by("-at", "-id")
