"""The message builders: Slack Block Kit that Slack's own SDK models accept, and an
Adaptive Card 1.4 in the envelope a Teams Workflows webhook takes, from a ticket payload."""

import json

import jsonschema
import pytest
from slack_sdk.models.blocks import Block

from integrations.chat import slack, teams
from integrations.chat.summary import summarize

TICKET = {"id": 7, "ref": "INC-42", "kind": "incident", "title": "Mail is down for everyone",
          "status": "in_progress", "priority": 1, "team": "Service Desk", "service": "Email",
          "assignee": "dee", "url": "https://tend.example.com/desk/tickets/INC-42/"}


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.TEND_BASE_URL = "https://tend.example.com"


def valid_block_kit(body: dict) -> list:
    """Each block through slack_sdk's models, which enforce Slack's documented limits."""
    assert isinstance(body["text"], str) and body["text"]
    assert 1 <= len(body["blocks"]) <= 50
    blocks = [Block.parse(block) for block in body["blocks"]]
    for block, raw in zip(blocks, body["blocks"], strict=True):
        assert block is not None, f"not a Block Kit block: {raw}"
        block.validate_json()
        assert block.to_dict()["type"] == raw["type"]
    return blocks


def test_a_slack_message_has_a_header_fields_and_a_button_to_the_desk():
    body = slack.message(summarize("incident.opened", {"ticket": TICKET, "check": {
        "name": "SMTP", "target": "smtp.example.com:25", "message": "connection refused"}}))
    valid_block_kit(body)
    header, section, actions = body["blocks"]
    assert header == {"type": "header", "text": {
        "type": "plain_text", "text": "INC-42 · Mail is down for everyone", "emoji": False}}
    assert section["text"]["text"] == ("*Incident opened by a failing check*\n"
                                       "SMTP (smtp.example.com:25): connection refused")
    assert [field["text"] for field in section["fields"]] == [
        "*Priority*\nP1 Critical", "*Status*\nIn progress", "*Team*\nService Desk",
        "*Service*\nEmail", "*Assignee*\ndee"]
    button = actions["elements"][0]
    assert button["text"]["text"] == "Open in Tend"
    assert button["url"] == "https://tend.example.com/desk/tickets/INC-42/"
    assert body["text"] == "[P1] INC-42 · Mail is down for everyone: Incident opened by a " \
                           "failing check"


def test_user_text_cannot_ping_a_channel_or_forge_a_link_and_long_titles_fit():
    title = "<!channel> see <https://evil.example|the fix> & " + "x" * 300
    body = slack.message(summarize("ticket.created", {"ticket": {**TICKET, "title": title,
                                                                 "team": "<!here>"}}))
    valid_block_kit(body)
    text = json.dumps(body["blocks"][1])
    assert "<!" not in text and "&lt;!here&gt;" in text
    header = body["blocks"][0]["text"]["text"]
    assert len(header) == slack.HEADER_MAX and header.endswith("…")
    assert header.startswith("INC-42 · <!channel>")  # plain_text: shown, never parsed


def test_a_comment_says_who_and_which_kind_never_what():
    summary = summarize("ticket.commented", {"ticket": TICKET, "comment": {
        "id": 3, "internal": True, "author": "dee"}})
    assert summary.detail == "Internal note by dee"
    assert summarize("sla.breached", {"ticket": TICKET, "sla": {
        "target": "resolution", "label": "Resolution breached"}}).detail == "Resolution breached"
    assert summarize("ticket.updated", {"ticket": TICKET, "changed": ["status", "assignee"]}
                     ).detail == "Changed: status, assignee"


def test_a_thread_reply_names_the_channel_and_a_resolution_is_broadcast():
    body = slack.message(summarize("ticket.resolved", {"ticket": TICKET}))
    root = slack.with_thread(body, channel="C1", thread_ts=None, event="ticket.created")
    assert root["channel"] == "C1" and "thread_ts" not in root
    reply = slack.with_thread(body, channel="C1", thread_ts="17.1", event="ticket.resolved")
    assert reply["thread_ts"] == "17.1" and reply["reply_broadcast"] is True
    comment = slack.with_thread(body, channel="C1", thread_ts="17.1", event="ticket.commented")
    assert "reply_broadcast" not in comment


