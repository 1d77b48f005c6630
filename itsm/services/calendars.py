"""Writing business calendars: the calendar, its working periods and closed dates together.

A calendar's `updated_at` is its version: schedules are cached per (calendar, updated_at)
(itsm.calendars.schedule_for) and SLA policies cache their calendar per process
(itsm.performance.config_cache, dropped when a calendar is saved). So every change to a
calendar or its rows ends by saving the calendar itself. These services take no `now`:
the version must come from the real clock (auto_now) so that it always moves.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from itsm import calendars
from itsm.models import BusinessCalendar, ClosedDate, User, WorkingPeriod

PERIOD_FIELDS = ("weekday", "start", "end")
CLOSED_DATE_FIELDS = ("date", "name")
NO_PERIODS = "A calendar needs at least one working period."
DATE_TWICE = "A date is listed twice."


def calendar_problems(*, holiday_country: str, holiday_subdivision: str,
                      periods: list[dict] | None, closed_dates: list[dict] | None) -> None:
    """Raise a ValidationError naming the field of the first problem (None: not changed)."""
    if periods is not None:
        if not periods:
            raise ValidationError({"periods": [NO_PERIODS]})
        try:
            calendars.validate_week([(p["weekday"], p["start"], p["end"]) for p in periods])
        except ValidationError as exc:
            raise ValidationError({"periods": exc.messages}) from exc
    calendars.validate_holiday_region(holiday_country, holiday_subdivision)
    dates = [d["date"] for d in closed_dates or []]
    if len(dates) != len(set(dates)):
        raise ValidationError({"closed_dates": [DATE_TWICE]})


def _check_actor(actor: User | None, action: str) -> None:
    if actor is not None and not actor.has_perm(f"itsm.{action}_businesscalendar"):
        raise PermissionDenied("Only admins can change business calendars.")


def _sync(manager, model, rows: list[dict], fields: tuple[str, ...]) -> None:
    """Make the calendar's rows exactly `rows`: a row with the "id" of an existing one
    updates it, one without is new, and existing rows not listed are deleted."""
    existing = {row.pk: row for row in manager.all()}
    kept = {row["id"] for row in rows if row.get("id") in existing}
    # Deletes first, so a date moved from a deleted row to another is not listed twice.
    manager.exclude(pk__in=kept).delete()
    new = []
    for row in rows:
        values = {name: row[name] for name in fields if name in row}
        current = existing.get(row.get("id"))
        if current is None:
            new.append(model(calendar=manager.instance, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            current.save(update_fields=list(values))
    model.objects.bulk_create(new)


@transaction.atomic
def calendar_save(*, actor: User | None, calendar: BusinessCalendar,
                  periods: list[dict] | None = None,
                  closed_dates: list[dict] | None = None) -> BusinessCalendar:
    """Create or change `calendar` (its fields as set on the instance) and, unless None,
    make its working periods and closed dates exactly the ones given.

    `periods`: dicts of weekday, start, end; `closed_dates`: dicts of date, name; either
    may carry the "id" of an existing row to keep it (the admin's inline rows do).
    A new calendar needs its periods. `actor` None is Tend itself (seeding).
    """
    _check_actor(actor, "change" if calendar.pk else "add")
    if calendar.pk is None and periods is None:
        raise ValidationError({"periods": [NO_PERIODS]})
    calendar_problems(holiday_country=calendar.holiday_country,
                      holiday_subdivision=calendar.holiday_subdivision,
                      periods=periods, closed_dates=closed_dates)
    calendar.full_clean()
    new = calendar.pk is None
    if new:  # nothing can have cached a calendar that did not exist: one save is enough
        calendar.save()
    if periods is not None:
        _sync(calendar.periods, WorkingPeriod, periods, PERIOD_FIELDS)
    if closed_dates is not None:
        _sync(calendar.closed_dates, ClosedDate, closed_dates, CLOSED_DATE_FIELDS)
    if not new:
        # After the rows, so the new version (and the signal that drops cached policies)
        # covers them.
        calendar.save()
    return calendar


@transaction.atomic
def calendar_delete(*, actor: User | None, calendar: BusinessCalendar) -> None:
    """Delete a calendar with its rows; one an SLA policy uses is protected (ProtectedError)."""
    _check_actor(actor, "delete")
    calendar.delete()
