"""The chat rows of tests/test_role_matrix.py, and the objects its URLs need.

Chat channels are for admins: none of the matrix's personas reaches them (managers and
DSEs get 403 like end users; the POSTs are refused before anything is read)."""


def chat_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    nobody = who(LOGIN, 403, 403, 403, 403)
    post_only = who(LOGIN, 405, 405, 405, 405)
    return {
        "integrations:chat_channels": Rule(get=nobody),
        "integrations:chat_channel_new": Rule(get=nobody, post=nobody),
        "integrations:chat_channel": Rule(get=nobody, post=nobody),
        "integrations:chat_channel_test": Rule(get=post_only, post=nobody),
        "integrations:chat_channel_delete": Rule(get=post_only, post=nobody),
    }


def chat_world(*, team) -> dict[str, int]:
    """pk of a Slack channel of `team` (with one message, so its page lists something)."""
    from integrations.chat.summary import summarize
    from integrations.models import ChatChannel
    from integrations.services.chat.channels import chat_channel_save
    from integrations.services.chat.outbox import chat_message_create

    channel = chat_channel_save(
        channel=ChatChannel(), actor=None, team=team, provider="slack", name="#desk",
        webhook_url="http://127.0.0.1:9/services/T0/B0/x",  # discard: fails fast
        events=["incident.opened"], priorities=[1])
    chat_message_create(channel=channel, summary=summarize("chat.test", {}), quiet_hours=False)
    return {f"integrations:{name}": channel.pk
            for name in ("chat_channel", "chat_channel_test", "chat_channel_delete")}
