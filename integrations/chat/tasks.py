"""Thin Celery tasks for chat: send one message by id, or sweep; safe to run twice.

They live beside the chat code and are registered from IntegrationsConfig.ready(), so
integrations/tasks.py stays the webhooks' own."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def send_message(message_id: int) -> dict:
    """After commit: send this message now. Run twice, or after the sweep took it, it
    claims nothing (the lease or the message's new state stops it)."""
    from integrations.services.chat.sending import chat_messages_dispatch

    return chat_messages_dispatch(ids=[message_id])


@shared_task(acks_late=True, expires=10, ignore_result=True)
def sweep() -> dict:
    """Beat, every 10 s: due messages no live lease holds (retries, those held for
    business hours, those whose task the broker lost, those a killed worker left)."""
    from integrations.services.chat.sending import chat_messages_dispatch

    return chat_messages_dispatch()
