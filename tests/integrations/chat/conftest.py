"""Chat fixtures: a real local Slack/Teams receiver, Slack's Web API pointed at it, and
channels of the Service Desk team made through the service as an admin would."""

import pytest

from integrations.models import ChatChannel
from integrations.services.chat.channels import chat_channel_save
from itsm.events import EVENTS
from tests.integrations.chat.receiver import ChatReceiver


@pytest.fixture
def chat(settings):
    server = ChatReceiver().start()
    settings.TEND_SLACK_API_URL = server.api
    settings.TEND_BASE_URL = "https://tend.example.com"
    yield server
    server.stop()


@pytest.fixture
def make_channel(db, ada, team, chat):
    def make(provider="slack", *, api=False, **changes):
        fields = {"team": team, "provider": provider, "name": f"#{provider}",
                  "events": list(EVENTS), "priorities": []}
        if api:
            fields.update(bot_token="xoxb-test-token", slack_channel="C0123ABCD")
        else:
            fields["webhook_url"] = chat.slack_hook if provider == "slack" else chat.teams_flow
        fields.update(changes)
        return chat_channel_save(channel=ChatChannel(), actor=ada, **fields)

    return make