# The parts of the Adaptive Card schema (adaptivecards.io, 1.4) the cards use, strictly:
# an unknown element type or a misspelt property fails.
TEXT_BLOCK = {"type": "object", "required": ["type", "text"], "additionalProperties": False,
              "properties": {"type": {"const": "TextBlock"}, "text": {"type": "string"},
                             "wrap": {"type": "boolean"}, "isSubtle": {"type": "boolean"},
                             "weight": {"enum": ["Default", "Lighter", "Bolder"]},
                             "size": {"enum": ["Default", "Small", "Medium", "Large",
                                               "ExtraLarge"]},
                             "color": {"enum": ["Default", "Dark", "Light", "Accent", "Good",
                                                "Warning", "Attention"]},
                             "spacing": {"enum": ["None", "Small", "Default", "Medium",
                                                  "Large", "ExtraLarge", "Padding"]}}}
FACT_SET = {"type": "object", "required": ["type", "facts"], "additionalProperties": False,
            "properties": {"type": {"const": "FactSet"}, "facts": {"type": "array", "items": {
                "type": "object", "required": ["title", "value"], "additionalProperties": False,
                "properties": {"title": {"type": "string"}, "value": {"type": "string"}}}}}}
OPEN_URL = {"type": "object", "required": ["type", "url"], "additionalProperties": False,
            "properties": {"type": {"const": "Action.OpenUrl"}, "title": {"type": "string"},
                           "url": {"type": "string", "pattern": "^https?://"}}}
ENVELOPE = {
    "type": "object", "required": ["type", "attachments"], "additionalProperties": False,
    "properties": {
        "type": {"const": "message"},
        "attachments": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["contentType", "content"],
            "properties": {
                "contentType": {"const": "application/vnd.microsoft.card.adaptive"},
                "contentUrl": {"type": "null"},
                "content": {
                    "type": "object", "required": ["type", "version", "body"],
                    "additionalProperties": False,
                    "properties": {
                        "$schema": {"const": "http://adaptivecards.io/schemas/adaptive-card.json"},
                        "type": {"const": "AdaptiveCard"},
                        "version": {"enum": ["1.4", "1.5"]},
                        "body": {"type": "array", "minItems": 1,
                                 "items": {"oneOf": [TEXT_BLOCK, FACT_SET]}},
                        "actions": {"type": "array", "items": OPEN_URL},
                        "msteams": {"type": "object"}}}}}}}}


def test_a_teams_message_is_an_adaptive_card_in_the_workflows_envelope():
    body = teams.message(summarize("sla.warning", {"ticket": TICKET, "sla": {
        "label": "Resolution at risk"}}))
    jsonschema.validate(body, ENVELOPE)
    card = body["attachments"][0]["content"]
    assert card["version"] == "1.4"
    assert card["body"][0]["text"] == "INC-42 · Mail is down for everyone"
    assert card["body"][1] == {"type": "TextBlock", "text": "SLA at risk", "wrap": True,
                               "spacing": "None", "color": "Attention"}
    assert card["body"][-1]["facts"][0] == {"title": "Priority", "value": "P1 Critical"}
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open in Tend",
                                "url": "https://tend.example.com/desk/tickets/INC-42/"}]


def test_the_schema_refuses_what_teams_would_not_show():
    body = teams.message(summarize("ticket.created", {"ticket": TICKET}))
    body["attachments"][0]["content"]["body"].append({"type": "Marquee", "text": "x"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body, ENVELOPE)


def test_a_link_not_from_this_tend_is_replaced_by_the_desk_url():
    summary = summarize("ticket.created", {"ticket": {**TICKET, "url": "https://evil.example/"}})
    assert summary.url == "https://tend.example.com/desk/tickets/INC-42/"
