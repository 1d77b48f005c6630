"""Read serializers of /api/v1/tickets: tickets, comments, attachments, timeline, lookups.

They only shape what a caller may already see; which rows those are is decided by
tickets.selectors before they get here.
"""

import copy

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from itsm.markdown import render_markdown
from itsm.models import Service, Team
from tickets.models import (
    Attachment,
    Category,
    Comment,
    Ticket,
    TicketEvent,
)
from tickets.web import sla as web_sla


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


class SlaClockSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(allow_null=True, help_text="When the target is due.")
    warn_at = serializers.DateTimeField(allow_null=True, help_text="When it becomes at risk.")
    target_seconds = serializers.IntegerField(allow_null=True,
                                              help_text="The target in business seconds.")
    warned_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True)
    breached = serializers.BooleanField(allow_null=True, help_text="Once the clock stopped: "
                                        "false = met, true = breached; null while running.")


class SlaClockDetailSerializer(SlaClockSerializer):
    used_seconds = serializers.IntegerField(help_text="Business seconds used, up to now.")
    percent = serializers.IntegerField(help_text="Used / target, capped at 100.")
    outcome = serializers.CharField(help_text="met, breached, stopped, paused, at risk or "
                                              "running (as on the desk's SLA panel).")


class TicketSlaSerializer(serializers.Serializer):
    policy = serializers.IntegerField(allow_null=True, help_text="The SLA policy's id.")
    state = serializers.CharField(help_text="The next target as the desk's badge shows it: "
                                            "ok, warning, breached, paused or none.")
    paused = serializers.BooleanField(help_text="The clocks are stopped (e.g. waiting).")
    breached = serializers.BooleanField(help_text="Any target breached.")
    response = SlaClockSerializer()
    resolution = SlaClockSerializer()


class TicketSlaDetailSerializer(TicketSlaSerializer):
    response = SlaClockDetailSerializer()
    resolution = SlaClockDetailSerializer()


def _seconds(delta) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def _sla(ticket: Ticket, now, *, live: bool) -> dict:
    """The SLA as the desk shows it (tickets/web/sla.py), from the ticket's own columns;
    `live` adds time used up to now (it reads the policy's calendar)."""
    clocks = {}
    for clock in ("response", "resolution"):
        clocks[clock] = {
            "due_at": _when(getattr(ticket, f"{clock}_due_at")),
            "warn_at": _when(getattr(ticket, f"{clock}_warn_at")),
            "target_seconds": _seconds(getattr(ticket, f"{clock}_target")),
            "warned_at": _when(getattr(ticket, f"{clock}_warned_at")),
            "breached_at": _when(getattr(ticket, f"{clock}_breached_at")),
            "breached": getattr(ticket, f"{clock}_breached"),
        }
    if live and ticket.sla_policy_id is not None:
        for clock, row in zip(("response", "resolution"), web_sla.clock_rows(ticket, now),
                              strict=True):
            clocks[clock].update(used_seconds=_seconds(row.used), percent=row.percent,
                                 outcome=row.outcome)
    elif live:
        for clock in clocks.values():
            clock.update(used_seconds=0, percent=0, outcome="none")
    state = web_sla.badge(ticket, now).state
    return {"policy": ticket.sla_policy_id, "state": state, "paused": state == "paused",
            "breached": ticket.sla_breached, **clocks}


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
    sla = serializers.SerializerMethodField(help_text="SLA deadlines and state, as the desk "
                                                      "shows them.")

    class Meta:
        model = Ticket
        fields = [
            "ref", "number", "kind", "kind_label", "title", "status", "status_label",
            "impact", "urgency", "priority", "priority_label", "requester", "team", "assignee",
            "category", "service", "asset", "created_at", "updated_at", "first_response_at",
            "resolved_at", "closed_at", "version", "sla", "links",
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
            "version": ticket.version, "sla": self.get_sla(ticket),
            "links": self.get_links(ticket),
        }

    def fields_representation(self, ticket: Ticket) -> dict:
        """The generic, field-by-field output (for the test that keeps both equal)."""
        return super().to_representation(ticket)

    @extend_schema_field(TicketSlaSerializer)
    def get_sla(self, ticket: Ticket) -> dict:
        return _sla(ticket, self._now(), live=False)

    def _now(self):
        if "now" not in self.context:
            self.context["now"] = timezone.now()  # one moment for a whole page
        return self.context["now"]

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

    @extend_schema_field(TicketSlaDetailSerializer)
    def get_sla(self, ticket: Ticket) -> dict:
        return _sla(ticket, self._now(), live=True)

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
