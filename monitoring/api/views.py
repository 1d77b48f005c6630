"""/api/v1/checks/ and /api/v1/availability/.

Reading: support staff and managers. Writing: DSEs and admins, through monitoring.services
(their ValidationError becomes a 400 with field messages via itsm.api.errors).
"""

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.fields import StrictCharField, StrictModelSerializer
from itsm.api.permissions import StaffReadAgentWrite
from itsm.filters import MAX_ID, SEARCH_SCHEMA, IdField, SearchField, parse_moment
from monitoring import conf, selectors, services
from monitoring.models import Check, CheckResult, CheckStateChange, Kind, State
from monitoring.services import CONFIG_FIELDS

RANGE = [
    OpenApiParameter("start", OpenApiTypes.DATETIME, description="From (ISO 8601 date or "
                     "date-time, UTC if no offset). Default: 24 hours (results) or 30 days "
                     "(others) before `end`. Before `end`, and at most ten years before it "
                     "(400 otherwise)."),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description="Until, exclusive. Default: now."),
]
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
STATES_HELP = "One of: " + ", ".join(State.values) + "."
OUTCOMES_HELP = "One of: up, degraded, down."
BAD_REQUEST = OpenApiResponse(description="Field → messages, for every field in error.")


class CheckSerializer(StrictModelSerializer):
    target = StrictCharField(max_length=500, required=False, allow_blank=True,
                             help_text="Write: the full target. Read: without "
                                       "user:password@ unless you may change checks.")
    # Read-only states as plain strings: an enum per field would give the same choice
    # set several names in the schema (and clash with other apps' "state" enums).
    state = serializers.CharField(read_only=True, help_text=STATES_HELP)
    last_outcome = serializers.CharField(read_only=True, help_text=OUTCOMES_HELP)
    open_incident = serializers.SerializerMethodField()
    ping_url = serializers.SerializerMethodField()

    class Meta:
        model = Check
        fields = ["id", *CONFIG_FIELDS, "paused", "state", "state_since", "flapping",
                  "consecutive_failures", "consecutive_successes", "next_run_at",
                  "last_run_at", "last_outcome", "last_latency_ms", "last_status_code",
                  "last_message", "last_ping_at", "tls_not_after", "open_incident",
                  "ping_url", "created_at", "updated_at"]
        read_only_fields = ["paused", "state", "state_since", "flapping",
                            "consecutive_failures", "consecutive_successes", "next_run_at",
                            "last_run_at", "last_outcome", "last_latency_ms",
                            "last_status_code", "last_message", "last_ping_at",
                            "tls_not_after", "created_at", "updated_at"]
        # The bounds every kind shares (monitoring.validation), so the schema says them;
        # the rules that depend on the kind stay with the service (a 400 naming the field).
        extra_kwargs = {
            "interval": {"min_value": conf.MIN_INTERVAL},
            "timeout": {"min_value": 1, "max_value": conf.MAX_TIMEOUT},
            "failure_threshold": {"min_value": 1, "max_value": 100},
            "recovery_threshold": {"min_value": 1, "max_value": 100},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        if not user.is_agent:
            data["target"] = instance.display_target
        return data

    def get_open_incident(self, check) -> str | None:
        link = check.open_incident
        return link.ticket.ref if link else None

    def get_ping_url(self, check) -> str | None:
        """Heartbeats only, for support engineers: the secret URL the job calls."""
        request = self.context["request"]
        if check.kind != Kind.HEARTBEAT or not request.user.is_agent:
            return None
        return request.build_absolute_uri(f"/ping/{check.uuid}")


class ResultSerializer(serializers.ModelSerializer):
    outcome = serializers.CharField(read_only=True, help_text=OUTCOMES_HELP)

    class Meta:
        model = CheckResult
        fields = ["planned_at", "ran_at", "outcome", "latency_ms", "status_code", "message"]


class StateChangeSerializer(serializers.ModelSerializer):
    from_state = serializers.CharField(read_only=True, help_text=STATES_HELP + " Empty when "
                                       "the check was created.")
    to_state = serializers.CharField(read_only=True, help_text=STATES_HELP)

    class Meta:
        model = CheckStateChange
        fields = ["from_state", "to_state", "at", "reason"]


class AvailabilitySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The check's or the service's id.")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    monitored_seconds = serializers.FloatField()
    down_seconds = serializers.FloatField()
    planned_down_seconds = serializers.FloatField(
        help_text="Down time inside maintenance windows.")
    unplanned_down_seconds = serializers.FloatField()
    outages = serializers.IntegerField()
    availability = serializers.FloatField(allow_null=True,
                                          help_text="1 − unplanned down / monitored.")
    availability_including_planned = serializers.FloatField(allow_null=True)


def _moment(value: str, name: str) -> datetime:
    try:
        return parse_moment(value)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({name: error.messages}) from None


class CheckQuery(forms.Form):
    """The list's query parameters, checked like the board's filter form (400, not ignored)."""

    q = SearchField()
    state = forms.ChoiceField(required=False, choices=State.choices)
    kind = forms.ChoiceField(required=False, choices=Kind.choices)
    team = IdField(required=False)
    service = IdField(required=False)


def _check_query(params) -> dict:
    query = CheckQuery(params)
    if not query.is_valid():
        raise exceptions.ValidationError(query.errors)
    return query.cleaned_data


def _ids(request, name: str) -> list[int]:
    field = IdField()
    try:
        return [field.clean(v) for v in request.query_params.getlist(name) if v != ""]
    except DjangoValidationError as error:
        raise exceptions.ValidationError({name: error.messages}) from None


def date_range(request, default: timedelta) -> tuple[datetime, datetime]:
    params = request.query_params
    end = _moment(params["end"], "end") if params.get("end") else timezone.now()
    start = _moment(params["start"], "start") if params.get("start") else end - default
    if start >= end:
        raise exceptions.ValidationError({"start": ["The start must be before the end."]})
    if end - start > timedelta(days=3660):
        raise exceptions.ValidationError({"start": ["Ask for at most ten years at once."]})
    return start, end


@extend_schema(tags=["monitoring"])
@extend_schema_view(
    list=extend_schema(summary="List checks", parameters=[
        OpenApiParameter("state", str, enum=State.values),
        OpenApiParameter("kind", str, enum=Kind.values),
        OpenApiParameter("service", ID),
        OpenApiParameter("team", ID),
        OpenApiParameter("q", SEARCH_SCHEMA, description="Words in the name or target.")]),
    retrieve=extend_schema(summary="One check"),
    create=extend_schema(summary="Create a check (support engineers)",
                         responses={201: CheckSerializer, 400: BAD_REQUEST}),
    partial_update=extend_schema(summary="Change a check (support engineers)",
                                 responses={200: CheckSerializer, 400: BAD_REQUEST}),
    update=extend_schema(summary="Replace a check's settings (support engineers)",
                         responses={200: CheckSerializer, 400: BAD_REQUEST}),
    destroy=extend_schema(summary="Delete a check and its results; its incidents stay"),
)
class CheckViewSet(viewsets.ModelViewSet):
    serializer_class = CheckSerializer
    permission_classes = [StaffReadAgentWrite]
    filterset_fields = []

    def get_queryset(self):
        if self.action != "list":
            return selectors.board_checks()
        chosen = _check_query(self.request.query_params)
        return selectors.board_checks(
            q=chosen["q"], states=[chosen["state"]] if chosen["state"] else (),
            kinds=[chosen["kind"]] if chosen["kind"] else (), team=chosen["team"],
            service=chosen["service"])

    def perform_create(self, serializer):
        serializer.instance = services.check_create(actor=self.request.user,
                                                    **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.check_update(check=serializer.instance,
                                                    actor=self.request.user,
                                                    **serializer.validated_data)

    def perform_destroy(self, instance):
        services.check_delete(check=instance, actor=self.request.user)

    @extend_schema(summary="Pause a check", request=None, responses={200: CheckSerializer})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        check = services.check_pause(check=self.get_object(), actor=request.user)
        return Response(self.get_serializer(check).data)

    @extend_schema(summary="Resume a paused check", request=None,
                   responses={200: CheckSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        check = services.check_resume(check=self.get_object(), actor=request.user)
        return Response(self.get_serializer(check).data)

    @extend_schema(summary="Results in a range (raw results are kept "
                           "TEND_RESULTS_RETENTION_DAYS)",
                   parameters=RANGE, responses={200: ResultSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        check = self.get_object()
        start, end = date_range(request, timedelta(hours=24))
        rows = check.results.filter(planned_at__gte=start, planned_at__lt=end).order_by(
            "-planned_at")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ResultSerializer(page, many=True).data)

    @extend_schema(summary="State changes in a range", parameters=RANGE,
                   responses={200: StateChangeSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="state-changes")
    def state_changes(self, request, pk=None):
        check = self.get_object()
        start, end = date_range(request, timedelta(days=30))
        rows = check.state_changes.filter(at__gte=start, at__lt=end).order_by("at", "id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(StateChangeSerializer(page, many=True).data)

    @extend_schema(summary="Availability in a range, exact from state changes",
                   parameters=RANGE, responses={200: AvailabilitySerializer})
    @action(detail=True, methods=["get"])
    def availability(self, request, pk=None):
        check = self.get_object()
        start, end = date_range(request, timedelta(days=30))
        found = selectors.check_availability([check.pk], start, end)[check.pk]
        return Response({"id": check.pk, **found.as_dict()})


@extend_schema(tags=["monitoring"])
class AvailabilityViewSet(viewsets.ViewSet):
    """Availability of several checks or services at once."""

    permission_classes = [StaffReadAgentWrite]

    @extend_schema(
        summary="Availability of checks or services in a range",
        parameters=[*RANGE,
                    OpenApiParameter("check", {"type": "array", "items": ID},
                                     description="Check ids."),
                    OpenApiParameter("service", {"type": "array", "items": ID},
                                     description="Service ids: a service is down while any "
                                                 "of its checks is down.")],
        description="Send `check` or `service` ids, not both (400 otherwise); at most 500.",
        responses={200: AvailabilitySerializer(many=True), 400: BAD_REQUEST})
    def list(self, request):
        start, end = date_range(request, timedelta(days=30))
        checks, service_ids = _ids(request, "check"), _ids(request, "service")
        if bool(checks) == bool(service_ids):
            raise exceptions.ValidationError(
                {"detail": ["Ask for checks (?check=1&check=2) or services (?service=3)."]})
        if len(checks) + len(service_ids) > 500:
            raise exceptions.ValidationError({"detail": ["At most 500 ids at once."]})
        if checks:
            found = selectors.check_availability(checks, start, end)
        else:
            found = selectors.service_availability(service_ids, start, end)
        return Response([{"id": pk, **a.as_dict()} for pk, a in sorted(found.items())],
                        status=status.HTTP_200_OK)


def register(router) -> None:
    router.register("checks", CheckViewSet, basename="api-check")
    router.register("availability", AvailabilityViewSet, basename="api-availability")

