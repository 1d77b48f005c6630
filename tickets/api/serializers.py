"""Serializers of /api/v1/tickets: outputs for reading, strict inputs for the services.

Inputs are plain serializers, not ModelSerializers: they only check shapes and ids, and
hand the values to tickets.services, which owns the rules. An input refuses every key it
does not accept (a typo or a field the caller's role may not set is a 400 naming it,
never silently ignored).
"""

import copy
from collections.abc import Mapping

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from itsm.markdown import render_markdown
from itsm.models import Asset, Service, Team, User
from tickets import uploads
from tickets.models import (
    Attachment,
    Category,
    Comment,
    Kind,
    Level,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)

TEXT_MAX = 50_000  # a ticket description or reply; far beyond any real one
END_USER_KINDS = (Kind.INCIDENT, Kind.REQUEST)
AGENTS_ONLY = "Only support engineers can set this field."
READ_ONLY = "This field is read-only."
# Form posts from the browsable API carry the token in the body.
IGNORED_KEYS = frozenset({"csrfmiddlewaretoken"})


def _is_agent(serializer) -> bool:
    user = getattr(serializer.context.get("request"), "user", None)
    return bool(getattr(user, "is_agent", False))


# Outputs ---------------------------------------------------------------------------


class FieldsBuiltOnce:
    """For outputs whose fields never depend on the request. DRF builds a model
    serializer's fields from the model's metadata for every instance (a fifth of an API
    create); here each class builds them once and hands out copies."""

    def get_fields(self):
        template = type(self).__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            type(self)._fields_template = template
        return copy.deepcopy(template)


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TicketLinksSerializer(serializers.Serializer):
    api = serializers.URLField(read_only=True)
    web = serializers.URLField(read_only=True, help_text="The desk page for support staff, "
                               "the portal page for everyone else.")


_when = serializers.DateTimeField(read_only=True).to_representation


