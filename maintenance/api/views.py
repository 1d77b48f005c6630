"""/api/v1/maintenance/… and /api/v1/patches/…, plus the agents' inventory endpoint.

Reads: support staff and managers. Writes: support engineers and admins. Inventory
reports: accounts with maintenance.ingest_inventory (DSE and admin roles, or a dedicated
agent account). Every write goes through maintenance services; their ValidationError
becomes a 400 with field messages (itsm.api.errors).
"""

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.auth_asset import (
    AssetTokenAuthentication,
    AssetTokenOrPermission,
    token_writes_asset,
)
from itsm.api.auth_token import ApiTokenAuthentication
from itsm.api.filters import BooleanFilter
from itsm.api.permissions import StaffReadAgentWrite
from itsm.api.schema import SingleObjectSchema
from itsm.filters import DateTimeFilter, IdFilter
from itsm.models import Asset
from maintenance import compliance, recurrence, selectors, services
from maintenance.api import serializers as s
from maintenance.models import (
    MaintenancePlan,
    MaintenanceWindow,
    Occurrence,
    PlanKind,
    PlanStep,
)
from maintenance.models.patch import Advisory, AssetPatch, PatchState, Severity
from maintenance.services import patching
from maintenance.services.inventory import PendingAdvisory, inventory_apply

BAD_REQUEST = OpenApiResponse(description="Field → messages, for every field in error.")
FORBIDDEN = OpenApiResponse(description="You may read this but not change it.")


class CanIngest(permissions.BasePermission):
    message = "This account may not report inventories (needs maintenance.ingest_inventory)."

    def has_permission(self, request, view):
        return request.user.has_perm(selectors.INGEST_PERMISSION)


class PlanFilter(django_filters.FilterSet):
    active = BooleanFilter(field_name="is_active")
    team = IdFilter(field_name="team_id")
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices)

    class Meta:
        model = MaintenancePlan
        fields = ["active", "team", "kind"]


