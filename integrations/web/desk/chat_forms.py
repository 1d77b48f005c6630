"""The chat channel form: team, provider, where to post (write-only secrets), events and
priorities as tick boxes, quiet hours. A plain Form so a refused save leaves the stored
channel untouched."""

from django import forms

from integrations.models import OutsideHours, Provider
from itsm.events import EVENTS
from itsm.models import BusinessCalendar, Team
from tickets.models import Priority

KEEP_STORED = "Leave blank to keep the stored one."


class ChatChannelForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"))
    provider = forms.ChoiceField(choices=Provider.choices)
    name = forms.CharField(max_length=80, help_text="How the desk names it, e.g. #ops-alerts.")
    webhook_url = forms.CharField(
        max_length=500, required=False, label="Webhook URL",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Slack: an incoming webhook URL. Teams: the URL of a Workflows flow "
                  "“Post to a channel when a webhook request is received”.")
    bot_token = forms.CharField(
        max_length=255, required=False, label="Slack bot token (optional)",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="xoxb-… with chat:write. With it, a ticket's updates go to its thread.")
    clear_bot_token = forms.BooleanField(required=False, label="Remove the bot token")
    slack_channel = forms.CharField(max_length=40, required=False, label="Slack channel ID",
                                    help_text="Needed with a bot token, e.g. C0123ABCD.")
    events = forms.MultipleChoiceField(
        choices=[(name, f"{name} — {text}") for name, text in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple)
    priorities = forms.TypedMultipleChoiceField(
        choices=Priority.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: every priority.")
    calendar = forms.ModelChoiceField(
        queryset=BusinessCalendar.objects.order_by("name"), required=False,
        label="Business calendar", empty_label="The team's SLA calendar",
        help_text="Outside its working time only P1 goes out at once. Empty: the calendar "
                  "of the team's SLA policy, else of each ticket's SLA policy.")
    outside_hours = forms.ChoiceField(choices=OutsideHours.choices,
                                      label="P2–P4 outside working hours")
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, channel=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel is not None:
            for name in ("webhook_url", "bot_token"):
                if getattr(channel, name):
                    self.fields[name].help_text += f" Stored. {KEEP_STORED}"
                    self.fields[name].widget.attrs["placeholder"] = "•••••• (stored)"
        if channel is None or not channel.bot_token:
            del self.fields["clear_bot_token"]

    @staticmethod
    def initial_for(channel) -> dict:
        return {"team": channel.team_id, "provider": channel.provider, "name": channel.name,
                "slack_channel": channel.slack_channel, "events": channel.events,
                "priorities": channel.priorities, "calendar": channel.calendar_id,
                "outside_hours": channel.outside_hours, "enabled": channel.enabled}

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("clear_bot_token", None)
        data["webhook_url"] = data["webhook_url"].strip()
        data["bot_token"] = data["bot_token"].strip()
        data["slack_channel"] = data["slack_channel"].strip()
        return data
