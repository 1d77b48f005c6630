"""Serializers of /api/v1/tickets: outputs for reading (outputs.py), strict inputs for the
services (inputs.py). Class names are the OpenAPI component names: do not rename them."""

from .inputs import (
    AttachmentUploadSerializer,
    CommentCreateSerializer,
    IdOf,
    RateSerializer,
    StrictSerializer,
    TicketCreateSerializer,
    TicketUpdateSerializer,
    TransitionSerializer,
)
from .outputs import (
    AttachmentBriefSerializer,
    AttachmentSerializer,
    CategorySerializer,
    CommentSerializer,
    ConflictSerializer,
    EventSerializer,
    FieldsBuiltOnce,
    NamedRefSerializer,
    ServiceSerializer,
    TeamSerializer,
    TicketDetailSerializer,
    TicketLinksSerializer,
    TicketSerializer,
    UserRefSerializer,
)

__all__ = [
    "AttachmentBriefSerializer",
    "AttachmentSerializer",
    "AttachmentUploadSerializer",
    "CategorySerializer",
    "CommentCreateSerializer",
    "CommentSerializer",
    "ConflictSerializer",
    "EventSerializer",
    "FieldsBuiltOnce",
    "IdOf",
    "NamedRefSerializer",
    "RateSerializer",
    "ServiceSerializer",
    "StrictSerializer",
    "TeamSerializer",
    "TicketCreateSerializer",
    "TicketDetailSerializer",
    "TicketLinksSerializer",
    "TicketSerializer",
    "TicketUpdateSerializer",
    "TransitionSerializer",
    "UserRefSerializer",
]
