"""A ticket's own life: filing, triage edits, status moves, Tend's notices and the rating.

One transaction per call; e-mail and other side effects are enqueued on commit.
Bad input raises ValidationError with a field → messages dict; a stale edit raises
TicketConflict. Nothing is half-written: rows and stored files go together or not at all.
"""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, Service, Team, User
from itsm.performance.config_cache import config
from tickets import rules, sla, uploads
from tickets.events import publish
from tickets.models import (
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
)
from tickets.services import facts, numbering
from tickets.services.changes import (
    Action,
    check_agent,
    event,
    label,
    lock,
    notify,
    store_attachments,
    touch,
    with_files,
)


def _validate_assignee(assignee: User | None, team: Team | None) -> None:
    if assignee is None:
        return
    if not assignee.is_active or not assignee.is_agent:
        raise ValidationError({"assignee": f"{assignee} is not a support engineer."})
    if team is not None and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": f"{assignee} is not a member of {team}."})


@config("itsm.Team")
def _teams_by_name() -> dict[str, Team]:
    # Read-only, shared by the process (itsm.performance.config_cache): a handful of rows.
    return {team.name: team for team in Team.objects.only("name", "email")}


def _fallback_team(assignee: User | None) -> Team:
    """The triage team (settings.TEND_TRIAGE_TEAM), created on first use: every ticket
    lands in some team's queue, even one filed as "Not sure" with no service."""
    triage = _teams_by_name().get(settings.TEND_TRIAGE_TEAM)
    if triage is None:
        triage, _ = Team.objects.get_or_create(name=settings.TEND_TRIAGE_TEAM)
    if assignee is None or assignee.teams.filter(pk=triage.pk).exists():
        return triage
    # Assigned on filing to someone outside triage: their own team's queue.
    return assignee.teams.order_by("name").first() or triage


def ticket_create(
    *,
    requester: User,
    title: str,
    description: str = "",
    kind: str = Kind.INCIDENT,
    source: str = Source.PORTAL,
    actor: User | None = None,
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
    acknowledge: bool = True,
    now: datetime | None = None,
) -> Ticket:
    """File a ticket. `actor` is who acted (a DSE filing for a caller); by default the
    requester, and nobody (Tend itself) for tickets from monitoring or maintenance.

    `checklist` items are dicts with `text` and optional `requires_note`/`requires_result`.
    `acknowledge=False` sends the requester no "we received it" (a ticket opened from an
    automatic mail must not answer it).
    """
    title = rules.title_normalise(title)
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
    if team is None:
        team = _fallback_team(assignee)
        _validate_assignee(assignee, None)
    else:
        _validate_assignee(assignee, team)
    if actor is None and source not in (Source.MONITORING, Source.MAINTENANCE):
        actor = requester

    now = now or timezone.now()

    def work(stored):
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
        ticket.number = numbering.ticket_number_for_insert(kind=kind)
        ticket.save(force_insert=True)
        events = [event(ticket, actor, Action.CREATED, at=now,
                        message=f"Created via {Source(source).label}"), *sla_events]
        events += store_attachments(ticket, None, actor or requester, files, stored, now=now)
        for entry in events:
            entry.version = 1  # everything here is part of the ticket's first version
        if checklist:
            ChecklistItem.objects.bulk_create(
                ChecklistItem(ticket=ticket, position=n, text=item["text"].strip()[:300],
                              requires_note=bool(item.get("requires_note")),
                              requires_result=bool(item.get("requires_result")))
                for n, item in enumerate(checklist, start=1))
        TicketEvent.objects.bulk_create(events)
        notify("created" if acknowledge else "created_quiet", ticket.pk)
        if assignee is not None:
            notify("assigned", ticket.pk, assignee.pk)
        publish("ticket.created", ticket, now=now)
        # Last, so the fact row every filing of the day shares is locked for the shortest
        # time before the commit.
        facts.facts_ticket_changed(ticket=ticket, previous=None)
        return ticket

    return with_files(work)


