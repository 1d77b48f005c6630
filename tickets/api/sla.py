"""/api/v1/sla-policies/ and /api/v1/escalation-rules/ (admins write, staff read)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from itsm.api.fields import StrictModelSerializer
from itsm.api.permissions import ConfigPermission, ConfirmedRecently
from tickets.models import EscalationRule, Kind, Priority, SlaPolicy, Status


class ModelCleanMixin:
    """Run the model's clean() so the API refuses what the admin refuses, same words."""

    def validate(self, attrs):
        instance = self.instance or self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.clean()
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {
                "non_field_errors": exc.messages}
            raise serializers.ValidationError(detail) from exc
        return attrs


class SlaPolicySerializer(ModelCleanMixin, StrictModelSerializer):
    kinds = serializers.ListField(child=serializers.ChoiceField(Kind.choices), required=False)
    priorities = serializers.ListField(child=serializers.ChoiceField(Priority.choices),
                                       required=False)
    pause_statuses = serializers.ListField(child=serializers.ChoiceField(Status.choices),
                                           required=False)
    response_minutes = serializers.IntegerField(min_value=1)
    resolution_minutes = serializers.IntegerField(min_value=1)
    warning_percent = serializers.IntegerField(min_value=1, max_value=99, required=False)

    class Meta:
        model = SlaPolicy
        fields = ["id", "name", "order", "is_active", "kinds", "priorities", "service", "team",
                  "calendar", "response_minutes", "resolution_minutes", "warning_percent",
                  "pause_statuses"]


class EscalationRuleSerializer(ModelCleanMixin, StrictModelSerializer):
    priorities = serializers.ListField(child=serializers.ChoiceField(Priority.choices),
                                       required=False)

    class Meta:
        model = EscalationRule
        fields = ["id", "name", "order", "is_active", "trigger", "priorities", "team",
                  "notify_assignee", "notify_team", "notify_managers", "notify_user",
                  "reassign_team", "raise_priority", "business_hours_only"]


@extend_schema(tags=["sla"])
class SlaPolicyViewSet(viewsets.ModelViewSet):
    """SLA policies, tried in `order`; the first active match applies to a ticket."""

    serializer_class = SlaPolicySerializer
    permission_classes = [ConfigPermission, ConfirmedRecently]
    queryset = SlaPolicy.objects.all()


@extend_schema(tags=["sla"])
class EscalationRuleViewSet(viewsets.ModelViewSet):
    """What happens when a ticket reaches an SLA warning or breach."""

    serializer_class = EscalationRuleSerializer
    permission_classes = [ConfigPermission, ConfirmedRecently]
    queryset = EscalationRule.objects.all()


def register(router) -> None:
    router.register("sla-policies", SlaPolicyViewSet, basename="api-sla-policy")
    router.register("escalation-rules", EscalationRuleViewSet, basename="api-escalation-rule")
