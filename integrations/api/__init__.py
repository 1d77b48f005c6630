"""The integrations API: webhook endpoints for admins (webhooks.py)."""


def register(router) -> None:
    from integrations.api import webhooks

    webhooks.register(router)
