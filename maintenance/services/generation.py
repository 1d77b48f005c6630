"""The generation sweep: plan occurrences inside their lead time become work items, once.

Exactly once per (plan, occurrence), however many sweeps, workers or restarts:
- plans are claimed with SELECT … FOR UPDATE SKIP LOCKED, so two sweeps never work on
  the same plan at the same time;
- the occurrence row is inserted in the same transaction as its ticket, under the unique
  key (plan, scheduled_for): a sweep that dies mid-way leaves neither, one that finds
  the row already there does nothing.
Only plans whose stored `next_generate_at` has passed are read, so a sweep with nothing
due costs one index probe whatever the number of plans.
"""

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from itsm import durations
from itsm.services.system_user import system_user_get
from maintenance.models import MaintenancePlan, MaintenanceWindow, Occurrence, OccurrenceChange
from tickets import services as tickets
from tickets.events import publish
from tickets.models import Kind, Source, Ticket

logger = logging.getLogger(__name__)

# An occurrence whose work would have ended more than this long ago when the sweep first
# sees it (Tend was down) is recorded as missed; only the latest one becomes a work item,
# so a week of downtime does not flood the queue with stale hourly tasks.
MISSED_AFTER = timedelta(hours=24)
MAX_PER_PLAN = 100
BATCH = 20
MISSED_REASON = "Missed: no work item was created in time (Tend was not running)."


def occurrences_generate(*, now: datetime | None = None, batch: int = BATCH) -> Counter:
    """Create every work item that is due. Safe to run often and concurrently."""
    now = now or timezone.now()
    counts: Counter = Counter()
    requester = system_user_get()
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            plans = list(MaintenancePlan.objects.select_for_update(skip_locked=True)
                         .filter(is_active=True, next_generate_at__lte=now)
                         .exclude(pk__in=seen).order_by("next_generate_at")[:batch])
            if not plans:
                break
            prefetch_related_objects(plans, "steps", "assets", "services")
            for plan in plans:
                seen.add(plan.pk)
                _guarded(plan, lambda p=plan: _generate_plan(p, now, requester), counts)
    seen.clear()
    while True:
        with transaction.atomic():
            moved = list(Occurrence.objects.select_for_update(skip_locked=True, of=("self",))
                         .select_related("plan")
                         .filter(status=Occurrence.Status.MOVED, generate_at__lte=now,
                                 plan__is_active=True)
                         .exclude(pk__in=seen).order_by("generate_at")[:batch])
            if not moved:
                break
            for occurrence in moved:
                seen.add(occurrence.pk)
                _guarded(occurrence.plan,
                         lambda o=occurrence: _generate_moved(o, requester, now), counts)
    return counts


def _guarded(plan: MaintenancePlan, work, counts: Counter) -> None:
    # One plan's failure (a bad rule, a deleted team member) must not stop the others;
    # it stays due, is retried by the next sweep, and its page shows the error.
    try:
        with transaction.atomic():
            counts.update(work())
        if plan.generation_error:
            MaintenancePlan.objects.filter(pk=plan.pk).update(generation_error="")
    except Exception as exc:
        logger.exception("maintenance plan %s: generation failed", plan.pk)
        MaintenancePlan.objects.filter(pk=plan.pk).update(generation_error=str(exc)[:1000])
        counts["failed"] += 1


def _generate_plan(plan: MaintenancePlan, now: datetime, requester) -> Counter:
    counts: Counter = Counter()
    schedule = plan.schedule()
    horizon = now + plan.lead_time
    moments = list(schedule.occurrences(plan.next_occurrence_at, until=horizon,
                                        limit=MAX_PER_PLAN, inclusive=True))
    reached_horizon = len(moments) < MAX_PER_PLAN
    stale_before = now - MISSED_AFTER
    fresh = [m for m in moments if m + plan.expected_duration >= stale_before]
    stale = [m for m in moments if m + plan.expected_duration < stale_before]
    generate = fresh if fresh or not reached_horizon else stale[-1:]
    for moment in moments:
        if moment in generate:
            occurrence, created = Occurrence.objects.get_or_create(
                plan=plan, scheduled_for=moment,
                defaults={"status": Occurrence.Status.GENERATED, "due_at": moment,
                          "created_at": now})
            if created:
                _create_work_item(plan, occurrence, requester, now)
                counts["generated"] += 1
        else:
            occurrence, created = Occurrence.objects.get_or_create(
                plan=plan, scheduled_for=moment,
                defaults={"status": Occurrence.Status.SKIPPED, "due_at": moment,
                          "reason": MISSED_REASON, "changed_at": now, "created_at": now})
            if created:
                OccurrenceChange.objects.create(occurrence=occurrence, from_at=moment,
                                                action=OccurrenceChange.Action.MISSED,
                                                reason=MISSED_REASON, at=now)
                counts["missed"] += 1
    after = horizon if reached_horizon else moments[-1]
    upcoming = schedule.next_after(after)
    plan.next_occurrence_at = upcoming
    plan.next_generate_at = upcoming - plan.lead_time if upcoming else None
    plan.save(update_fields=["next_occurrence_at", "next_generate_at"])
    return counts


