"""The audit log's one writer: `audit_record`, called by the services and signal handlers
that do something an admin must be able to trace later.

An audit entry is written in the caller's transaction, so a change that rolls back leaves
no entry claiming it happened; a failed sign-in has no transaction of its own to join and
is written at once. `audit_entries_prune` is the retention sweep (TEND_AUDIT_RETENTION_DAYS).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from itsm.models import AuditEntry, User

# What is audited. The values are stored; the labels are shown and exported.
ACTIONS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "sign_out": "Signed out",
    "mfa_added": "Second factor added",
    "mfa_removed": "Second factor removed",
    "mfa_recovery_codes": "Recovery codes generated",
    "mfa_recovery_used": "Recovery code used",
    "reauthenticated": "Confirmed identity for a sensitive action",
    "sso_linked": "Identity provider account linked",
    "sso_refused": "Single sign-on refused",
    "sso_roles_changed": "Roles or teams changed by the identity provider",
    "password_refused": "Password sign-in refused (SSO required)",
    "token_created": "API token created",
    "token_revoked": "API token revoked",
    "webhook_created": "Webhook created",
    "webhook_changed": "Webhook changed",
    "webhook_deleted": "Webhook deleted",
    "webhook_secret_rotated": "Webhook secret rotated",
    "webhook_disabled": "Webhook disabled after failures",
    "webhook_delivery_failed": "Webhook delivery failed",
    "chat_changed": "Chat channel changed",
    "policy_changed": "Sign-in policy changed",
}


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    # REMOTE_ADDR only, as the sign-in limits: X-Forwarded-For is the client's to forge.
    ip = request.META.get("REMOTE_ADDR") or None
    return ip, (request.META.get("HTTP_USER_AGENT") or "")[:200]


def audit_record(*, action: str, actor: User | None = None, actor_name: str = "",
                 target: str = "", request=None, detail: dict | None = None,
                 now: datetime | None = None) -> AuditEntry:
    """`actor_name` names who acted when there is no account (a failed sign-in's
    username); `target` labels what it was about ("api_token:12")."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}; add it to ACTIONS.")
    ip, agent = _client(request)
    if actor is not None and not actor.is_authenticated:
        actor = None
    with transaction.atomic():
        return AuditEntry.objects.create(
            at=now or timezone.now(), action=action, actor=actor,
            actor_name=(actor.get_username() if actor else actor_name)[:150],
            target=target[:80], ip=ip, user_agent=agent, detail=detail or {})


PRUNE_BATCH = 5_000


def audit_entries_prune(*, now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete entries older than TEND_AUDIT_RETENTION_DAYS (0 keeps everything); how many.

    Batches of `batch` rows, each in its own transaction: a first run over a year of
    sign-ins must not hold one long lock on the table every sign-in writes to. Safe to
    run twice or to stop midway: the next run deletes what is left.
    """
    days = settings.TEND_AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(AuditEntry.objects.filter(at__lt=cutoff).order_by("at")
                       .values_list("pk", flat=True)[:batch])
            if not ids:
                return deleted
            deleted += AuditEntry.objects.filter(pk__in=ids).delete()[0]
