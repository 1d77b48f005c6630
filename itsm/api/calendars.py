"""/api/v1/calendars/: business calendars with their working periods and closed dates."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from itsm import calendars
from itsm.api.permissions import ConfigPermission
from itsm.models import BusinessCalendar, ClosedDate, WorkingPeriod


class WorkingPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkingPeriod
        fields = ["weekday", "start", "end"]


class ClosedDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClosedDate
        fields = ["date", "name"]


class BusinessCalendarSerializer(serializers.ModelSerializer):
    periods = WorkingPeriodSerializer(many=True)
    closed_dates = ClosedDateSerializer(many=True, required=False)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "time_zone", "holiday_country", "holiday_subdivision",
                  "periods", "closed_dates", "updated_at"]
        read_only_fields = ["updated_at"]

    def validate(self, attrs):
        periods = attrs.get("periods")
        if periods is not None:
            if not periods:
                raise serializers.ValidationError(
                    {"periods": ["A calendar needs at least one working period."]})
            try:
                calendars.validate_week([(p["weekday"], p["start"], p["end"]) for p in periods])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"periods": exc.messages}) from exc
        instance = self.instance or BusinessCalendar()
        country = attrs.get("holiday_country", instance.holiday_country)
        subdivision = attrs.get("holiday_subdivision", instance.holiday_subdivision)
        try:
            calendars.validate_holiday_region(country, subdivision)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        dates = [d["date"] for d in attrs.get("closed_dates") or []]
        if len(dates) != len(set(dates)):
            raise serializers.ValidationError({"closed_dates": ["A date is listed twice."]})
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        periods = validated_data.pop("periods")
        closed = validated_data.pop("closed_dates", [])
        calendar = BusinessCalendar.objects.create(**validated_data)
        self._write_children(calendar, periods, closed)
        return calendar

    @transaction.atomic
    def update(self, instance, validated_data):
        periods = validated_data.pop("periods", None)
        closed = validated_data.pop("closed_dates", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        self._write_children(instance, periods, closed)
        return instance

    def _write_children(self, calendar, periods, closed):
        if periods is not None:
            calendar.periods.all().delete()
            WorkingPeriod.objects.bulk_create(WorkingPeriod(calendar=calendar, **p)
                                              for p in periods)
        if closed is not None:
            calendar.closed_dates.all().delete()
            ClosedDate.objects.bulk_create(ClosedDate(calendar=calendar, **c) for c in closed)
        calendar.save(update_fields=["updated_at"])  # cached schedules are rebuilt


@extend_schema(tags=["sla"])
class BusinessCalendarViewSet(viewsets.ModelViewSet):
    """Business calendars. Read: support staff and managers. Write: admins."""

    serializer_class = BusinessCalendarSerializer
    permission_classes = [ConfigPermission]
    queryset = BusinessCalendar.objects.prefetch_related("periods", "closed_dates")


def register(router) -> None:
    router.register("calendars", BusinessCalendarViewSet, basename="api-calendar")
