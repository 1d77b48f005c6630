"""GET /api/v1/capacity/: the capacity board as JSON, every shown series (fs_size is read
with its fs_used) with its forecast and open ticket, earliest ETA first (no ETA last).
Support staff and managers only; unknown filter values are a 400, not an empty page."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from capacity.models import Kind, Series, State
from capacity.selectors.board import HIDDEN_KINDS, board_series, open_ticket
from itsm.api.permissions import StaffReadAgentWrite
from itsm.filters import IdFilter

KINDS = [(value, label) for value, label in Kind.choices if value not in HIDDEN_KINDS]


class BoardSeriesSerializer(serializers.ModelSerializer):
    asset = serializers.IntegerField(source="asset_id", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True)
    service = serializers.IntegerField(source="asset.service_id", read_only=True,
                                       allow_null=True)
    ticket = serializers.SerializerMethodField(help_text="The open capacity ticket's "
                                                         "reference, or null.")

    class Meta:
        model = Series
        fields = ["id", "asset", "asset_name", "service", "kind", "name", "unit", "state",
                  "state_reason", "threshold", "threshold_value", "eta_earliest",
                  "eta_likely", "eta_latest", "slope", "slope_low", "slope_high",
                  "window_start", "window_end", "last_value", "last_at", "forecast_at",
                  "ticket"]
        read_only_fields = fields

    def get_ticket(self, series) -> str | None:
        ticket = open_ticket(series)
        return ticket.ref if ticket else None


class BoardFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    kind = django_filters.ChoiceFilter(choices=KINDS)
    service = IdFilter(field_name="asset__service_id")
    team = IdFilter(field_name="asset__service__owner_team_id")
    asset = IdFilter(field_name="asset_id")

    class Meta:
        model = Series
        fields = ["state", "kind", "service", "team", "asset"]


@extend_schema(tags=["capacity"])
@extend_schema_view(list=extend_schema(
    summary="Every series with its forecast, earliest ETA first (the capacity board)",
    responses={200: BoardSeriesSerializer(many=True),
               400: OpenApiResponse(description="Field → messages for a bad filter.")}))
class CapacityBoardViewSet(viewsets.GenericViewSet):
    permission_classes = [StaffReadAgentWrite]
    serializer_class = BoardSeriesSerializer
    filterset_class = BoardFilter
    queryset = Series.objects.none()

    def get_queryset(self):
        return board_series().select_related("asset")

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def register(router) -> None:
    router.register(r"capacity", CapacityBoardViewSet, basename="api-capacity")
