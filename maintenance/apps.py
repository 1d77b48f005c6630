"""The maintenance app: plans, occurrences, windows, patches; hooks into the desk at start."""

from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "maintenance"
    verbose_name = "Maintenance"

    def ready(self):
        from tickets.web.desk.panels import register_panel

        # A work item's checklist panel on the desk ticket page, above the SLA panel.
        register_panel("maintenance/_desk_ticket_panel.html")
