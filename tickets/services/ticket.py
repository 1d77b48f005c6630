"""Every write to tickets that has rules. Views, API, tasks and admin actions call these.

One transaction per call; e-mail and other side effects are enqueued on commit.
Bad input raises ValidationError with a field → messages dict; a stale edit raises
TicketConflict. Nothing is half-written: rows and stored files go together or not at all.
"""

from collections.abc import Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from itsm.models import Asset, Service, Team, User
from tickets import rules, uploads
from tickets.models import (
    DONE_STATUSES,
    Attachment,
    Category,
    ChecklistItem,
    Comment,
    Kind,
    Level,
    Priority,
    Source,
    Status,
    Ticket,
    TicketEvent,
    TimeEntry,
)
from tickets.services import numbering, outbox
from tickets.services.sla import clock as sla

Action = TicketEvent.Action


class TicketConflict(Exception):
    """The ticket changed since the editor loaded it; `events` says what changed."""

    def __init__(self, ticket: Ticket, events: list[TicketEvent]):
        self.ticket = ticket
        self.events = events
        super().__init__(f"{ticket.ref} was changed by someone else.")


@dataclass
class BulkResult:
    done: list[str]
    skipped: dict[str, str]


_muted: ContextVar[bool] = ContextVar("tickets_notifications_muted", default=False)


@contextmanager
def notifications_muted():
    """Replaying history (demo data, imports): nobody should be e-mailed about the past."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _notify(event: str, ticket_id: int, object_id: int | None = None) -> None:
    if not _muted.get():
        outbox.queue(event, ticket_id, object_id)


def _label(value) -> str:
    return "" if value is None else str(value)


def _event(ticket: Ticket, actor: User | None, action: str, **fields) -> TicketEvent:
    # Built before _touch() bumps the version, so the event carries the version it makes.
    version = ticket.version + 1 if isinstance(ticket.version, int) else 1
    return TicketEvent(ticket=ticket, actor=actor, action=action, at=timezone.now(),
                       version=version, **fields)


def _store_attachments(ticket, comment, user, files, stored: list[str]) -> list[TicketEvent]:
    events = []
    for f in files:
        name = uploads.display_name(f.name)
        attachment = Attachment(ticket=ticket, comment=comment, uploaded_by=user,
                                original_name=name, size=f.size,
                                content_type=uploads.content_type_for(name))
        attachment.file.save(name, f, save=False)
        stored.append(attachment.file.name)
        attachment.save()
        events.append(_event(ticket, user, Action.ATTACHED, new_value=name,
                             is_internal=bool(comment and comment.is_internal)))
    return events


def _with_files(work, files):
    """Run `work(stored)` in a transaction; delete any stored file if it fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        uploads.delete_stored(stored)
        raise


def _check_agent(user: User) -> None:
    if not user.is_agent:
        raise PermissionDenied("Only support engineers can do this.")


def _validate_assignee(assignee: User | None, team: Team | None) -> None:
    if assignee is None:
        return
    if not assignee.is_active or not assignee.is_agent:
        raise ValidationError({"assignee": f"{assignee} is not a support engineer."})
    if team is not None and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": f"{assignee} is not a member of {team}."})


