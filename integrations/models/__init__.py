"""Integrations models, one module per aggregate."""

from integrations.models.chat import (
    ChatChannel,
    ChatMessage,
    ChatThread,
    MessageStatus,
    OutsideHours,
    Provider,
)
from integrations.models.webhook import Attempt, Delivery, DeliveryStatus, Endpoint

__all__ = ["Attempt", "Delivery", "DeliveryStatus", "Endpoint"]
__all__ += ["ChatChannel", "ChatMessage", "ChatThread", "MessageStatus", "OutsideHours",
            "Provider"]
