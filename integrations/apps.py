"""The integrations app: signed webhooks and chat messages, fed by itsm.events."""

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from integrations.services import outbox
        from itsm import events

        # The transactional outbox: a delivery row per matching endpoint, written inside
        # the publisher's transaction and sent after commit.
        events.subscribe(outbox.event_received, interested=outbox.interested)
        # Chat: the same outbox pattern for Slack and Teams channels; its Celery tasks
        # are registered by importing them.
        from integrations.chat import tasks as chat_tasks  # noqa: F401
        from integrations.services.chat import outbox as chat_outbox

        events.subscribe(chat_outbox.event_received, interested=chat_outbox.interested)
