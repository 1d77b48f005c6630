"""The problems app: root causes, known errors, and proposals from recurring incidents."""

from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = "Problem management"

    def ready(self):
        from tickets.web.desk.panels import register_bulk_action, register_panel

        # The incident's problems, the known-error banner and "Create problem from
        # incident" on the desk ticket page (tickets never imports problems).
        register_panel("problems/_desk_ticket_panel.html")
        register_bulk_action("problems/_queue_bulk_link.html")
