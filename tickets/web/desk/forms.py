"""Forms of the DSE desk. They only clean input; every write goes through tickets.services."""

from django import forms
from django.core.exceptions import ValidationError

from itsm.models import Asset, Service, Team, User
from itsm.web.forms import MultipleFileField, agents
from tickets import rules
from tickets.models import Category, Kind, Level, Priority, Source, Status, Ticket
from tickets.web.fields import TitleField

MAX_BULK = 200
AGENT_CHOICE_ERROR = "Choose a support engineer from the list."


class AgentChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": AGENT_CHOICE_ERROR}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "Unassigned")
        super().__init__(queryset=agents(), **kwargs)


def _level_field(label: str, *, required=True) -> forms.TypedChoiceField:
    choices = Level.choices if required else [("", "—"), *Level.choices]
    return forms.TypedChoiceField(label=label, choices=choices, coerce=int, required=required)


class CommentForm(forms.Form):
    """A public reply or an internal note; the submit button pressed says which."""

    body = forms.CharField(label="Message", required=False,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="Markdown. Public replies are e-mailed to the requester.")
    files = MultipleFileField(label="Attach files")
    internal = forms.TypedChoiceField(choices=[("0", "Public reply"), ("1", "Internal note")],
                                      coerce=lambda value: value == "1", initial="0",
                                      required=False, empty_value=False)
    set_status = forms.ChoiceField(label="and set status to", required=False)

    # What a reply can usefully move the ticket to in the same step.
    FOLLOW_UPS = (Status.WAITING, Status.ON_HOLD, Status.RESOLVED)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        reachable = set(rules.allowed_transitions(ticket.status, as_requester=False))
        if ticket.status == Status.NEW:
            # A public reply starts work on a new ticket first (see services.comment_add).
            reachable |= rules.allowed_transitions(Status.IN_PROGRESS, as_requester=False)
        self.fields["set_status"].choices = [("", "(keep status)")] + [
            (s.value, s.label) for s in self.FOLLOW_UPS if s in reachable]

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("files"):
            raise ValidationError({"body": "Write a message or attach a file."})
        return data


class TriageForm(forms.Form):
    """Triage fields of one ticket, with the version the editor saw (for stale edits)."""

    title = TitleField()
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False,
                                  empty_label="No team")
    assignee = AgentChoiceField()
    # Inactive entries stay choosable here, so a ticket that has one can still be saved.
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False,
                                      empty_label="No category")
    service = forms.ModelChoiceField(queryset=Service.objects.all(), required=False,
                                     empty_label="No service")
    asset = forms.ModelChoiceField(queryset=Asset.objects.only("name"), required=False,
                                   empty_label="No asset")
    impact = _level_field("Impact")
    urgency = _level_field("Urgency")
    priority = forms.TypedChoiceField(
        label="Priority override", coerce=int, required=False, empty_value=None,
        choices=[("", "From impact × urgency"), *Priority.choices],
        help_text="Leave on “From impact × urgency” unless you have a reason.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    FIELDS = ("title", "team", "assignee", "category", "service", "asset", "impact", "urgency",
              "priority")

    @classmethod
    def initial_for(cls, ticket: Ticket) -> dict:
        initial = {name: getattr(ticket, name) for name in cls.FIELDS if name != "priority"}
        return {**initial, "priority": None, "version": ticket.version}

    def changes_for(self, ticket: Ticket) -> dict:
        """Only what differs from the ticket now; an empty priority means "keep"."""
        changes = {}
        for name in self.FIELDS:
            value = self.cleaned_data.get(name)
            if name == "priority" and value is None:
                continue
            if value != getattr(ticket, name):
                changes[name] = value
        return changes

    def attempted(self, ticket: Ticket) -> list[tuple[str, str]]:
        """(label, value) the user tried to set that differ from the ticket's current values."""
        shown = []
        for name, value in self.changes_for(ticket).items():
            field = self.fields[name]
            if isinstance(field, forms.TypedChoiceField):
                value = dict(field.choices).get(value, value)
            shown.append((field.label or name.title(), "—" if value is None else str(value)))
        return shown


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label="New status")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label="Note to the requester",
                           help_text="Optional; sent to the requester as a public reply.")

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = rules.allowed_transitions(ticket.status, as_requester=False)
        self.fields["to"].choices = [(s.value, s.label) for s in Status if s in allowed]
        self.fields["to"].error_messages["invalid_choice"] = (
            f"{ticket.ref} is {ticket.get_status_display().lower()} and cannot move to that "
            "status.")


class TimeForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60,
                                 widget=forms.NumberInput(attrs={"placeholder": "min"}))
    note = forms.CharField(max_length=255, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "What was done"}))


class BulkForm(forms.Form):
    """One change for the ticked rows of a queue."""

    ACTIONS = [("assign_me", "Assign to me"), ("assign", "Assign to"), ("team", "Move to team"),
               ("unassign", "Unassign"), ("status", "Set status")]

    action = forms.ChoiceField(choices=ACTIONS)
    ticket = forms.TypedMultipleChoiceField(coerce=int, required=False)
    assignee = AgentChoiceField(empty_label="Choose an engineer")
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False,
                                  empty_label="Choose a team")
    status = forms.ChoiceField(choices=[("", "Choose a status"), *Status.choices],
                               required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any whole number is accepted here; visibility is decided by the selector.
        ids = self.data.getlist("ticket") if hasattr(self.data, "getlist") else []
        self.fields["ticket"].choices = [(i, i) for i in ids if str(i).isdigit()]

    def clean_ticket(self):
        ids = self.cleaned_data["ticket"]
        if not ids:
            raise ValidationError("Tick at least one ticket first.")
        if len(ids) > MAX_BULK:
            raise ValidationError(f"At most {MAX_BULK} tickets at once.")
        return ids

    def clean(self):
        data = super().clean()
        needs = {"assign": "assignee", "team": "team", "status": "status"}
        field = needs.get(data.get("action"))
        if field and not data.get(field) and field not in self.errors:
            self.add_error(field, "Choose a value for this action.")
        return data


class NewTicketForm(forms.Form):
    """A DSE files a ticket for a caller (phone, walk-in or e-mail)."""

    requester = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), empty_label="Choose the caller",
        help_text="The person the ticket is for; they get the e-mails.")
    source = forms.ChoiceField(choices=[(Source.PHONE.value, Source.PHONE.label),
                                        (Source.EMAIL.value, Source.EMAIL.label)],
                               label="Received by")
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in Kind], initial=Kind.INCIDENT)
    title = TitleField()
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text="Markdown.")
    category = forms.ModelChoiceField(queryset=Category.objects.filter(is_active=True),
                                      required=False, empty_label="No category")
    service = forms.ModelChoiceField(queryset=Service.objects.filter(is_active=True),
                                     required=False, empty_label="No service")
    asset = forms.ModelChoiceField(queryset=Asset.objects.filter(is_active=True).only("name"),
                                   required=False, empty_label="No asset")
    impact = _level_field("Impact")
    urgency = _level_field("Urgency")
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False,
                                  empty_label="From the category or service",
                                  help_text="Left empty, the category's or service's team, "
                                            "else the triage team.")
    assignee = AgentChoiceField()
    files = MultipleFileField(label="Attach files")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("impact", Level.LOW)
        kwargs["initial"].setdefault("urgency", Level.LOW)
        super().__init__(*args, **kwargs)
