"""Inbound models, one module per aggregate."""

from inbound.models.mailbox import AuthMethod, Mailbox
from inbound.models.message import InboundMessage, Outcome, State

__all__ = ["AuthMethod", "InboundMessage", "Mailbox", "Outcome", "State"]