@extend_schema(tags=["maintenance"])
@extend_schema_view(
    list=extend_schema(summary="Maintenance plans"),
    create=extend_schema(summary="Create a plan", responses={201: s.PlanSerializer,
                                                             400: BAD_REQUEST, 403: FORBIDDEN}),
    partial_update=extend_schema(summary="Change a plan",
                                 responses={200: s.PlanSerializer, 400: BAD_REQUEST}),
    update=extend_schema(summary="Replace a plan",
                         responses={200: s.PlanSerializer, 400: BAD_REQUEST}),
    destroy=extend_schema(summary="Delete a plan (work items already created stay)"),
)
class PlanViewSet(viewsets.ModelViewSet):
    serializer_class = s.PlanSerializer
    permission_classes = [StaffReadAgentWrite]
    filterset_class = PlanFilter
    queryset = (MaintenancePlan.objects.select_related("team", "assignee")
                .prefetch_related("assets", "services",
                                  Prefetch("steps", PlanStep.objects.order_by("position")))
                .order_by("title", "pk"))

    def perform_destroy(self, instance):
        services.plan_delete(plan=instance, actor=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(),
                   "compliance": selectors.compliance_counts([p.pk for p in page])}
        return self.get_paginated_response(s.PlanSerializer(page, many=True,
                                                            context=context).data)

    @extend_schema(summary="Preview a rule: its next five moments, before saving",
                   request=s.RulePreviewSerializer,
                   responses={200: s.RulePreviewResultSerializer, 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], permission_classes=[StaffReadAgentWrite])
    def preview(self, request):
        data = _valid(s.RulePreviewSerializer, request)
        schedule = recurrence.Schedule(data["rrule"], data["starts_on"], data["at_time"],
                                       data["time_zone"])
        try:
            schedule.validate()
        except recurrence.RuleError as exc:
            raise ValidationError({"rrule": [str(exc)]}) from exc
        rule = recurrence.normalise(data["rrule"])
        notes = recurrence.caveats(rule, data["starts_on"])
        clock = schedule.clock_caveat(timezone.localdate())
        return Response({"rrule": rule, "schedule": recurrence.describe(rule, data["starts_on"]),
                         "caveats": [*notes, clock] if clock else notes,
                         "occurrences": schedule.preview(timezone.now(), 5)})

    @extend_schema(summary="Upcoming occurrences (next ten)",
                   responses=s.UpcomingSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def upcoming(self, request, pk=None):
        plan = self.get_object()
        items = selectors.plan_upcoming(plan, now=timezone.now())
        return Response(s.UpcomingSerializer([{
            "scheduled_for": u.scheduled_for, "due_at": u.due_at, "status": u.status,
            "ticket": u.occurrence.ticket.ref if u.occurrence and u.occurrence.ticket_id
            else None} for u in items], many=True).data)

    @extend_schema(summary="Skip an occurrence, with a reason", request=s.SkipSerializer,
                   responses={200: s.OccurrenceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        plan = self.get_object()
        data = _valid(s.SkipSerializer, request)
        occurrence = services.occurrence_skip(plan=plan, scheduled_for=data["scheduled_for"],
                                              actor=request.user, reason=data["reason"])
        return Response(_occurrence_body(occurrence))

    @extend_schema(summary="Move an occurrence, with a reason", request=s.MoveSerializer,
                   responses={200: s.OccurrenceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        plan = self.get_object()
        data = _valid(s.MoveSerializer, request)
        occurrence = services.occurrence_move(plan=plan, scheduled_for=data["scheduled_for"],
                                              to=data["to"], actor=request.user,
                                              reason=data["reason"])
        return Response(_occurrence_body(occurrence))


def _occurrence_body(occurrence: Occurrence) -> dict:
    """A changed occurrence as the list shows it: re-read with its outcome."""
    rows = Occurrence.objects.select_related("ticket", "plan").filter(pk=occurrence.pk)
    return s.OccurrenceSerializer(selectors.annotate_outcome(rows, timezone.now()).get()).data


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class OccurrenceFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    status = django_filters.ChoiceFilter(choices=Occurrence.Status.choices)
    due_after = DateTimeFilter(field_name="due_at", lookup_expr="gte")
    due_before = DateTimeFilter(field_name="due_at", lookup_expr="lt")

    class Meta:
        model = Occurrence
        fields = ["plan", "status", "due_after", "due_before"]


@extend_schema(tags=["maintenance"])
@extend_schema_view(list=extend_schema(summary="Recorded occurrences (generated, moved, "
                                               "skipped) with their outcome"),
                    retrieve=extend_schema(summary="One occurrence"))
class OccurrenceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OccurrenceSerializer
    permission_classes = [StaffReadAgentWrite]
    filterset_class = OccurrenceFilter
    queryset = Occurrence.objects.none()

    def get_queryset(self):
        rows = Occurrence.objects.select_related("ticket", "plan").order_by("-due_at", "-pk")
        return selectors.annotate_outcome(rows, timezone.now())

    @extend_schema(summary="Skip this occurrence", request=s.OccurrenceChangeSerializer,
                   responses={200: s.OccurrenceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        occurrence = self.get_object()
        data = _valid(s.OccurrenceChangeSerializer, request)
        changed = services.occurrence_skip(plan=occurrence.plan, actor=request.user,
                                           scheduled_for=occurrence.scheduled_for,
                                           reason=data["reason"])
        return Response(_occurrence_body(changed))

    @extend_schema(summary="Move this occurrence", request=s.OccurrenceChangeSerializer,
                   responses={200: s.OccurrenceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        occurrence = self.get_object()
        data = _valid(s.OccurrenceChangeSerializer, request)
        if not data.get("to"):
            raise ValidationError({"to": ["Give the new moment."]})
        changed = services.occurrence_move(plan=occurrence.plan, actor=request.user,
                                           scheduled_for=occurrence.scheduled_for,
                                           to=data["to"], reason=data["reason"])
        return Response(_occurrence_body(changed))


class WindowFilter(django_filters.FilterSet):
    open_at = DateTimeFilter(method="filter_open_at",
                             help_text="Windows open at this moment.")
    ends_after = DateTimeFilter(field_name="ends_at", lookup_expr="gt")
    starts_before = DateTimeFilter(field_name="starts_at", lookup_expr="lt")
    service = IdFilter(field_name="services")
    asset = IdFilter(field_name="assets")

    class Meta:
        model = MaintenanceWindow
        fields = ["open_at", "ends_after", "starts_before", "service", "asset"]

    def filter_open_at(self, queryset, name, value):
        return queryset.open_at(value)


@extend_schema(tags=["maintenance"])
@extend_schema_view(
    create=extend_schema(summary="Announce a window",
                         responses={201: s.WindowSerializer, 400: BAD_REQUEST}),
    partial_update=extend_schema(responses={200: s.WindowSerializer, 400: BAD_REQUEST}),
    update=extend_schema(responses={200: s.WindowSerializer, 400: BAD_REQUEST}),
)
class WindowViewSet(viewsets.ModelViewSet):
    """Maintenance windows: monitoring keeps quiet about what they cover while open."""

    serializer_class = s.WindowSerializer
    permission_classes = [StaffReadAgentWrite]
    filterset_class = WindowFilter
    queryset = MaintenanceWindow.objects.prefetch_related("services", "assets").order_by(
        "starts_at", "pk")

    def perform_destroy(self, instance):
        services.window_delete(window=instance, actor=self.request.user)


class AdvisoryFilter(django_filters.FilterSet):
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    released_after = django_filters.DateFilter(field_name="released_on", lookup_expr="gte")

    class Meta:
        model = Advisory
        fields = ["severity", "released_after"]


@extend_schema(tags=["patches"])
@extend_schema_view(create=extend_schema(responses={201: s.AdvisorySerializer,
                                                    400: BAD_REQUEST}))
class AdvisoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.GenericViewSet):
    """Security advisories and patches (DSA, USN, KB…). Changing severity or release date
    recomputes the deadline on every asset."""

    serializer_class = s.AdvisorySerializer
    permission_classes = [StaffReadAgentWrite]
    filterset_class = AdvisoryFilter
    queryset = Advisory.objects.order_by("-released_on", "identifier")


class AssetPatchFilter(django_filters.FilterSet):
    asset = IdFilter(field_name="asset_id")
    advisory = django_filters.CharFilter(field_name="advisory__identifier")
    state = django_filters.ChoiceFilter(choices=PatchState.choices)
    severity = django_filters.ChoiceFilter(field_name="advisory__severity",
                                           choices=Severity.choices)
    overdue = BooleanFilter(method="filter_overdue")

    class Meta:
        model = AssetPatch
        fields = ["asset", "advisory", "state", "severity", "overdue"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(due_on__lt=today) if value else queryset.exclude(
            due_on__lt=today)


@extend_schema(tags=["patches"])
@extend_schema_view(
    partial_update=extend_schema(summary="Change the state (history is kept)",
                                 request=s.AssetPatchStateSerializer,
                                 responses={200: s.AssetPatchSerializer, 400: BAD_REQUEST,
                                            403: FORBIDDEN}))
class AssetPatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    serializer_class = s.AssetPatchSerializer
    permission_classes = [StaffReadAgentWrite]
    filterset_class = AssetPatchFilter
    queryset = (AssetPatch.objects.select_related("advisory", "asset", "follow_up")
                .order_by("due_on", "pk"))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def partial_update(self, request, pk=None):
        patch = self.get_object()
        data = _valid(s.AssetPatchStateSerializer, request)
        patching.patch_set_state(patch=patch, state=data["state"], actor=request.user,
                                 reason=data["reason"], deferred_until=data["deferred_until"],
                                 source="api")
        return Response(self.get_serializer(self.get_queryset().get(pk=patch.pk)).data)


class InventoryTokenOrIngest(AssetTokenOrPermission):
    perm = selectors.INGEST_PERMISSION


@extend_schema(tags=["patches"], parameters=[
    OpenApiParameter("id", int, OpenApiParameter.PATH, description="The asset's id.",
                     examples=[OpenApiExample("An asset", value=1)])])
class InventoryViewSet(viewsets.GenericViewSet):
    serializer_class = s.InventorySerializer
    # A host's agent token writes its own asset's inventory, in the name of who issued it.
    authentication_classes = [AssetTokenAuthentication, ApiTokenAuthentication,
                              SessionAuthentication]
    permission_classes = [InventoryTokenOrIngest]
    queryset = Asset.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Report an asset's inventory and pending updates (agents, scanners)",
        request=s.InventorySerializer,
        responses={200: s.InventoryResultSerializer, 400: BAD_REQUEST,
                   403: OpenApiResponse(description="No maintenance.ingest_inventory."),
                   404: OpenApiResponse(description="No such asset.")})
    def create(self, request, pk=None):
        asset = get_object_or_404(Asset, pk=pk)
        data = _valid(s.InventorySerializer, request)
        pending = None
        if "pending" in data:
            pending = [PendingAdvisory(identifier=item["advisory"], title=item["title"],
                                       severity=item["severity"],
                                       released_on=item["released_on"], cvss=item["cvss"],
                                       cve_ids=[c.upper() for c in item["cve_ids"]],
                                       package=item["package"],
                                       fixed_version=item["fixed_version"], url=item["url"])
                       for item in data["pending"]]
        actor = request.user
        if token_writes_asset(request, pk):
            actor = request.auth.created_by
            if actor is None:
                raise PermissionDenied("Whoever issued this token left: issue a new one.")
        summary = inventory_apply(asset=asset, actor=actor,
                                  software=data.get("software"), pending=pending,
                                  complete=data["complete"], source="api")
        return Response({"asset": asset.pk, **summary})


@extend_schema(tags=["patches"])
class ComplianceViewSet(viewsets.GenericViewSet):
    """Patch compliance: % of active assets with no overdue patch, by service and team."""

    serializer_class = s.ComplianceSerializer
    permission_classes = [StaffReadAgentWrite]
    queryset = AssetPatch.objects.none()
    pagination_class = None
    schema = SingleObjectSchema()  # one set of figures, not a list

    @extend_schema(summary="Patch compliance figures", responses=s.ComplianceSerializer)
    def list(self, request):
        return Response(s.ComplianceSerializer(
            compliance.patch_compliance(timezone.localdate())).data)


def register(router) -> None:
    router.register("maintenance/plans", PlanViewSet, basename="api-maintenance-plan")
    router.register("maintenance/occurrences", OccurrenceViewSet,
                    basename="api-maintenance-occurrence")
    router.register("maintenance/windows", WindowViewSet, basename="api-maintenance-window")
    router.register("patches/advisories", AdvisoryViewSet, basename="api-advisory")
    router.register("patches/asset-patches", AssetPatchViewSet, basename="api-asset-patch")
    router.register("patches/compliance", ComplianceViewSet, basename="api-patch-compliance")
    router.register(r"assets/(?P<pk>[0-9]+)/inventory", InventoryViewSet,
                    basename="api-asset-inventory")
