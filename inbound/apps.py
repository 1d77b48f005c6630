"""The inbound app: tickets and replies by e-mail, threaded right, never lost, never looping."""

from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "inbound"
    verbose_name = "E-mail in"

    def ready(self) -> None:
        from inbound import selectors
        from tickets.services.mail import define_reply_address
        from tickets.web.desk.panels import register_panel

        define_reply_address(selectors.reply_address_for)
        register_panel("inbound/_desk_ticket_panel.html")
