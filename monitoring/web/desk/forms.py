"""The check form. Validation lives in the service (validation.py); the form shows it."""

from django import forms

from itsm.filters import SearchField
from itsm.models import Asset, Service, Team
from monitoring.models import Check, Kind, State
from monitoring.services import CONFIG_FIELDS

SCHEDULED = ("http", "tcp", "dns", "tls")
# Which kinds each field matters for; monitoring.js hides it for the others.
FIELD_KINDS = {
    "target": SCHEDULED, "interval": SCHEDULED, "timeout": SCHEDULED,
    "failure_threshold": SCHEDULED, "recovery_threshold": SCHEDULED,
    "http_method": ("http",), "expected_status": ("http",), "keyword": ("http",),
    "keyword_mode": ("http",), "degraded_ms": ("http",), "follow_redirects": ("http",),
    "verify_tls": ("http", "tls"), "dns_expected": ("dns",), "tls_warn_days": ("tls",),
    "period": ("heartbeat",), "grace": ("heartbeat",),
}
SECTIONS = [
    ("What", ["kind", "name", "target"]),
    ("How", ["http_method", "expected_status", "keyword_mode", "keyword", "degraded_ms",
             "verify_tls", "follow_redirects", "dns_expected", "tls_warn_days", "period",
             "grace"]),
    ("When", ["interval", "timeout", "failure_threshold", "recovery_threshold"]),
    ("Incidents", ["service", "asset", "team", "priority", "incident_mode"]),
]


class CheckForm(forms.ModelForm):
    class Meta:
        model = Check
        fields = CONFIG_FIELDS
        widgets = {
            "target": forms.TextInput(attrs={"placeholder": "https://intranet.example.com/health",
                                             "autocomplete": "off", "spellcheck": "false"}),
            "keyword": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        labels = {"kind": "What to check", "http_method": "HTTP method",
                  "interval": "Interval (seconds)", "timeout": "Timeout (seconds)",
                  "period": "Period (seconds)",
                  "grace": "Grace (seconds)", "team": "Team for incidents",
                  "priority": "Incident priority", "incident_mode": "When it recovers"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(is_active=True)
        self.fields["asset"].queryset = Asset.objects.filter(is_active=True).select_related(
            "service")
        self.fields["team"].queryset = Team.objects.all()
        self.fields["target"].required = False
        self.fields["expected_status"].required = False

    def sections(self):
        """[(title, [(bound field, "http tls" or "")])] for the template."""
        return [(title, [(self[name], " ".join(FIELD_KINDS.get(name, ()))) for name in names])
                for title, names in SECTIONS]

    def _post_clean(self):
        # Model validation is the service's job (it needs the whole check); skip it here.
        pass


class FilterForm(forms.Form):
    q = SearchField(max_length=100)
    state = forms.MultipleChoiceField(required=False, choices=State.choices)
    kind = forms.MultipleChoiceField(required=False, choices=Kind.choices)
    team = forms.ModelChoiceField(required=False, queryset=Team.objects.all())
    service = forms.ModelChoiceField(required=False, queryset=Service.objects.all())