def _generate_moved(occurrence: Occurrence, requester, now: datetime) -> Counter:
    plan = occurrence.plan
    prefetch_related_objects([plan], "steps", "assets", "services")
    occurrence.status = Occurrence.Status.GENERATED
    occurrence.generate_at = None
    _create_work_item(plan, occurrence, requester, now)
    return Counter(generated=1)


def _describe_work(plan: MaintenancePlan, occurrence: Occurrence, assets, services) -> str:
    local = occurrence.due_at.astimezone(plan.schedule().tz)
    url = settings.TEND_BASE_URL.rstrip("/") + reverse("maintenance:plan", args=[plan.pk])
    facts = [f"- Plan: [{plan.title}]({url}) ({plan.get_kind_display()})",
             f"- Due: {local:%A} {local.day} {local:%B %Y, %H:%M} ({plan.time_zone})",
             f"- Expected duration: {_duration(plan.expected_duration)}"]
    if occurrence.was_moved:
        was = occurrence.scheduled_for.astimezone(plan.schedule().tz)
        facts.append(f"- Moved from {was:%Y-%m-%d %H:%M}: {occurrence.reason}")
    if assets:
        facts.append("- Assets: " + ", ".join(a.name for a in assets))
    if services:
        facts.append("- Services: " + ", ".join(s.name for s in services))
    parts = [plan.instructions.strip(), "\n".join(facts)]
    return "\n\n---\n\n".join(part for part in parts if part)


def _duration(value: timedelta) -> str:
    return durations.human(value, days_too=False)


def _create_work_item(plan: MaintenancePlan, occurrence: Occurrence, requester,
                      now: datetime) -> Ticket:
    assets, services = list(plan.assets.all()), list(plan.services.all())
    asset = assets[0] if len(assets) == 1 else None
    service = services[0] if len(services) == 1 else None
    if asset is not None and service is None:
        service = asset.service
    if asset is not None and service is not None and asset.service_id not in (None, service.pk):
        asset = None  # the ticket names one service; the description lists everything
    local = occurrence.due_at.astimezone(plan.schedule().tz)
    fields = {
        "requester": requester, "kind": Kind.MAINTENANCE, "source": Source.MAINTENANCE,
        "title": f"{plan.title} · {local:%a} {local.day} {local:%b %Y, %H:%M}",
        "description": _describe_work(plan, occurrence, assets, services),
        "service": service, "asset": asset, "team": plan.team, "assignee": plan.assignee,
        "priority": plan.priority, "due_at": occurrence.due_at,
        "checklist": plan.steps_as_checklist(), "now": now,
    }
    problem = ""
    try:
        ticket = tickets.ticket_create(**fields)
    except ValidationError as exc:
        if "assignee" not in getattr(exc, "message_dict", {}):
            raise
        # The default assignee left the team or Tend: create the work unassigned, say why.
        problem = " ".join(exc.message_dict["assignee"])
        ticket = tickets.ticket_create(**{**fields, "assignee": None})
    if problem:
        tickets.ticket_notice(ticket=ticket, internal=True, now=now,
                              message=f"The plan's default assignee was not set: {problem}")
    occurrence.ticket = ticket
    occurrence.save()
    publish("maintenance.due", ticket, now=now, maintenance={
        "plan": plan.pk, "title": plan.title, "due_at": occurrence.due_at})
    if plan.creates_window and (assets or services):
        window = MaintenanceWindow.objects.create(
            reason=plan.title, starts_at=occurrence.due_at,
            ends_at=occurrence.due_at + plan.expected_duration, occurrence=occurrence,
            ticket=ticket, created_at=now)
        window.services.set(services)
        window.assets.set(assets)
    return ticket
