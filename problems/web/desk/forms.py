"""Forms of the problem pages: what the problem knows, a stage move, incident refs."""

from django import forms

from itsm.models import Asset, Service, Team
from itsm.web.forms import agents
from problems.models import CauseCategory, Problem
from tickets.models import Kind, Ticket
from tickets.selectors import parse_ref

MARKDOWN = "Markdown."


class ProblemForm(forms.Form):
    title = forms.CharField(max_length=200)
    statement = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=MARKDOWN)
    symptoms = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=MARKDOWN)
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=MARKDOWN)
    cause_category = forms.ChoiceField(required=False,
                                       choices=[("", "—"), *CauseCategory.choices])
    workaround = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="Markdown. A change is posted on open linked "
                                           "incidents.")
    permanent_fix = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=MARKDOWN)
    services = forms.ModelMultipleChoiceField(queryset=Service.objects.order_by("name"),
                                              required=False)
    assets = forms.ModelMultipleChoiceField(queryset=Asset.objects.order_by("name"),
                                            required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False)
    assignee = forms.ModelChoiceField(queryset=agents().order_by("username"), required=False,
                                      empty_label="Unassigned")
    risk_review_on = forms.DateField(required=False, widget=forms.DateInput(
        attrs={"type": "date"}), help_text="Needed to accept the risk.")
    duplicate_of = forms.ModelChoiceField(
        queryset=Problem.objects.select_related("ticket").order_by("-pk"), required=False,
        empty_label="—", help_text="Needed to mark it a duplicate.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm"
                                          if css == "form-control" else f"{css} form-select-sm")

    @staticmethod
    def initial_for(problem: Problem) -> dict:
        return {"title": problem.ticket.title, "team": problem.ticket.team_id,
                "assignee": problem.ticket.assignee_id,
                "services": [s.pk for s in problem.services.all()],
                "assets": [a.pk for a in problem.assets.all()],
                "risk_review_on": problem.risk_review_on,
                "duplicate_of": problem.duplicate_of_id,
                **{name: getattr(problem, name) for name in (
                    "statement", "symptoms", "root_cause", "cause_category", "workaround",
                    "permanent_fix")}}

    def changes(self) -> dict:
        """The service's keyword arguments."""
        data = dict(self.cleaned_data)
        data["cause_category"] = data.get("cause_category") or ""
        return data


class WhyForm(forms.Form):
    """One more "why?" of the five whys, and its answer (problems.services.analysis)."""

    why = forms.CharField(max_length=2000, label="Why?", widget=forms.TextInput(attrs={
        "class": "form-control form-control-sm",
        "placeholder": "Why did the mail relay stop accepting connections?"}))
    answer = forms.CharField(max_length=2000, label="Because", widget=forms.Textarea(attrs={
        "class": "form-control form-control-sm", "rows": 2}))


def parse_incident_refs(text: str, *, user) -> tuple[list[Ticket], list[str]]:
    """Incidents named in "INC-12, INC-15" that `user` sees, and the errors for the rest."""
    from tickets.selectors import visible_tickets

    found, errors = [], []
    for ref in [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]:
        parsed = parse_ref(ref)
        if parsed is None:
            errors.append(f"“{ref}” is not a ticket reference like INC-12.")
            continue
        kind, number = parsed
        if kind != Kind.INCIDENT:
            errors.append(f"{ref.upper()} is not an incident.")
            continue
        ticket = visible_tickets(user).filter(kind=kind, number=number).first()
        if ticket is None:
            errors.append(f"No incident {ref.upper()}.")
        elif ticket not in found:
            found.append(ticket)
    return found, errors


class LinkForm(forms.Form):
    refs = forms.CharField(max_length=2000, label="Incidents",
                           help_text="References, e.g. INC-12, INC-15.",
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                                         "placeholder": "INC-12, INC-15"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_refs(self):
        incidents, errors = parse_incident_refs(self.cleaned_data["refs"], user=self.user)
        if errors:
            raise forms.ValidationError(errors)
        if not incidents:
            raise forms.ValidationError("Name at least one incident.")
        return incidents