def ticket_create(
    *,
    requester: User,
    title: str,
    description: str = "",
    kind: str = Kind.INCIDENT,
    source: str = Source.PORTAL,
    created_by: User | None = None,
    category: Category | None = None,
    service: Service | None = None,
    asset: Asset | None = None,
    impact: int = Level.LOW,
    urgency: int = Level.LOW,
    priority: int | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    files: Sequence = (),
    due_at=None,
    parent: Ticket | None = None,
    checklist: Sequence[dict] = (),
) -> Ticket:
    """File a ticket. `created_by` is who acted (a DSE filing for a caller, or None for Tend).

    `checklist` items are dicts with `text` and optional `requires_note`/`requires_result`.
    """
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = ["A title is required."]
    if kind not in Kind.values:
        errors["kind"] = [f"Unknown kind “{kind}”."]
    if impact not in Level.values:
        errors["impact"] = ["Choose an impact."]
    if urgency not in Level.values:
        errors["urgency"] = ["Choose an urgency."]
    if priority is not None and priority not in Priority.values:
        errors["priority"] = ["Choose a priority from P1 to P4."]
    if asset is not None and service is not None and asset.service_id not in (None, service.pk):
        errors["asset"] = [f"{asset} does not belong to {service}."]
    for item in checklist:
        if not (item.get("text") or "").strip():
            errors["checklist"] = ["Every checklist step needs a text."]
    if errors:
        raise ValidationError(errors)
    uploads.validate_files(files)
    if team is None:
        team = (category.default_team if category else None) or (
            service.owner_team if service else None)
    _validate_assignee(assignee, team)
    actor = created_by if created_by is not None else requester
    if source in (Source.MONITORING, Source.MAINTENANCE) and created_by is None:
        actor = None

    def work(stored):
        now = timezone.now()
        ticket = Ticket(
            kind=kind, title=title[:200], description=description,
            requester=requester, team=team, assignee=assignee, category=category,
            service=service, asset=asset, source=source, impact=impact, urgency=urgency,
            priority=priority or rules.priority_for(impact, urgency),
            created_at=now, updated_at=now, version=0,  # so the first events carry version 1
            due_at=due_at, parent=parent,
        )
        sla_events = sla.refresh(ticket, now, reason="ticket created", actor=actor)
        ticket.version = 1
        ticket.number = numbering.for_insert(kind)
        ticket.save(force_insert=True)
        events = [_event(ticket, actor, Action.CREATED,
                         message=f"Created via {Source(source).label}"), *sla_events]
        events += _store_attachments(ticket, None, actor or requester, files, stored)
        for event in events:
            event.version = 1  # everything here is part of the ticket's first version
        if checklist:
            ChecklistItem.objects.bulk_create(
                ChecklistItem(ticket=ticket, position=n, text=item["text"].strip()[:300],
                              requires_note=bool(item.get("requires_note")),
                              requires_result=bool(item.get("requires_result")))
                for n, item in enumerate(checklist, start=1))
        TicketEvent.objects.bulk_create(events)
        _notify("created", ticket.pk)
        if assignee is not None:
            _notify("assigned", ticket.pk, assignee.pk)
        return ticket

    return _with_files(work, files)


