"""The inbound API: mailboxes for admins (mailboxes.py) and the webhook endpoint that
takes raw RFC 822 messages from mail services (email.py)."""


def register(router) -> None:
    from inbound.api import mailboxes

    mailboxes.register(router)


def urls() -> list:
    from django.urls import path

    from inbound.api.email import InboundEmailView

    return [path("inbound/email/", InboundEmailView.as_view(), name="inbound-email")]
