"""Serializers for /api/v1/problems/: what a problem shows, and the strict inputs of its
writes (which go through problems.services)."""

from collections.abc import Mapping

from django.urls import NoReverseMatch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from itsm.api.fields import StrictCharField
from itsm.filters import MAX_ID
from itsm.models import Asset, Service, Team, User
from maintenance.models import MaintenancePlan
from problems.models import CauseCategory, Problem, Stage
from tickets.api.serializers.inputs import StrictSerializer
from tickets.models import Ticket
from tickets.selectors import REF_RE, parse_ref

TEXT_MAX = 50_000
REF_SCHEMA = {"oneOf": [
    {"type": "string", "pattern": REF_RE.pattern.replace(r"\s*", ""), "maxLength": 20},
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
], "description": 'A work item: its reference ("INC-12") or its id.'}


@extend_schema_field(REF_SCHEMA)
class TicketRefField(serializers.Field):
    """A work item by reference ("INC-12") or id; one that does not exist is a 400."""

    default_error_messages = {"unknown": "There is no work item “{value}”.",
                              "invalid": 'Send a reference such as "INC-12" or an id.'}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int)):
            self.fail("invalid")
        if isinstance(data, int):
            found = Ticket.objects.filter(pk=data).first() if 1 <= data <= MAX_ID else None
        else:
            parsed = parse_ref(data)
            if parsed is None:
                self.fail("invalid")
            found = Ticket.objects.filter(kind=parsed[0], number=parsed[1]).first()
        if found is None:
            self.fail("unknown", value=data)
        return found

    def to_representation(self, value):
        return value.ref


class RefList(serializers.ListField):
    """A JSON list of work items (refs or ids)."""

    child = TicketRefField()

    def to_internal_value(self, data):
        if isinstance(data, (str, Mapping)):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


def _ids(queryset):
    return serializers.ListField(child=serializers.PrimaryKeyRelatedField(queryset=queryset),
                                 required=False, max_length=100)


def _fk(queryset):
    return serializers.PrimaryKeyRelatedField(queryset=queryset, required=False,
                                              allow_null=True)


def _text():
    return StrictCharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class ProblemSerializer(serializers.ModelSerializer):
    ref = serializers.CharField(source="ticket.ref", read_only=True)
    title = serializers.CharField(source="ticket.title", read_only=True)
    status = serializers.CharField(source="ticket.status", read_only=True,
                                   help_text="The problem ticket's status (follows the stage).")
    team = serializers.IntegerField(source="ticket.team_id", read_only=True, allow_null=True)
    assignee = serializers.IntegerField(source="ticket.assignee_id", read_only=True,
                                        allow_null=True)
    fix_ticket = serializers.SerializerMethodField()
    incidents = serializers.SerializerMethodField(help_text="Refs of the linked incidents.")
    timeline_url = serializers.SerializerMethodField(
        help_text="The problem's page on the desk, at its root-cause timeline.")
    cause_category = serializers.ChoiceField(choices=CauseCategory.choices, allow_blank=True,
                                             read_only=True, help_text="Empty until known.")

    class Meta:
        model = Problem
        fields = ["id", "ref", "title", "stage", "status", "statement", "symptoms",
                  "root_cause", "cause_category", "workaround", "workaround_version",
                  "permanent_fix", "services", "assets", "team", "assignee", "fix_plan",
                  "fix_ticket", "article", "duplicate_of", "risk_review_on", "incidents",
                  "reanalysis_count", "root_cause_at", "known_error_at", "quiet_until",
                  "created_at", "updated_at", "timeline_url"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_fix_ticket(self, problem) -> str | None:
        return problem.fix_ticket.ref if problem.fix_ticket_id else None

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_incidents(self, problem) -> list[str]:
        links = sorted(problem.incident_links.all(), key=lambda link: link.incident_id)
        return [link.incident.ref for link in links]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_timeline_url(self, problem) -> str | None:
        try:
            path = problem.get_absolute_url() + "#timeline"
        except NoReverseMatch:  # the desk pages are not installed
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ProblemInput(StrictSerializer):
    # Refuses keys it does not accept, as the ticket inputs do (a typo is a 400 naming it).
    read_only_names = frozenset({"id", "ref", "stage", "ticket", "incidents", "created_at"})


class ProblemFieldsSerializer(ProblemInput):
    """What a problem knows; every field optional (PATCH, and the fields of a move)."""

    title = StrictCharField(required=False, max_length=200)
    statement = _text()
    symptoms = _text()
    root_cause = _text()
    cause_category = serializers.ChoiceField(choices=CauseCategory.choices, allow_blank=True,
                                             required=False)
    workaround = _text()
    permanent_fix = _text()
    services = _ids(Service.objects.filter(is_active=True))
    assets = _ids(Asset.objects.all())
    team = _fk(Team.objects.all())
    assignee = _fk(User.objects.filter(is_active=True))
    fix_plan = _fk(MaintenancePlan.objects.all())
    fix_ticket = TicketRefField(required=False, allow_null=True)
    risk_review_on = serializers.DateField(required=False, allow_null=True)

    def validate_title(self, value):
        if not value.strip():
            raise serializers.ValidationError("A title is required.")
        return value


class ProblemCreateSerializer(ProblemInput):
    title = StrictCharField(max_length=200)
    statement = _text()
    team = _fk(Team.objects.all())
    service = _fk(Service.objects.filter(is_active=True))
    asset = _fk(Asset.objects.all())
    incidents = RefList(required=False, max_length=200)


class ProblemTransitionSerializer(ProblemFieldsSerializer):
    to = serializers.ChoiceField(choices=Stage.choices, help_text="The stage to move to.")
    duplicate_of = _fk(Problem.objects.all())


class ProblemLinkSerializer(ProblemInput):
    incidents = RefList(min_length=1, max_length=200)


class ProblemUnlinkSerializer(ProblemInput):
    incident = TicketRefField()


class LinkResultSerializer(serializers.Serializer):
    linked = serializers.IntegerField(help_text="How many were newly linked.")
    problem = ProblemSerializer()
