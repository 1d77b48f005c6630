"""Desk forms: plans with a friendly recurrence, checklist steps, windows, skip/move, patches."""

import re
import secrets
from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from itsm.models import Asset, Service
from itsm.web.forms import agents
from maintenance import recurrence
from maintenance.models import MaintenancePlan, MaintenanceWindow
from maintenance.models.patch import PatchState
from maintenance.recurrence import Friendly, Repeat, RuleError, Schedule
from maintenance.web.desk.widgets import TickList

MONTH_DAYS = [(str(d), str(d)) for d in range(1, 32)] + [("-1", "Last day of the month")]
NTH = [("1", "First"), ("2", "Second"), ("3", "Third"), ("4", "Fourth"), ("-1", "Last")]
WEEKDAYS = list(zip(recurrence.WEEKDAY_CODES, recurrence.WEEKDAY_NAMES, strict=True))
STEP_KEY_RE = re.compile(r"^step-([a-z0-9]{1,12})-text$")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(recurrence.time_zones())]


class RecurrenceForm(forms.Form):
    repeat = forms.ChoiceField(choices=Repeat.choices, initial=Repeat.WEEKLY)
    interval = forms.IntegerField(min_value=1, max_value=99, initial=1, label="Every",
                                  help_text="1 = every day, week, month or year; 2 = every "
                                            "other one…")
    weekdays = forms.MultipleChoiceField(choices=WEEKDAYS, required=False, label="On",
                                         widget=forms.CheckboxSelectMultiple)
    month_day = forms.TypedChoiceField(choices=MONTH_DAYS, coerce=int, required=False,
                                       empty_value=None, label="Day of the month",
                                       help_text="Months without that day are skipped "
                                                 "(RFC 5545); “last day” never skips.")
    nth = forms.TypedChoiceField(choices=NTH, coerce=int, required=False, empty_value=None,
                                 label="Which")
    weekday = forms.ChoiceField(choices=WEEKDAYS, required=False, label="Weekday")
    custom_rule = forms.CharField(
        required=False, max_length=500, label="Custom RRULE",
        help_text="RFC 5545, e.g. FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 (second Tuesday).")
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}),
                                label="Starting on")
    at_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                              label="At (local time)")
    time_zone = forms.ChoiceField(choices=time_zone_choices, label="Time zone")

    schedule: Schedule | None = None

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in ("repeat", "interval", "starts_on", "at_time",
                                                 "time_zone")):
            return data
        friendly = Friendly(repeat=data["repeat"], interval=data.get("interval") or 1,
                            weekdays=data.get("weekdays") or [],
                            month_day=data.get("month_day"), nth=data.get("nth"),
                            weekday=data.get("weekday") or None,
                            custom=data.get("custom_rule") or "")
        if friendly.repeat == Repeat.CUSTOM and not friendly.custom.strip():
            self.add_error("custom_rule", "Write the rule, e.g. FREQ=WEEKLY;BYDAY=MO.")
            return data
        rule = recurrence.build(friendly, data["starts_on"])
        schedule = Schedule(rule, data["starts_on"], data["at_time"], data["time_zone"])
        try:
            schedule.validate()
        except RuleError as exc:
            self.add_error("custom_rule" if friendly.repeat == Repeat.CUSTOM else None, str(exc))
            return data
        data["rrule"] = rule
        self.schedule = schedule
        return data

    @staticmethod
    def initial_for(plan: MaintenancePlan) -> dict:
        f = recurrence.understand(plan.rrule, plan.starts_on)
        return {"repeat": f.repeat, "interval": f.interval, "weekdays": f.weekdays,
                "month_day": f.month_day, "nth": f.nth, "weekday": f.weekday,
                "custom_rule": f.custom or plan.rrule, "starts_on": plan.starts_on,
                "at_time": plan.at_time, "time_zone": plan.time_zone}


