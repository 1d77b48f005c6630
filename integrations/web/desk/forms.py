"""The webhook form: events as tick boxes with what each means, and the filters. A plain
Form (not a ModelForm) so a refused save leaves the stored endpoint untouched."""

from django import forms

from itsm.events import EVENTS
from itsm.models import Service, Team
from tickets.models import Kind, Priority


class EndpointForm(forms.Form):
    name = forms.CharField(max_length=80)
    url = forms.CharField(max_length=500, label="URL",
                          help_text="http:// or https://; Tend posts signed JSON here.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    events = forms.MultipleChoiceField(
        choices=[(name, f"{name} — {text}") for name, text in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple)
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: every team.")
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: every service.")
    kinds = forms.MultipleChoiceField(choices=Kind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="None ticked: every kind.")
    priorities = forms.TypedMultipleChoiceField(choices=Priority.choices, coerce=int,
                                                required=False,
                                                widget=forms.CheckboxSelectMultiple,
                                                help_text="None ticked: every priority.")
    enabled = forms.BooleanField(required=False, initial=True)

    @classmethod
    def initial_for(cls, endpoint) -> dict:
        return {"name": endpoint.name, "url": endpoint.url,
                "description": endpoint.description, "events": endpoint.events,
                "teams": list(endpoint.teams.all()), "services": list(endpoint.services.all()),
                "kinds": endpoint.kinds, "priorities": endpoint.priorities,
                "enabled": endpoint.enabled}