def _user_ref(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": str(user)}


def _named_ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


class TicketSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A ticket in a list: no description (lists leave it on disk)."""

    ref = serializers.CharField(read_only=True, help_text="Kind prefix and number, e.g. INC-12.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    requester = UserRefSerializer(read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    team = NamedRefSerializer(read_only=True, allow_null=True)
    category = NamedRefSerializer(read_only=True, allow_null=True)
    service = NamedRefSerializer(read_only=True, allow_null=True)
    asset = NamedRefSerializer(read_only=True, allow_null=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "ref", "number", "kind", "kind_label", "title", "status", "status_label",
            "impact", "urgency", "priority", "priority_label", "requester", "team", "assignee",
            "category", "service", "asset", "created_at", "updated_at", "first_response_at",
            "resolved_at", "closed_at", "version", "links",
        ]
        read_only_fields = fields

    def to_representation(self, ticket: Ticket) -> dict:
        """What the declared fields give (tests compare the two), built directly: DRF
        copies every field of a serializer for each response, a quarter of an API create.
        """
        return {
            "ref": ticket.ref, "number": ticket.number, "kind": ticket.kind,
            "kind_label": ticket.get_kind_display(), "title": ticket.title,
            "status": ticket.status, "status_label": ticket.get_status_display(),
            "impact": ticket.impact, "urgency": ticket.urgency, "priority": ticket.priority,
            "priority_label": ticket.get_priority_display(),
            "requester": _user_ref(ticket.requester), "team": _named_ref(ticket.team),
            "assignee": _user_ref(ticket.assignee), "category": _named_ref(ticket.category),
            "service": _named_ref(ticket.service), "asset": _named_ref(ticket.asset),
            "created_at": _when(ticket.created_at), "updated_at": _when(ticket.updated_at),
            "first_response_at": _when(ticket.first_response_at),
            "resolved_at": _when(ticket.resolved_at), "closed_at": _when(ticket.closed_at),
            "version": ticket.version, "links": self.get_links(ticket),
        }

    def fields_representation(self, ticket: Ticket) -> dict:
        """The generic, field-by-field output (for the test that keeps both equal)."""
        return super().to_representation(ticket)

    @extend_schema_field(TicketLinksSerializer)
    def get_links(self, ticket: Ticket) -> dict[str, str]:
        request = self.context["request"]
        web = ticket.get_desk_url() if request.user.sees_all_tickets else ticket.get_absolute_url()
        return {
            "api": request.build_absolute_uri(reverse("api-ticket-detail", args=[ticket.ref])),
            "web": request.build_absolute_uri(web),
        }


class TicketDetailSerializer(TicketSerializer):
    """One ticket: adds the description (raw Markdown and sanitized HTML) and the rating."""

    description_html = serializers.SerializerMethodField(
        help_text="The description rendered from Markdown and sanitized; safe to insert.")

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields, "description", "description_html", "source",
            "reopen_count", "rating", "rating_comment", "rated_at",
        ]
        read_only_fields = fields

    def to_representation(self, ticket: Ticket) -> dict:
        return {
            **super().to_representation(ticket),
            "description": ticket.description,
            "description_html": self.get_description_html(ticket), "source": ticket.source,
            "reopen_count": ticket.reopen_count, "rating": ticket.rating,
            "rating_comment": ticket.rating_comment, "rated_at": _when(ticket.rated_at),
        }

    def get_description_html(self, ticket: Ticket) -> str:
        return str(render_markdown(ticket.description))


class AttachmentBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="Download with the same credentials; refused unless you may see the file.")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return self.context["request"].build_absolute_uri(attachment.get_absolute_url())


class AttachmentSerializer(AttachmentBriefSerializer):
    uploaded_by = UserRefSerializer(read_only=True)
    comment = serializers.IntegerField(source="comment_id", read_only=True, allow_null=True,
                                       help_text="The comment the file came with, if any.")

    class Meta(AttachmentBriefSerializer.Meta):
        fields = [*AttachmentBriefSerializer.Meta.fields, "uploaded_by", "comment"]
        read_only_fields = fields


class CommentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True)
    body_html = serializers.SerializerMethodField(
        help_text="The body rendered from Markdown and sanitized; safe to insert.")
    internal = serializers.BooleanField(source="is_internal", read_only=True)
    attachments = AttachmentBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "body_html", "internal", "created_at", "attachments"]
        read_only_fields = fields

    def get_body_html(self, comment: Comment) -> str:
        return str(render_markdown(comment.body))


class EventSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True,
                              help_text="Empty when Tend itself acted.")
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    internal = serializers.BooleanField(source="is_internal", read_only=True)

    class Meta:
        model = TicketEvent
        fields = ["id", "at", "actor", "action", "action_label", "field", "old_value",
                  "new_value", "message", "version", "internal"]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer):
    """The body of a 409: what others changed since the version the client sent."""

    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The ticket's current version.")
    changes = EventSerializer(many=True)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "description"]
        read_only_fields = fields


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "description"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    members = UserRefSerializer(many=True, read_only=True,
                                help_text="Who a ticket of this team can be assigned to.")

    class Meta:
        model = Team
        fields = ["id", "name", "members"]
        read_only_fields = fields


# Inputs ----------------------------------------------------------------------------


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

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX,
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

    title = serializers.CharField(max_length=200, required=False)
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
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                                 help_text="Posted as a public reply. Required when a requester "
                                           "reopens.")
    version = serializers.IntegerField(min_value=1, required=False)


class CommentCreateSerializer(StrictSerializer):
    """A reply or internal note; JSON, or multipart/form-data with `files`."""

    body = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                                 help_text="Markdown. May be empty when files are attached.")
    internal = serializers.BooleanField(default=False,
                                        help_text="An internal note (support engineers only).")
    files = _files_field(required=False, help_text="multipart/form-data only.")

    def validate_internal(self, internal):
        if internal and not _is_agent(self):
            raise serializers.ValidationError("Only support engineers can write internal notes.")
        return internal


class AttachmentUploadSerializer(CommentCreateSerializer):
    """Files, with an optional message: they are posted as one comment."""

    files = _files_field(allow_empty=False, help_text="One or more files (repeat the field).")


class RateSerializer(StrictSerializer):
    """How the requester rates the help: 1 to 5 stars."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
