"""Strict input serializers of /api/v1/tickets: shapes and ids for tickets.services.

Inputs are plain serializers, not ModelSerializers: they only check shapes and ids, and
hand the values to tickets.services, which owns the rules. An input refuses every key it
does not accept (a typo or a field the caller's role may not set is a 400 naming it,
never silently ignored).
"""

from collections.abc import Mapping

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from itsm.api.fields import StrictBooleanField, StrictCharField
from itsm.models import Asset, Service, Team, User
from tickets import uploads
from tickets.api.serializers.outputs import TicketDetailSerializer
from tickets.models import (
    Category,
    Kind,
    Level,
    Priority,
    Status,
)
from tickets.rules import title_normalise

TEXT_MAX = 50_000  # a ticket description or reply; far beyond any real one
END_USER_KINDS = (Kind.INCIDENT, Kind.REQUEST)
AGENTS_ONLY = "Only support engineers can set this field."
READ_ONLY = "This field is read-only."
# Form posts from the browsable API carry the token in the body.
IGNORED_KEYS = frozenset({"csrfmiddlewaretoken"})


class TitleField(StrictCharField):
    """A ticket title: one line (tickets.rules.title_normalise), before validation."""

    def to_internal_value(self, data):
        return super().to_internal_value(title_normalise(data) if isinstance(data, str)
                                         else data)


def _is_agent(serializer) -> bool:
    user = getattr(serializer.context.get("request"), "user", None)
    return bool(getattr(user, "is_agent", False))


class StrictSerializer(serializers.Serializer):
    # Refuses keys it does not accept, saying why when we know it. (A comment, not a
    # docstring: the schema would show it as every input's description.)

    refused: Mapping[str, str] = {}
    read_only_names: frozenset[str] = frozenset(TicketDetailSerializer.Meta.fields)

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            for key in data:
                if key in IGNORED_KEYS or (key in self.fields and not self.fields[key].read_only):
                    continue
                if key in self.refused:
                    errors[key] = [self.refused[key]]
                elif key in self.read_only_names:
                    errors[key] = [READ_ONLY]
                else:
                    errors[key] = ["Unknown field."]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError({**errors, **exc.detail}) from exc
        if errors:
            raise serializers.ValidationError(errors)
        return value


class StrictSerializerSchema(OpenApiSerializerExtension):
    """The schema says what StrictSerializer does: a key it does not list is refused."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema


def _files_field(**kwargs):
    # Checked again (types, size, count) by the service; this only documents the shape.
    return serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        max_length=uploads.MAX_FILES, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdOf(serializers.PrimaryKeyRelatedField):
    """The id of a row of `rows()`, a function returning the queryset to look in.

    DRF copies a serializer's fields for every request; a field holding a queryset copies
    its whole query each time (a fifth of validating a new ticket), a function is shared.
    """

    def __init__(self, rows, **kwargs):
        self.rows = rows
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.rows()


def _ids(queryset, **kwargs):
    return IdOf(queryset.all, required=False, **kwargs)


def _level(**kwargs):
    return serializers.ChoiceField(choices=Level.choices, **kwargs)


class TicketCreateSerializer(StrictSerializer):
    """A new ticket. A field your role may not set is refused (400), not ignored."""

    title = TitleField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                                  help_text="Markdown.")
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.INCIDENT,
                                   help_text="End users: incident or request only.")
    impact = _level(default=Level.LOW)
    urgency = _level(default=Level.LOW)
    category = _ids(Category.objects.filter(is_active=True), allow_null=True)
    service = _ids(Service.objects.filter(is_active=True), allow_null=True)
    asset = _ids(Asset.objects.filter(is_active=True), allow_null=True)
    files = _files_field(required=False, help_text="multipart/form-data only.")
    requester = _ids(User.objects.filter(is_active=True),
                     help_text="Support engineers only: file on someone's behalf "
                               "(default: yourself).")
    team = _ids(Team.objects.all(), allow_null=True, help_text="Support engineers only.")
    assignee = _ids(User.objects.filter(is_active=True), allow_null=True,
                    help_text="Support engineers only.")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False,
                                       help_text="Support engineers only; default from "
                                                 "impact × urgency.")

    agent_fields = ("requester", "team", "assignee", "priority")
    refused = {"status": "A new ticket is always new; use the transition endpoint later."}

    def get_fields(self):
        fields = super().get_fields()
        # The schema generator asks anonymously: it documents every field.
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and user.is_authenticated and not _is_agent(self):
            for name in self.agent_fields:
                fields.pop(name)
        return fields

    def to_internal_value(self, data):
        if not _is_agent(self):
            self.refused = {**self.refused, **dict.fromkeys(self.agent_fields, AGENTS_ONLY)}
        return super().to_internal_value(data)

    def validate_kind(self, kind):
        if kind not in END_USER_KINDS and not _is_agent(self):
            raise serializers.ValidationError("Choose incident or request.")
        return kind


class TicketUpdateSerializer(StrictSerializer):
    """Triage fields to change; send only those that change."""

    title = TitleField(max_length=200, required=False)
    team = _ids(Team.objects.all(), allow_null=True)
    assignee = _ids(User.objects.filter(is_active=True), allow_null=True)
    category = _ids(Category.objects.filter(is_active=True), allow_null=True)
    service = _ids(Service.objects.filter(is_active=True), allow_null=True)
    asset = _ids(Asset.objects.filter(is_active=True), allow_null=True)
    impact = _level(required=False)
    urgency = _level(required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False,
                                       help_text="Default: recomputed when impact or urgency "
                                                 "change.")
    version = serializers.IntegerField(
        min_value=1, required=False,
        help_text="The version you last read; if the ticket changed since, 409 and nothing "
                  "is saved.")

    refused = {
        "status": "Use the transition endpoint (POST …/transition/) to change the status.",
        "description": "The description cannot be changed; add a comment instead.",
        "kind": "The kind of a ticket cannot be changed.",
        "requester": "The requester of a ticket cannot be changed.",
    }


class TransitionSerializer(StrictSerializer):
    """The status to move to, with an optional note posted as a reply."""

    status = serializers.ChoiceField(choices=Status.choices)
    note = StrictCharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                           help_text="Posted as a public reply. Required when a requester "
                                     "reopens.")
    version = serializers.IntegerField(min_value=1, required=False)


class CommentCreateSerializer(StrictSerializer):
    """A reply or internal note; JSON, or multipart/form-data with `files`."""

    body = StrictCharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                           help_text="Markdown. May be empty when files are attached.")
    internal = StrictBooleanField(default=False,
                                  help_text="An internal note (support engineers only).")
    files = _files_field(required=False, help_text="multipart/form-data only.")

    def validate_internal(self, internal):
        if internal and not _is_agent(self):
            raise serializers.ValidationError("Only support engineers can write internal notes.")
        return internal


class AttachmentUploadSerializer(CommentCreateSerializer):
    """Files, with an optional message: they are posted as one comment."""

    files = _files_field(allow_empty=False, min_length=1,
                         help_text="One or more files (repeat the field).")


class RateSerializer(StrictSerializer):
    """How the requester rates the help: 1 to 5 stars."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = StrictCharField(required=False, allow_blank=True, max_length=2000)
