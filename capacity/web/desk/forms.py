"""Forms of the agent set-up page; the services check again and have the last word."""

from django import forms

from capacity.services.targets import MAX_TIMEOUT, MIN_INTERVAL


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label="Token name",
                           help_text="Where it is used, e.g. the host's agent.")


class TargetForm(forms.Form):
    url = forms.CharField(max_length=500, label="Metrics URL",
                          help_text="Prometheus text format, e.g. http://host:9100/metrics.")
    interval = forms.IntegerField(min_value=MIN_INTERVAL, initial=60,
                                  label="Interval (seconds)")
    timeout = forms.IntegerField(min_value=1, max_value=MAX_TIMEOUT, initial=10,
                                 label="Timeout (seconds)")
