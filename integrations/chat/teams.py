"""Microsoft Teams messages for Workflows webhooks ("Post to a channel when a webhook
request is received"): an Adaptive Card 1.4 inside the message envelope the workflow
expects. The retired Office 365 connectors' MessageCard format is not used.
"""

from integrations.chat.summary import Summary

CARD_VERSION = "1.4"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


def card(summary: Summary) -> dict:
    body = [{"type": "TextBlock", "text": summary.heading, "weight": "Bolder",
             "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": summary.headline, "wrap": True, "spacing": "None",
             "color": "Attention" if summary.priority == 1 else "Default"}]
    if summary.detail:
        body.append({"type": "TextBlock", "text": summary.detail, "wrap": True,
                     "isSubtle": True})
    if summary.facts:
        body.append({"type": "FactSet",
                     "facts": [{"title": label, "value": value}
                               for label, value in summary.facts]})
    return {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": CARD_VERSION, "body": body,
            "actions": [{"type": "Action.OpenUrl", "title": "Open in Tend",
                         "url": summary.url}],
            "msteams": {"width": "Full"}}


def message(summary: Summary) -> dict:
    return {"type": "message",
            "attachments": [{"contentType": CARD_TYPE, "contentUrl": None,
                             "content": card(summary)}]}
