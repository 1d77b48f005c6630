"""Slack Block Kit messages: a header (ticket ref and title), what happened, the fields
(priority, status, team, service) and an "Open in Tend" button to the desk.

User text goes into mrkdwn escaped (&, <, >), so a ticket titled "<!channel>" cannot ping
a whole channel or forge a link; the header is plain_text, which Slack does not parse.
Limits are Slack's: header text 150 characters, section fields 10 of 2,000 each.
"""

from integrations.chat.summary import CLOSING, Summary

HEADER_MAX = 150
FIELD_MAX = 2000
TEXT_MAX = 3000


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message(summary: Summary) -> dict:
    """The chat.postMessage / incoming webhook body (without channel and thread_ts)."""
    lines = [f"*{escape(summary.headline)}*"]
    if summary.detail:
        lines.append(escape(summary.detail))
    section = {"type": "section",
               "text": {"type": "mrkdwn", "text": _cut("\n".join(lines), TEXT_MAX)}}
    if summary.facts:
        section["fields"] = [
            {"type": "mrkdwn", "text": _cut(f"*{escape(label)}*\n{escape(value)}", FIELD_MAX)}
            for label, value in summary.facts[:10]]
    blocks = [{"type": "header",
               "text": {"type": "plain_text", "text": _cut(summary.heading, HEADER_MAX),
                        "emoji": False}},
              section,
              {"type": "actions", "elements": [{
                  "type": "button", "action_id": "open_in_tend", "url": summary.url,
                  "text": {"type": "plain_text", "text": "Open in Tend"}}]}]
    return {"text": _cut(summary.fallback, TEXT_MAX), "blocks": blocks,
            "unfurl_links": False, "unfurl_media": False}


def with_thread(body: dict, *, channel: str, thread_ts: str | None, event: str) -> dict:
    """The Web API body: the channel, and the thread to reply in once the ticket has one
    (a closing event is also shown in the channel, so the resolution is not missed)."""
    body = {**body, "channel": channel}
    if thread_ts:
        body["thread_ts"] = thread_ts
        if event in CLOSING:
            body["reply_broadcast"] = True
    return body