def _lock(ticket: Ticket, version: int | None, now) -> Ticket:
    """Lock the row, refuse a stale version, and bank SLA time used under the old state."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if version is not None and locked.version != version:
        since = list(TicketEvent.objects.filter(ticket=locked, version__gt=version)
                     .exclude(action__in=[Action.REPLIED, Action.NOTE, Action.SLA])
                     .select_related("actor"))
        raise TicketConflict(locked, since)
    sla.bank(locked, now)
    return locked


def _touch(ticket: Ticket, fields: list[str], *, now, reason: str = "ticket changed",
           actor: User | None = None) -> None:
    """Save `fields`, recompute SLA deadlines for the new state, bump the version."""
    sla_events = sla.refresh(ticket, now, reason=reason, actor=actor)
    ticket.updated_at = now
    ticket.version = F("version") + 1
    ticket.save(update_fields=[*fields, *sla.CLOCK_FIELDS, "updated_at", "version"])
    ticket.refresh_from_db(fields=["version"])
    if sla_events:
        TicketEvent.objects.bulk_create(sla_events)


UPDATABLE = ("title", "team", "assignee", "category", "service", "asset", "impact",
             "urgency", "priority")


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor: User, version: int | None = None,
                  **changes) -> Ticket:
    """Change triage fields. Pass the `version` the editor saw to refuse stale edits."""
    _check_agent(actor)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    now = timezone.now()
    ticket = _lock(ticket, version, now)
    if not ticket.is_open and ticket.status != Status.RESOLVED:
        raise ValidationError({"status": [f"{ticket.ref} is {ticket.get_status_display()}"
                                          " and can no longer be changed."]})
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()[:200]
        if not changes["title"]:
            raise ValidationError({"title": ["A title is required."]})
    for level in ("impact", "urgency"):
        if level in changes and changes[level] not in Level.values:
            raise ValidationError({level: [f"Choose a valid {level}."]})
    if "priority" in changes and changes["priority"] not in Priority.values:
        raise ValidationError({"priority": ["Choose a priority from P1 to P4."]})
    if ({"impact", "urgency"} & set(changes)) and "priority" not in changes:
        changes["priority"] = rules.priority_for(changes.get("impact", ticket.impact),
                                                 changes.get("urgency", ticket.urgency))
    team = changes.get("team", ticket.team)
    if "assignee" in changes or "team" in changes:
        _validate_assignee(changes.get("assignee", ticket.assignee), team)
    asset = changes.get("asset", ticket.asset)
    service = changes.get("service", ticket.service)
    if asset is not None and service is not None and asset.service_id not in (None, service.pk):
        raise ValidationError({"asset": [f"{asset} does not belong to {service}."]})

    events, changed = [], []
    for name, new in changes.items():
        old = getattr(ticket, name)
        if old == new:
            continue
        display = {"impact", "urgency", "priority"}
        old_label = getattr(ticket, f"get_{name}_display")() if name in display else _label(old)
        setattr(ticket, name, new)
        new_label = getattr(ticket, f"get_{name}_display")() if name in display else _label(new)
        events.append(_event(ticket, actor, Action.CHANGED, field=name,
                             old_value=old_label, new_value=new_label))
        changed.append(name)
    if not changed:
        return ticket
    reason = ", ".join(f"{e.field} {e.old_value or '—'} → {e.new_value or '—'}" for e in events)
    _touch(ticket, changed, reason=reason, actor=actor, now=now)
    TicketEvent.objects.bulk_create(events)
    if "assignee" in changed and ticket.assignee_id and ticket.assignee_id != actor.pk:
        _notify("assigned", ticket.pk, ticket.assignee_id)
    return ticket


def _apply_status(ticket: Ticket, new: str, now) -> list[str]:
    old = ticket.status
    ticket.status = new
    fields = ["status"]
    if new == Status.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    elif new == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif old == Status.RESOLVED:
        ticket.resolved_at = None
        ticket.reopen_count += 1
        fields += ["resolved_at", "reopen_count"]
    return fields


@transaction.atomic
def ticket_transition(*, ticket: Ticket, actor: User | None, to: str, version: int | None = None,
                      note: str = "") -> Ticket:
    """Move a ticket along its lifecycle. `actor=None` is Tend itself (monitoring, sweeps)."""
    now = timezone.now()
    ticket = _lock(ticket, version, now)
    if to not in Status.values:
        raise ValidationError({"status": [f"Unknown status “{to}”."]})
    as_requester = actor is not None and not actor.is_agent
    if as_requester and ticket.requester_id != actor.pk:
        raise PermissionDenied("Only the requester or a support engineer can do this.")
    if ticket.status == to:
        return ticket
    allowed = rules.allowed_transitions(ticket.status, as_requester=as_requester)
    if to not in allowed:
        raise ValidationError({"status": [
            f"A ticket that is {ticket.get_status_display().lower()} cannot become "
            f"{Status(to).label.lower()}."]})
    note = (note or "").strip()
    if to == Status.RESOLVED:
        open_steps = ticket.checklist.filter(done_at__isnull=True).count()
        if open_steps:
            raise ValidationError({"status": [
                f"{open_steps} checklist step{'s' if open_steps > 1 else ''} still open; "
                "finish the checklist before resolving."]})
    reopening = ticket.status == Status.RESOLVED and to == Status.IN_PROGRESS
    if reopening and as_requester and not note:
        raise ValidationError({"note": ["Tell us what is still wrong so we can help."]})
    old_label = ticket.get_status_display()
    fields = _apply_status(ticket, to, now)
    by_staff = actor is not None and not as_requester
    if note and by_staff and ticket.first_response_at is None:
        ticket.first_response_at = now
        sla.stop_response(ticket)
        fields.append("first_response_at")
    if to == Status.RESOLVED:
        sla.stop_resolution(ticket)
    elif reopening:
        ticket.resolution_breached = None  # decided again at the next resolution
    _touch(ticket, fields, reason=f"status {old_label} → {ticket.get_status_display()}",
           actor=actor, now=now)
    TicketEvent.objects.create(ticket=ticket, actor=actor, at=now, action=Action.STATUS,
                               field="status", old_value=old_label, version=ticket.version,
                               new_value=ticket.get_status_display(), message=note)
    if note:
        comment = Comment.objects.create(ticket=ticket, author=actor or ticket.requester,
                                         body=note, created_at=now)
        _notify("reply", ticket.pk, comment.pk)
    if to == Status.RESOLVED:
        _notify("resolved", ticket.pk)
    return ticket


def comment_add(*, ticket: Ticket, author: User, body: str, internal: bool = False,
                files: Sequence = ()) -> Comment:
    """A public reply or an internal note, with optional attachments."""
    body = (body or "").strip()
    if not body and not files:
        raise ValidationError({"body": ["Write a message or attach a file."]})
    if internal and not author.is_agent:
        raise PermissionDenied("Only support engineers can write internal notes.")
    if not author.is_agent and ticket.requester_id != author.pk:
        raise PermissionDenied("Only the requester or a support engineer can reply.")
    uploads.validate_files(files)

    def work(stored):
        now = timezone.now()
        locked = _lock(ticket, None, now)
        if locked.status in (Status.CLOSED, Status.CANCELLED) and not internal:
            raise ValidationError({"body": [f"{locked.ref} is {locked.get_status_display()};"
                                            " file a new ticket instead."]})
        comment = Comment.objects.create(ticket=locked, author=author, body=body,
                                         is_internal=internal, created_at=now)
        action = Action.NOTE if internal else Action.REPLIED
        excerpt = body[:140] + ("…" if len(body) > 140 else "")
        events = [_event(locked, author, action, message=excerpt, is_internal=internal)]
        events += _store_attachments(locked, comment, author, files, stored)
        fields = []
        by_staff = author.is_agent and author.pk != locked.requester_id
        if not internal and by_staff and locked.first_response_at is None:
            locked.first_response_at = now
            sla.stop_response(locked)
            fields.append("first_response_at")
        if not internal and by_staff and locked.status == Status.NEW:
            events.append(_event(locked, author, Action.STATUS, field="status",
                                 old_value=Status.NEW.label, new_value=Status.IN_PROGRESS.label))
            locked.status = Status.IN_PROGRESS
            fields.append("status")
        if not by_staff and locked.status == Status.WAITING:
            # The customer answered: the ball is back with support.
            events.append(_event(locked, None, Action.STATUS, field="status",
                                 old_value=Status.WAITING.label,
                                 new_value=Status.IN_PROGRESS.label,
                                 message="The requester replied."))
            locked.status = Status.IN_PROGRESS
            fields.append("status")
        _touch(locked, fields, reason="reply" if not internal else "internal note",
               actor=author, now=now)
        TicketEvent.objects.bulk_create(events)
        if not internal:
            _notify("reply", locked.pk, comment.pk)
        ticket.version, ticket.status = locked.version, locked.status
        return comment

    return _with_files(work, files)


@transaction.atomic
def time_log(*, ticket: Ticket, user: User, minutes: int, note: str = "") -> TimeEntry:
    _check_agent(user)
    if not isinstance(minutes, int) or minutes <= 0 or minutes > 24 * 60:
        raise ValidationError({"minutes": ["Enter between 1 and 1440 minutes."]})
    now = timezone.now()
    locked = _lock(ticket, None, now)
    entry = TimeEntry.objects.create(ticket=locked, user=user, minutes=minutes, note=note[:255])
    _touch(locked, [], reason="time logged", actor=user, now=now)
    TicketEvent.objects.create(ticket=locked, actor=user, action=Action.TIME,
                               version=locked.version, new_value=f"{minutes} min",
                               message=note[:255], is_internal=True)
    return entry


@transaction.atomic
def ticket_rate(*, ticket: Ticket, user: User, rating: int, comment: str = "") -> Ticket:
    """The requester rates the help on a resolved or closed ticket (may change their mind)."""
    if ticket.requester_id != user.pk:
        raise PermissionDenied("Only the requester can rate this ticket.")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": ["Choose from 1 to 5 stars."]})
    now = timezone.now()
    locked = _lock(ticket, None, now)
    if locked.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"rating": ["You can rate a ticket once it is resolved."]})
    locked.rating, locked.rating_comment, locked.rated_at = rating, comment.strip(), now
    _touch(locked, ["rating", "rating_comment", "rated_at"], reason="rated", actor=user, now=now)
    TicketEvent.objects.create(ticket=locked, actor=user, action=Action.RATED,
                               version=locked.version, new_value=f"{rating}/5",
                               message=locked.rating_comment)
    return locked


def tickets_bulk_update(*, tickets: Sequence[Ticket], actor: User, assignee: User | None = None,
                        team: Team | None = None, status: str | None = None,
                        unassign: bool = False) -> BulkResult:
    """Apply one change to many tickets; each ticket succeeds or is skipped with a reason."""
    _check_agent(actor)
    result = BulkResult(done=[], skipped={})
    for ticket in tickets:
        try:
            with transaction.atomic():
                changes = {}
                if team is not None:
                    changes["team"] = team
                if assignee is not None or unassign:
                    changes["assignee"] = assignee
                if changes:
                    ticket_update(ticket=ticket, actor=actor, **changes)
                if status:
                    ticket_transition(ticket=ticket, actor=actor, to=status)
            result.done.append(ticket.ref)
        except ValidationError as exc:
            result.skipped[ticket.ref] = " ".join(
                message for messages in exc.message_dict.values() for message in messages)
    return result


@transaction.atomic
def checklist_tick(*, item: ChecklistItem, user: User, done: bool = True, result: str = "",
                   note: str = "") -> ChecklistItem:
    """Tick (or untick) a checklist step, with the result and note it asks for."""
    _check_agent(user)
    now = timezone.now()
    ticket = _lock(item.ticket, None, now)
    if not (ticket.is_open or ticket.status == Status.RESOLVED and not done):
        raise ValidationError({"checklist": [f"{ticket.ref} is {ticket.get_status_display()}."]})
    note = (note or "").strip()
    errors = {}
    if done and item.requires_result and result not in ChecklistItem.Result.values:
        errors["result"] = ["Record whether this step passed or failed."]
    if result and result not in ChecklistItem.Result.values:
        errors["result"] = ["Choose pass or fail."]
    if done and item.requires_note and not note:
        errors["note"] = ["This step needs a note."]
    if errors:
        raise ValidationError(errors)
    item.done_at, item.done_by = (now, user) if done else (None, None)
    item.result, item.note = (result if done else ""), note
    item.save(update_fields=["done_at", "done_by", "result", "note"])
    outcome = f" — {item.get_result_display()}" if item.result else ""
    _touch(ticket, [], reason="checklist", actor=user, now=now)
    TicketEvent.objects.create(
        ticket=ticket, actor=user, at=now, action=Action.CHECKLIST, version=ticket.version,
        field=f"step {item.position}", new_value="done" if done else "reopened",
        message=f"{item.text}{outcome}{': ' + note if note else ''}"[:1000])
    return item


@transaction.atomic
def ticket_notice(*, ticket: Ticket, message: str, field: str = "", old: str = "",
                  new: str = "", internal: bool = False) -> None:
    """A timeline entry written by Tend itself (monitoring, maintenance), no status change."""
    now = timezone.now()
    locked = _lock(ticket, None, now)
    _touch(locked, [], reason="notice", now=now)
    TicketEvent.objects.create(ticket=locked, actor=None, at=now, action=Action.NOTICE,
                               version=locked.version, field=field, old_value=old,
                               new_value=new, message=message, is_internal=internal)


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, rule, label: str, now) -> Ticket:
    """An escalation rule moves the ticket to another team or raises its priority."""
    locked = _lock(ticket, None, now)
    events, fields = [], []
    if rule.reassign_team_id and locked.team_id != rule.reassign_team_id:
        events.append(_event(locked, None, Action.CHANGED, field="team",
                             old_value=_label(locked.team), new_value=_label(rule.reassign_team),
                             message=f"{label}: escalation “{rule.name}”"))
        locked.team = rule.reassign_team
        fields.append("team")
        if locked.assignee_id and not rule.reassign_team.members.filter(
                pk=locked.assignee_id).exists():
            events.append(_event(locked, None, Action.CHANGED, field="assignee",
                                 old_value=_label(locked.assignee), new_value=""))
            locked.assignee = None
            fields.append("assignee")
    if rule.raise_priority and locked.priority > Priority.P1:
        old = locked.get_priority_display()
        locked.priority -= 1
        events.append(_event(locked, None, Action.CHANGED, field="priority", old_value=old,
                             new_value=locked.get_priority_display(),
                             message=f"{label}: escalation “{rule.name}”"))
        fields.append("priority")
    if fields:
        _touch(locked, fields, reason=f"escalation “{rule.name}”", now=now)
        TicketEvent.objects.bulk_create(events)
    return locked


def tickets_auto_close(*, now=None) -> int:
    """Close tickets resolved more than TEND_AUTO_CLOSE_DAYS ago. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TEND_AUTO_CLOSE_DAYS)
    closed = 0
    while True:
        with transaction.atomic():
            batch = dict(Ticket.objects.select_for_update(skip_locked=True)
                         .filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
                         .values_list("pk", "version")[:500])
            if not batch:
                return closed
            # Guarded: only rows still resolved move, so a concurrent reopen wins.
            Ticket.objects.filter(pk__in=batch, status=Status.RESOLVED).update(
                status=Status.CLOSED, closed_at=now, updated_at=now, version=F("version") + 1)
            message = f"Closed automatically {settings.TEND_AUTO_CLOSE_DAYS} days after resolution."
            TicketEvent.objects.bulk_create(
                TicketEvent(ticket_id=pk, actor=None, at=now, action=Action.STATUS,
                            field="status", old_value=Status.RESOLVED.label,
                            new_value=Status.CLOSED.label, message=message, version=version + 1)
                for pk, version in batch.items())
            closed += len(batch)


__all__ = [
    "DONE_STATUSES", "BulkResult", "TicketConflict", "checklist_tick", "comment_add",
    "notifications_muted",
    "ticket_create", "ticket_notice",
    "ticket_rate", "ticket_transition", "ticket_update", "tickets_auto_close",
    "tickets_bulk_update", "time_log",
]