class PlanForm(forms.ModelForm):
    duration_minutes = forms.IntegerField(min_value=1, max_value=14 * 24 * 60, initial=60,
                                          label="Expected duration (minutes)")
    lead_days = forms.IntegerField(min_value=0, max_value=366, initial=7,
                                   label="Create the work item (days ahead)",
                                   help_text="0 creates it when it is due.")

    class Meta:
        model = MaintenancePlan
        fields = ["title", "kind", "instructions", "services", "assets", "team", "assignee",
                  "priority", "is_active", "creates_window"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 5}),
                   "services": TickList(noun="services"), "assets": TickList(noun="assets")}
        labels = {"assignee": "Default assignee", "is_active": "Active (uncheck to pause)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()
        self.fields["services"].queryset = Service.objects.filter(is_active=True)
        self.fields["assets"].queryset = Asset.objects.filter(is_active=True).only("pk", "name")
        if self.instance.pk:
            self.initial["duration_minutes"] = int(
                self.instance.expected_duration.total_seconds() // 60)
            self.initial["lead_days"] = self.instance.lead_time.days

    def apply(self, plan: MaintenancePlan, recurrence_data: dict) -> MaintenancePlan:
        """Copy the cleaned fields onto `plan` (not saved: the service saves)."""
        for name in ("title", "kind", "instructions", "team", "assignee", "priority",
                     "is_active", "creates_window"):
            setattr(plan, name, self.cleaned_data[name])
        plan.expected_duration = timedelta(minutes=self.cleaned_data["duration_minutes"])
        plan.lead_time = timedelta(days=self.cleaned_data["lead_days"])
        plan.rrule = recurrence_data["rrule"]
        for name in ("starts_on", "at_time", "time_zone"):
            setattr(plan, name, recurrence_data[name])
        return plan


def new_step_key() -> str:
    return secrets.token_hex(4)


def steps_from_post(data) -> list[dict]:
    """Checklist rows from the form, in page order; rows left empty are dropped."""
    rows = []
    for name in data:
        match = STEP_KEY_RE.match(name)
        if not match:
            continue
        key = match[1]
        text = (data.get(name) or "").strip()
        if text:
            rows.append({"key": key, "text": text,
                         "requires_note": data.get(f"step-{key}-note") == "on",
                         "requires_result": data.get(f"step-{key}-result") == "on"})
    return rows


def steps_for_plan(plan: MaintenancePlan | None) -> list[dict]:
    steps = list(plan.steps.all()) if plan and plan.pk else []
    rows = [{"key": new_step_key(), "text": s.text, "requires_note": s.requires_note,
             "requires_result": s.requires_result} for s in steps]
    return rows or [{"key": new_step_key(), "text": "", "requires_note": False,
                     "requires_result": False}]


class OccurrenceForm(forms.Form):
    """Which occurrence (its rule moment, UTC ISO) and why; `to` for a move."""

    scheduled_for = forms.DateTimeField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=2000, widget=forms.TextInput(
        attrs={"placeholder": "Why, for the record"}))
    to = forms.CharField(required=False, widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}), label="New date and time")

    def moved_to(self, tz) -> datetime | None:
        value = (self.cleaned_data.get("to") or "").strip()
        try:
            naive = datetime.strptime(value, LOCAL_INPUT)  # noqa: DTZ007 - plan-local input
        except ValueError:
            self.add_error("to", "Give a date and time like 2026-03-20 14:00.")
            return None
        return recurrence.to_utc(naive, tz)


class WindowForm(forms.ModelForm):
    starts_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format=LOCAL_INPUT))
    ends_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format=LOCAL_INPUT))

    class Meta:
        model = MaintenanceWindow
        fields = ["reason", "details", "starts_at", "ends_at", "services", "assets"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3}),
                   "services": TickList(noun="services"), "assets": TickList(noun="assets")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["starts_at"].help_text = f"Time zone: {zone}"
        self.fields["ends_at"].help_text = f"Time zone: {zone}"
        self.fields["services"].queryset = Service.objects.filter(is_active=True)
        self.fields["assets"].queryset = Asset.objects.filter(is_active=True).only("pk", "name")
        self.fields["services"].required = False
        self.fields["assets"].required = False

    def clean(self):
        # The same rules as services.window_save, here so they show with the other errors.
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end must be after the start.")
        if not data.get("services") and not data.get("assets"):
            self.add_error("services", "Choose the services or assets it affects.")
        return data


class PatchStateForm(forms.Form):
    state = forms.ChoiceField(choices=PatchState.choices)
    reason = forms.CharField(required=False, max_length=2000)
    deferred_until = forms.DateField(required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))


class StepForm(forms.Form):
    done = forms.BooleanField(required=False)
    result = forms.ChoiceField(choices=[("", "—"), ("pass", "Pass"), ("fail", "Fail")],
                               required=False)
    note = forms.CharField(required=False, max_length=5000)