UPDATABLE = ("title", "team", "assignee", "category", "service", "asset", "impact",
             "urgency", "priority")


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor: User, version: int | None = None,
                  now: datetime | None = None, **changes) -> Ticket:
    """Change triage fields. Pass the `version` the editor saw to refuse stale edits."""
    check_agent(actor)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    now = now or timezone.now()
    ticket = lock(ticket, version, now)
    if not ticket.is_open and ticket.status != Status.RESOLVED:
        raise ValidationError({"status": [f"{ticket.ref} is {ticket.get_status_display()}"
                                          " and can no longer be changed."]})
    if "title" in changes:
        changes["title"] = rules.title_normalise(changes["title"])[:200]
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
        old_label = getattr(ticket, f"get_{name}_display")() if name in display else label(old)
        setattr(ticket, name, new)
        new_label = getattr(ticket, f"get_{name}_display")() if name in display else label(new)
        events.append(event(ticket, actor, Action.CHANGED, at=now, field=name,
                            old_value=old_label, new_value=new_label))
        changed.append(name)
    if not changed:
        return ticket
    reason = ", ".join(f"{e.field} {e.old_value or '—'} → {e.new_value or '—'}" for e in events)
    touch(ticket, changed, reason=reason, actor=actor, now=now)
    TicketEvent.objects.bulk_create(events)
    if "assignee" in changed and ticket.assignee_id and ticket.assignee_id != actor.pk:
        notify("assigned", ticket.pk, ticket.assignee_id)
    publish("ticket.updated", ticket, now=now, changed=changed)
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
                      note: str = "", now: datetime | None = None) -> Ticket:
    """Move a ticket along its lifecycle. `actor=None` is Tend itself (monitoring, sweeps)."""
    now = now or timezone.now()
    ticket = lock(ticket, version, now)
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
    old_label, old_status = ticket.get_status_display(), ticket.status
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
    touch(ticket, fields, reason=f"status {old_label} → {ticket.get_status_display()}",
           actor=actor, now=now)
    TicketEvent.objects.create(ticket=ticket, actor=actor, at=now, action=Action.STATUS,
                               field="status", old_value=old_label, version=ticket.version,
                               new_value=ticket.get_status_display(), message=note)
    if note:
        comment = Comment.objects.create(ticket=ticket, author=actor or ticket.requester,
                                         body=note, created_at=now)
        notify("reply", ticket.pk, comment.pk)
    if to == Status.RESOLVED:
        notify("resolved", ticket.pk)
    publish("ticket.resolved" if to == Status.RESOLVED else "ticket.updated", ticket, now=now,
            changed=["status"], previous_status=old_status)
    return ticket


@transaction.atomic
def ticket_notice(*, ticket: Ticket, message: str, field: str = "", old: str = "",
                  new: str = "", internal: bool = False, now: datetime | None = None) -> None:
    """A timeline entry written by Tend itself (monitoring, maintenance), no status change."""
    now = now or timezone.now()
    locked = lock(ticket, None, now)
    touch(locked, [], reason="notice", now=now)
    TicketEvent.objects.create(ticket=locked, actor=None, at=now, action=Action.NOTICE,
                               version=locked.version, field=field, old_value=old,
                               new_value=new, message=message, is_internal=internal)


@transaction.atomic
def ticket_rate(*, ticket: Ticket, actor: User, rating: int, comment: str = "",
                now: datetime | None = None) -> Ticket:
    """The requester rates the help on a resolved or closed ticket (may change their mind)."""
    if ticket.requester_id != actor.pk:
        raise PermissionDenied("Only the requester can rate this ticket.")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": ["Choose from 1 to 5 stars."]})
    now = now or timezone.now()
    locked = lock(ticket, None, now)
    if locked.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"rating": ["You can rate a ticket once it is resolved."]})
    locked.rating, locked.rating_comment, locked.rated_at = rating, comment.strip(), now
    touch(locked, ["rating", "rating_comment", "rated_at"], reason="rated", actor=actor, now=now)
    TicketEvent.objects.create(ticket=locked, actor=actor, at=now, action=Action.RATED,
                               version=locked.version, new_value=f"{rating}/5",
                               message=locked.rating_comment)
    return locked
