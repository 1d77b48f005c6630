"""/api/v1/reports/: the report figures as JSON, for people who chart elsewhere.

The same functions as the pages and the CSV files (reports.figures), so the numbers agree.
Values are raw: durations in seconds, percentages 0–100, moments in ISO 8601.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from reports import buckets, params, replica
from reports.dashboard import headlines
from reports.registry import REPORTS
from reports.tables import UNITS
from reports.web.views import EXPORT_LIMIT, PERMISSION


class CanViewReports(permissions.BasePermission):
    message = "Reports are for managers."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and request.user.has_perm(PERMISSION))


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A number as it is (integer or decimal), or null."""

    def to_representation(self, value):
        return value


class ReportPeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="Inclusive.")
    end = serializers.DateTimeField(help_text="Exclusive: midnight after the last day.")
    days = serializers.IntegerField()
    preset = serializers.CharField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {"from": instance.first_day.isoformat(), "to": instance.last_day.isoformat(),
                **data}


class ReportFiltersSerializer(serializers.Serializer):
    team = serializers.IntegerField(allow_null=True)
    service = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    priority = serializers.IntegerField(allow_null=True)


class ReportFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = NumberField(allow_null=True)
    kind = serializers.CharField(help_text="int, float, percent, seconds, business (seconds "
                                           "of business time), minutes, rating")
    better = serializers.ChoiceField(choices=["up", "down", ""],
                                     help_text="Which direction is good news, if any.")


class ReportTrendFigureSerializer(ReportFigureSerializer):
    previous = NumberField(allow_null=True, help_text="The previous period of equal length.")
    series = serializers.ListField(
        child=NumberField(allow_null=True), allow_null=True,
        help_text="The figure in each of the dashboard's `buckets`, in order; null where "
                  "nothing is known (no ticket, or a bucket not begun yet). Null for a "
                  "current state with no history (overdue patches now, open items per "
                  "person).")


class ReportBucketSerializer(serializers.Serializer):
    """One bucket of a trend: a day, a week (seven days from the period's first) or a
    calendar month, chosen by the period's length."""

    unit = serializers.CharField(help_text="day, week or month")
    label = serializers.CharField()

    def get_fields(self):
        # "from" is a Python keyword: the two dates are added by name.
        return {"from": serializers.DateField(source="first_day", help_text="Inclusive."),
                "to": serializers.DateField(source="last_day", help_text="Inclusive."),
                **super().get_fields()}


class ReportColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.SerializerMethodField()

    def get_unit(self, column) -> str:
        # The API's units are raw: seconds for durations.
        return "seconds" if column.kind in ("seconds", "business") else UNITS.get(column.kind,
                                                                                   "")


class ReportTableSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    columns = ReportColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField(),
                                 help_text="One object per row, keyed by column key.")
    truncated = serializers.BooleanField(help_text=f"Lists stop at {EXPORT_LIMIT} rows.")


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField(source="key")
    title = serializers.CharField()
    period = ReportPeriodSerializer()
    filters = serializers.SerializerMethodField()
    summary = ReportFigureSerializer(many=True)
    tables = serializers.SerializerMethodField()
    notes = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(ReportFiltersSerializer)
    def get_filters(self, report) -> dict:
        return report.filters.as_dict()

    @extend_schema_field(ReportTableSerializer(many=True))
    def get_tables(self, report) -> list:
        return ReportTableSerializer([t for s in report.sections for t in s.tables], many=True).data


class ReportCardSerializer(serializers.Serializer):
    report = serializers.CharField()
    title = serializers.CharField()
    figures = ReportTrendFigureSerializer(many=True)


class ReportDashboardSerializer(serializers.Serializer):
    period = ReportPeriodSerializer()
    previous_period = ReportPeriodSerializer()
    filters = ReportFiltersSerializer()
    buckets = ReportBucketSerializer(many=True, help_text="The buckets every figure's "
                                                          "`series` is given in.")
    reports = ReportCardSerializer(many=True)


class ReportInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    filters = serializers.ListField(child=serializers.CharField(),
                                    help_text="The filters that apply to this report.")
    url = serializers.CharField()


QUERY = [
    OpenApiParameter("preset", str, enum=list(params.PRESETS),
                     description="A preset period (default 30d). For dates, send `from` and "
                                 "`to` without a preset, or with `preset=custom`."),
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD (inclusive)."),
    OpenApiParameter("team", int, description="Team id."),
    OpenApiParameter("service", int, description="Service id."),
    OpenApiParameter("kind", str, enum=[k for k, _ in params.Kind.choices]),
    OpenApiParameter("priority", int, enum=[1, 2, 3, 4]),
]
BAD_QUERY = OpenApiResponse(description="Field → messages for an invalid period or filter.")
NAME = OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(REPORTS),
                        description="The report.")


def _dated(response: Response, freshness: replica.Freshness) -> Response:
    """A replica that lags says so: the time of the last change its figures include."""
    if freshness.as_of is not None:
        response["X-Figures-As-Of"] = freshness.as_of.isoformat()
    return response


def _read(request):
    wanted = {k: v for k, v in request.query_params.items() if v not in (None, "")}
    form = params.ReportForm(wanted)
    if not form.is_valid():
        raise ValidationError({field: [e["message"] for e in errors]
                               for field, errors in form.errors.get_json_data().items()})
    return form.result()


@extend_schema(tags=["reports"])
class ReportViewSet(viewsets.ViewSet):
    """Manager reports (managers and admins)."""

    permission_classes = [CanViewReports]
    lookup_field = "name"
    lookup_value_regex = "|".join(REPORTS)

    @extend_schema(summary="The reports there are", responses={200: ReportInfoSerializer(
        many=True)})
    def list(self, request):
        return Response(ReportInfoSerializer([{
            "name": info.key, "title": info.title, "description": info.summary,
            "filters": list(info.filters),
            "url": request.build_absolute_uri(reverse("api-report-detail", args=[info.key])),
        } for info in REPORTS.values()], many=True).data)

    @extend_schema(summary="One report's figures", parameters=[NAME, *QUERY],
                   description="The summary figures and every table of the report, as on "
                               "its page. Durations are in seconds.",
                   responses={200: ReportSerializer, 400: BAD_QUERY})
    def retrieve(self, request, name=None):
        period, filters = _read(request)
        report, freshness = replica.figures(
            lambda: REPORTS[name].build(period, filters, limit=EXPORT_LIMIT))
        return _dated(Response(ReportSerializer(report).data), freshness)

    @extend_schema(summary="The dashboard: headline figures with the previous period and "
                           "their trend",
                   parameters=QUERY, responses={200: ReportDashboardSerializer, 400: BAD_QUERY})
    @action(detail=False, methods=["get"])
    def dashboard(self, request):
        period, filters = _read(request)
        cards, freshness = replica.figures(lambda: headlines(period, filters))
        return _dated(Response(ReportDashboardSerializer({
            "period": period, "previous_period": period.previous(),
            "filters": filters.as_dict(), "buckets": buckets.of(period),
            "reports": [{"report": c.info.key, "title": c.info.title, "figures": c.figures}
                        for c in cards]}).data), freshness)


def register(router) -> None:
    router.register("reports", ReportViewSet, basename="api-report")
