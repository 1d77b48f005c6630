"""/api/v1/calendars/: business calendars with their working periods and closed dates."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from itsm.api.fields import StrictModelSerializer
from itsm.api.permissions import ConfigPermission
from itsm.models import BusinessCalendar, ClosedDate, WorkingPeriod
from itsm.services import calendars as services


class WorkingPeriodSerializer(StrictModelSerializer):
    class Meta:
        model = WorkingPeriod
        fields = ["weekday", "start", "end"]


class ClosedDateSerializer(StrictModelSerializer):
    class Meta:
        model = ClosedDate
        fields = ["date", "name"]


class BusinessCalendarSerializer(StrictModelSerializer):
    periods = WorkingPeriodSerializer(many=True)
    closed_dates = ClosedDateSerializer(many=True, required=False)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "time_zone", "holiday_country", "holiday_subdivision",
                  "periods", "closed_dates", "updated_at"]
        read_only_fields = ["updated_at"]

    def validate(self, attrs):
        instance = self.instance or BusinessCalendar()
        try:
            services.calendar_problems(
                holiday_country=attrs.get("holiday_country", instance.holiday_country),
                holiday_subdivision=attrs.get("holiday_subdivision",
                                              instance.holiday_subdivision),
                periods=attrs.get("periods"), closed_dates=attrs.get("closed_dates"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs

    def create(self, validated_data):
        return self._save(BusinessCalendar(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, calendar, validated_data):
        periods = validated_data.pop("periods", None)
        closed = validated_data.pop("closed_dates", None)
        for name, value in validated_data.items():
            setattr(calendar, name, value)
        return services.calendar_save(actor=self.context["request"].user, calendar=calendar,
                                      periods=periods, closed_dates=closed)


@extend_schema(tags=["sla"])
class BusinessCalendarViewSet(viewsets.ModelViewSet):
    """Business calendars. Read: support staff and managers. Write: admins."""

    serializer_class = BusinessCalendarSerializer
    permission_classes = [ConfigPermission]
    queryset = BusinessCalendar.objects.prefetch_related("periods", "closed_dates")


def register(router) -> None:
    router.register("calendars", BusinessCalendarViewSet, basename="api-calendar")
