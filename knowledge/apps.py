"""The knowledge app: articles, versions, search and suggestions, feedback; hooks into the desk."""

from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "Knowledge base"

    def ready(self):
        from tickets.web.desk.panels import register_panel
        from tickets.web.portal.extras import register_form_part

        # Linked and suggested articles and "Create article" on the desk ticket page, and
        # suggestions on the portal's new-ticket form (tickets never imports knowledge).
        register_panel("knowledge/_desk_ticket_panel.html")
        register_form_part("knowledge/portal/_suggest_box.html")
