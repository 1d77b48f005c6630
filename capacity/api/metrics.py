"""/api/v1/assets/{id}/metrics/ (push) and /api/v1/assets/{id}/series/ (read).

Push: an asset token of that asset (itsm.api.auth_asset) or a user with
capacity.push_metrics (DSE, admin). The body is the Prometheus text format (text/plain)
or JSON {"samples": […]}; it is validated whole before anything is stored, so a 400 with
field messages means nothing was written. Reads: support staff and managers.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from capacity.api import serializers as s
from capacity.models import Source
from capacity.samples import SampleError, max_body_bytes, parse_json_samples, parse_prometheus_text
from capacity.selectors.series import series_of_asset, series_points
from capacity.services.ingest import samples_ingest
from itsm.api.auth_asset import AssetTokenAuthentication, AssetTokenOrPermission
from itsm.api.auth_token import ApiTokenAuthentication
from itsm.api.permissions import StaffReadAgentWrite
from itsm.models import Asset

MAX_RANGE = timedelta(days=400)
BAD_REQUEST = OpenApiResponse(description="Field → messages; nothing was stored.")


class PrometheusTextParser(parsers.BaseParser):
    media_type = "text/plain"

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(max_body_bytes() + 1) if stream is not None else b""
        return data.decode("utf-8", errors="replace")


class CanPush(AssetTokenOrPermission):
    perm = "capacity.push_metrics"


class MetricsViewSet(viewsets.GenericViewSet):
    authentication_classes = [AssetTokenAuthentication, ApiTokenAuthentication,
                              SessionAuthentication]
    permission_classes = [CanPush]
    parser_classes = [parsers.JSONParser, PrometheusTextParser]
    serializer_class = s.PushResultSerializer
    queryset = Asset.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Push metric samples of an asset (agents, scripts)",
        request={"application/json": s.JsonPushSerializer,
                 "text/plain": {"type": "string", "description": "Prometheus text format "
                                "0.0.4; millisecond timestamps honoured."}},
        responses={200: s.PushResultSerializer, 400: BAD_REQUEST,
                   401: OpenApiResponse(description="Unknown or revoked asset token."),
                   403: OpenApiResponse(description="A token of another asset, or no "
                                                    "capacity.push_metrics."),
                   404: OpenApiResponse(description="No such asset.")})
    def create(self, request, pk=None):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.TEND_METRICS_MAX_BODY_BYTES:
            raise exceptions.ValidationError({"body": [f"At most {max_body_bytes()} bytes."]})
        asset = get_object_or_404(Asset, pk=pk)
        now = timezone.now()
        data = request.data
        try:
            if isinstance(data, str):
                samples = parse_prometheus_text(data, now=now)
            else:
                samples = parse_json_samples(data, now=now)
        except SampleError as exc:
            raise exceptions.ValidationError(exc.errors) from None
        result = samples_ingest(asset=asset, samples=samples, source=Source.PUSH, now=now)
        return Response({"accepted": result.accepted, "series": result.series})


def _when(request, name: str, default):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise exceptions.ValidationError({name: ["Send an ISO 8601 date and time."]})
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class SeriesViewSet(viewsets.GenericViewSet):
    permission_classes = [StaffReadAgentWrite]
    serializer_class = s.SeriesSerializer
    lookup_url_kwarg = "series_id"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return series_of_asset(self.kwargs.get("pk"))

    @extend_schema(summary="Series of an asset, with the latest value and forecast",
                   responses={200: s.SeriesSerializer(many=True),
                              404: OpenApiResponse(description="No such asset.")})
    def list(self, request, pk=None):
        get_object_or_404(Asset, pk=pk)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.SeriesSerializer(page, many=True).data)

    @extend_schema(summary="Points of a series (min, mean, max, last per bucket)",
                   parameters=[OpenApiParameter("start", OpenApiTypes.DATETIME, description=(
                                   "Default 7 days before end; at most 400 days before it.")),
                               OpenApiParameter("end", OpenApiTypes.DATETIME,
                                                description="Default now.")],
                   responses={200: s.PointsSerializer, 400: BAD_REQUEST,
                              404: OpenApiResponse(description="No such asset or series.")})
    @action(detail=True, methods=["get"], pagination_class=None)
    def points(self, request, pk=None, series_id=None):
        series = get_object_or_404(self.get_queryset(), pk=series_id)
        end = _when(request, "end", timezone.now())
        start = _when(request, "start", None)
        try:  # a range reaches back at most MAX_RANGE; an empty or reversed one has no points
            floor = end - (MAX_RANGE if start is not None else timedelta(days=7))
        except OverflowError:
            floor = datetime.min.replace(tzinfo=UTC)
        start = floor if start is None or start < floor else start
        points = series_points(series, start=start, end=end) if start < end else []
        return Response({"series": series.pk, "start": start, "end": end, "points": [
            {"t": t, "min": low, "mean": mean, "max": high, "last": last}
            for t, low, mean, high, last in points]})


def register(router) -> None:
    router.register(r"assets/(?P<pk>[0-9]+)/metrics", MetricsViewSet,
                    basename="api-asset-metrics")
    router.register(r"assets/(?P<pk>[0-9]+)/series", SeriesViewSet,
                    basename="api-asset-series")
