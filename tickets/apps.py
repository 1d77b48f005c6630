"""The tickets app: every work item, its conversation, timeline, SLA clocks and surfaces."""

from django.apps import AppConfig

from itsm import roles


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self):
        # The core's capabilities are granted by permissions this app owns (migration 0003).
        roles.define_capability(roles.AGENT, "tickets.work_ticket")
        roles.define_capability(roles.STAFF, "tickets.view_all_tickets")
        roles.define_capability(roles.REPORTS, "tickets.view_reports")
        from tickets import signals

        signals.connect()
