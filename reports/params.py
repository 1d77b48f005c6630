"""What a report is asked for: a period (preset or custom dates) and filters.

Dates are whole days in the site's time zone; a period is [first day 00:00, day after the
last day 00:00). The previous period is the one of equal length just before it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from itsm.models import Service, Team
from tickets.models import Kind, Priority

PRESETS = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "month": "This month",
    "last_month": "Last month",
    "custom": "Custom dates",
}
DEFAULT_PRESET = "30d"
MAX_DAYS = 3 * 366  # a report over more than three years is a data export, not a report


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date
    preset: str = "custom"

    @property
    def start(self) -> datetime:
        return day_start(self.first_day)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return day_start(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> "Period":
        last = self.first_day - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last, "custom")

    def until(self, now: datetime) -> datetime:
        """The end, or now if the period has not ended yet (open tickets are known now)."""
        return min(self.end, now)

    def day_list(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range(self.days)]

    @property
    def label(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.first_day:%-d %b %Y}"
        same_year = self.first_day.year == self.last_day.year
        first = f"{self.first_day:%-d %b}" if same_year else f"{self.first_day:%-d %b %Y}"
        return f"{first} – {self.last_day:%-d %b %Y}"

    def as_query(self) -> dict:
        if self.preset != "custom":
            return {"preset": self.preset}
        return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}

    def as_dict(self) -> dict:
        return {"from": self.first_day, "to": self.last_day, "preset": self.preset,
                "start": self.start, "end": self.end, "days": self.days}


def preset_period(preset: str, today: date) -> Period:
    if preset == "7d":
        return Period(today - timedelta(days=6), today, preset)
    if preset == "90d":
        return Period(today - timedelta(days=89), today, preset)
    if preset == "month":
        return Period(today.replace(day=1), today, preset)
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last, preset)
    return Period(today - timedelta(days=29), today, DEFAULT_PRESET)


def last_week(today: date) -> Period:
    """Monday to Sunday of the week before the one `today` is in (the weekly summary)."""
    monday = today - timedelta(days=today.weekday())
    return Period(monday - timedelta(days=7), monday - timedelta(days=1))


@dataclass(frozen=True)
class Filters:
    team: Team | None = None
    service: Service | None = None
    kind: str | None = None
    priority: int | None = None

    def q(self, prefix: str = "") -> Q:
        """The ticket filter; `prefix` reaches tickets through a relation ("ticket__")."""
        condition = Q()
        if self.team is not None:
            condition &= Q(**{f"{prefix}team_id": self.team.pk})
        if self.service is not None:
            condition &= Q(**{f"{prefix}service_id": self.service.pk})
        if self.kind:
            condition &= Q(**{f"{prefix}kind": self.kind})
        if self.priority:
            condition &= Q(**{f"{prefix}priority": self.priority})
        return condition

    @property
    def any(self) -> bool:
        return bool(self.team or self.service or self.kind or self.priority)

    def as_query(self) -> dict:
        query = {}
        if self.team is not None:
            query["team"] = self.team.pk
        if self.service is not None:
            query["service"] = self.service.pk
        if self.kind:
            query["kind"] = self.kind
        if self.priority:
            query["priority"] = self.priority
        return query

    def as_dict(self) -> dict:
        return {"team": self.team.pk if self.team else None,
                "service": self.service.pk if self.service else None,
                "kind": self.kind or None, "priority": self.priority or None}

    def describe(self) -> str:
        parts = []
        if self.team is not None:
            parts.append(f"team {self.team}")
        if self.service is not None:
            parts.append(f"service {self.service}")
        if self.kind:
            parts.append(Kind(self.kind).label.lower())
        if self.priority:
            parts.append(Priority(self.priority).label)
        return ", ".join(parts)


class ReportForm(forms.Form):
    """The period and filters of every report, for pages (GET) and the API alike."""

    preset = forms.ChoiceField(choices=list(PRESETS.items()), required=False,
                               label="Period")
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False,
                                  empty_label="All teams")
    service = forms.ModelChoiceField(queryset=Service.objects.order_by("name"), required=False,
                                     empty_label="All services")
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Kind.choices], required=False)
    priority = forms.TypedChoiceField(choices=[("", "All priorities"), *Priority.choices],
                                      coerce=int, empty_value=None, required=False)

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(required=False, label="From",
                                              widget=forms.DateInput(attrs={"type": "date"}))
        self.fields["to"] = forms.DateField(required=False, label="To",
                                            widget=forms.DateInput(attrs={"type": "date"}))
        self.order_fields(["preset", "from", "to", "team", "service", "kind", "priority"])
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = ("form-select form-select-sm" if select
                                           else "form-control form-control-sm")

    def clean(self):
        data = super().clean()
        first, last = data.get("from"), data.get("to")
        preset = data.get("preset") or ""
        # A preset wins over dates (the form shows the preset's dates); "custom" or dates
        # alone mean the dates.
        if preset == "custom" or (not preset and (first or last)):
            last = last or self.today
            first = first or last - timedelta(days=29)
            if first > last:
                self.add_error("to", "The end date is before the start date.")
            elif (last - first).days + 1 > MAX_DAYS:
                self.add_error("from", f"Choose at most {MAX_DAYS} days.")
            data["period"] = Period(first, last, "custom")
        else:
            data["period"] = preset_period(preset or DEFAULT_PRESET, self.today)
        return data

    def result(self) -> tuple[Period, Filters]:
        """The period and filters asked for; defaults for anything invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or preset_period(DEFAULT_PRESET, self.today)
        filters = Filters(team=data.get("team"), service=data.get("service"),
                          kind=data.get("kind") or None, priority=data.get("priority"))
        return period, filters


def parse(query, today: date | None = None) -> tuple[ReportForm, Period, Filters]:
    """Read a report's period and filters from a GET query (QueryDict or dict)."""
    wanted = {k: query.get(k) for k in ("preset", "from", "to", "team", "service", "kind",
                                        "priority") if query.get(k) not in (None, "")}
    form = ReportForm(wanted, today=today)
    period, filters = form.result()
    if form.is_valid():
        # Show what is in force: the preset's own dates, and the filters as read.
        form = ReportForm(initial={
            "preset": period.preset, "from": period.first_day, "to": period.last_day,
            "team": filters.team, "service": filters.service, "kind": filters.kind or "",
            "priority": filters.priority or ""}, today=today)
    return form, period, filters
