"""The desk's chat pages: admins list, add, edit, test and delete channels; secrets are
write-only; every change is audited; everyone else gets 403."""

import pytest

from integrations.models import ChatChannel, ChatMessage, MessageStatus
from itsm.models import AuditEntry

pytestmark = pytest.mark.django_db


def form_data(team, **changes):
    data = {"team": team.pk, "provider": "slack", "name": "#desk-alerts",
            "webhook_url": "", "bot_token": "", "slack_channel": "",
            "events": ["incident.opened", "ticket.created"], "priorities": ["1", "2"],
            "calendar": "", "outside_hours": "hold", "enabled": "on"}
    data.update(changes)
    return data


def test_an_admin_adds_a_channel_and_its_url_is_never_shown_again(client_for, ada, team,
                                                                  chat):
    client = client_for(ada)
    response = client.post("/desk/chat/new/", form_data(team, webhook_url=chat.slack_hook))
    channel = ChatChannel.objects.get()
    assert response.status_code == 302 and response.url == f"/desk/chat/{channel.pk}/"
    assert (channel.webhook_url, channel.events, channel.priorities) == (
        chat.slack_hook, ["incident.opened", "ticket.created"], [1, 2])
    page = client.get(f"/desk/chat/{channel.pk}/").content.decode()
    assert chat.slack_hook not in page and "(stored)" in page
    entry = AuditEntry.objects.get(action="chat_changed")
    assert entry.actor == ada and entry.target == f"chat_channel:{channel.pk}"
    assert entry.detail["op"] == "created" and chat.slack_hook not in str(entry.detail)


def test_a_blank_secret_keeps_the_stored_one_and_the_change_is_audited(
        client_for, ada, team, chat, make_channel):
    channel = make_channel(api=True)
    client = client_for(ada)
    response = client.post(f"/desk/chat/{channel.pk}/", form_data(
        team, name="#renamed", slack_channel="C0123ABCD", priorities=[]))
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.bot_token, channel.priorities) == (
        "#renamed", "xoxb-test-token", [])
    entry = AuditEntry.objects.filter(action="chat_changed").latest("pk")
    assert entry.detail["fields"] == ["name", "events"]  # secrets kept: not changed


def test_bad_input_is_a_form_error_not_a_500(client_for, ada, team, settings):
    client = client_for(ada)
    response = client.post("/desk/chat/new/", form_data(team, events=[]))
    assert response.status_code == 200 and "events" in response.context["form"].errors
    response = client.post("/desk/chat/new/", form_data(team, provider="teams",
                                                        bot_token="xoxb-1"))
    errors = response.context["form"].errors
    assert "A bot token is for Slack" in str(errors["bot_token"])
    assert "webhook URL" in str(errors["webhook_url"])
    response = client.post("/desk/chat/new/", form_data(team, bot_token="xoxb-1"))
    assert "channel ID" in str(response.context["form"].errors["slack_channel"])
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    response = client.post("/desk/chat/new/", form_data(
        team, webhook_url="http://169.254.169.254/latest"))
    assert "Tend may not send to this address" in str(response.context["form"].errors)
    response = client.post("/desk/chat/new/", form_data(team, webhook_url="ftp://x.example"))
    assert "Only http://" in str(response.context["form"].errors)
    assert not ChatChannel.objects.exists()


def test_send_test_message_reaches_the_channel_and_shows_its_outcome(
        client_for, ada, chat, make_channel, django_capture_on_commit_callbacks):
    channel = make_channel("teams", enabled=False)
    client = client_for(ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/desk/chat/{channel.pk}/test/")
    assert response.status_code == 302
    (request,) = chat.to("/teams/flow")
    assert "Test message" in request.text
    row = ChatMessage.objects.get()
    assert (row.event, row.status) == ("chat.test", MessageStatus.SENT)
    page = client.get(f"/desk/chat/{channel.pk}/").content.decode()
    assert "chat.test" in page and "HTTP 202" in page


def test_the_channel_list_shows_health_in_a_fixed_number_of_queries(
        client_for, ada, team, make_channel, django_assert_max_num_queries):
    for n in range(6):
        make_channel(name=f"#c{n}")
    ChatChannel.objects.filter(name="#c0").update(last_error="HTTP 404: no_service",
                                                  last_error_at="2026-01-01T00:00Z")
    client = client_for(ada)
    with django_assert_max_num_queries(10):
        page = client.get("/desk/chat/").content.decode()
    assert page.count("data-channel=") == 6 and "HTTP 404: no_service" in page
    assert "Failing" in page


def test_deleting_a_channel_is_audited(client_for, ada, make_channel):
    channel = make_channel()
    response = client_for(ada).post(f"/desk/chat/{channel.pk}/delete/")
    assert response.status_code == 302 and not ChatChannel.objects.exists()
    assert AuditEntry.objects.filter(action="chat_changed", detail__op="deleted").exists()


def test_disabling_a_channel_drops_what_it_had_queued(client_for, ada, team, alice,
                                                       make_channel):
    from tests.factories import make_ticket

    channel = make_channel()
    make_ticket(alice, team=team, priority=1)
    client_for(ada).post(f"/desk/chat/{channel.pk}/", form_data(
        team, events=channel.events, priorities=[], enabled=""))
    assert ChatMessage.objects.get().status == MessageStatus.DROPPED


@pytest.mark.parametrize("who", ["alice", "dee", "manny"])
def test_chat_pages_are_for_admins_only(client_for, request, who, make_channel):
    channel = make_channel()
    client = client_for(request.getfixturevalue(who))
    for url in ("/desk/chat/", "/desk/chat/new/", f"/desk/chat/{channel.pk}/"):
        assert client.get(url).status_code == 403
    for url in (f"/desk/chat/{channel.pk}/test/", f"/desk/chat/{channel.pk}/delete/"):
        assert client.post(url).status_code == 403
    assert ChatChannel.objects.exists() and not ChatMessage.objects.exists()
