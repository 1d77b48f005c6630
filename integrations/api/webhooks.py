"""/api/v1/webhooks/: admins subscribe URLs to events. The signing secret is answered
twice only: by the create and by `rotate-secret/`; `deliveries/` is the log,
`redeliver/` sends a message again under its webhook-id, `test/` sends a ping."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from integrations.models import Attempt, Delivery, DeliveryStatus, Endpoint
from integrations.selectors import deliveries_for, endpoints_with_health
from integrations.services import endpoints as service
from itsm.api.fields import StrictCharField, StrictModelSerializer
from itsm.api.permissions import ConfirmedRecently
from itsm.events import EVENTS
from itsm.models import Service, Team
from tickets.models import Kind, Priority

BAD_REQUEST = OpenApiResponse(description="Field → messages; nothing was saved.")


class EndpointPermission(permissions.DjangoModelPermissions):
    """Admins only, reads included: where Tend's events go is an admin's business."""

    perms_map = {**permissions.DjangoModelPermissions.perms_map,
                 "GET": ["%(app_label)s.view_%(model_name)s"],
                 "HEAD": ["%(app_label)s.view_%(model_name)s"]}


def _errors(error: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else
        {"non_field_errors": error.messages})


class EndpointSerializer(StrictModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=list(EVENTS.items())),
                                   allow_empty=False, help_text="Event names to receive.")
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=Kind.choices),
                                  required=False, help_text="Ticket kinds; empty: all.")
    priorities = serializers.ListField(child=serializers.ChoiceField(choices=Priority.choices),
                                       required=False, help_text="Priorities; empty: all.")
    teams = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                               queryset=Team.objects.all(),
                                               help_text="Teams; empty: all.")
    services = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                  queryset=Service.objects.all(),
                                                  help_text="Services; empty: all.")
    last_delivery_at = serializers.DateTimeField(read_only=True, allow_null=True)
    failed_count = serializers.IntegerField(read_only=True, help_text="Deliveries failed.")
    retrying_count = serializers.IntegerField(read_only=True,
                                              help_text="Deliveries waiting for a retry.")

    class Meta:
        model = Endpoint
        fields = ["id", "name", "url", "description", "events", "teams", "services", "kinds",
                  "priorities", "enabled", "disabled_at", "disabled_reason", "created_at",
                  "updated_at", "last_delivery_at", "failed_count", "retrying_count"]
        read_only_fields = ["disabled_at", "disabled_reason", "created_at", "updated_at"]

    def _save(self, endpoint, validated_data):
        request = self.context["request"]
        teams = validated_data.pop("teams", None)
        services = validated_data.pop("services", None)
        try:
            return service.endpoint_save(endpoint=endpoint, actor=request.user, request=request,
                                         teams=teams, services=services, **validated_data)
        except DjangoValidationError as error:
            raise _errors(error) from None

    def create(self, validated_data):
        return self._save(Endpoint(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True,
                                   help_text="Shown once: the whsec_… signing secret.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["attempted_at", "status_code", "latency_ms", "excerpt", "error", "succeeded"]


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "msg_id", "event", "status", "attempts", "created_at",
                  "next_attempt_at", "last_attempt_at", "last_status_code", "finished_at",
                  "body", "attempt_log"]


class DeliveryQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    event = StrictCharField(required=False, max_length=40)


class RedeliverSerializer(serializers.Serializer):
    delivery = serializers.IntegerField(required=False, min_value=1,
                                        help_text="One delivery of this endpoint.")
    failed_since = serializers.DateTimeField(required=False,
                                             help_text="Every failed delivery since then.")

    def validate(self, attrs):
        if ("delivery" in attrs) == ("failed_since" in attrs):
            raise serializers.ValidationError(
                {"non_field_errors": ['Send either "delivery" or "failed_since".']})
        return attrs


Secret = inline_serializer("WebhookSecret", {
    "secret": serializers.CharField(help_text="Shown once: the new whsec_… secret."),
    "previous_valid_until": serializers.DateTimeField(
        help_text="Until then deliveries are signed with both secrets."),
})
Redelivered = inline_serializer("WebhookRedelivered", {
    "redelivered": serializers.IntegerField(help_text="Deliveries queued again.")})


@extend_schema_view(
    list=extend_schema(summary="Webhook endpoints with their health (admins)"),
    retrieve=extend_schema(summary="One webhook endpoint (the secret is never returned)"),
    create=extend_schema(summary="Subscribe a URL to events (answers the secret once)",
                         responses={201: EndpointCreatedSerializer, 400: BAD_REQUEST}),
    update=extend_schema(summary="Replace a webhook endpoint",
                         responses={200: EndpointSerializer, 400: BAD_REQUEST}),
    partial_update=extend_schema(summary="Change a webhook endpoint (enabled: true re-enables)",
                                 responses={200: EndpointSerializer, 400: BAD_REQUEST}),
    destroy=extend_schema(summary="Delete a webhook endpoint and its delivery log"),
)
@extend_schema(tags=["integrations"])
class EndpointViewSet(viewsets.ModelViewSet):
    serializer_class = EndpointSerializer
    permission_classes = [EndpointPermission, ConfirmedRecently]
    queryset = Endpoint.objects.none()  # DjangoModelPermissions reads the model from it

    def get_queryset(self):
        return endpoints_with_health()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)  # the serializer's create() calls the service
        endpoint = serializer.instance
        data = {**self.get_serializer(self.get_queryset().get(pk=endpoint.pk)).data,
                "secret": endpoint.secret}
        response = Response(data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    def perform_destroy(self, instance):
        service.endpoint_delete(endpoint=instance, actor=self.request.user, request=self.request)

    @extend_schema(summary="A new signing secret (the old one signs too for the overlap)",
                   request=None, responses={200: Secret})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        secret = service.endpoint_rotate_secret(endpoint=endpoint, actor=request.user,
                                                request=request)
        endpoint.refresh_from_db()
        response = Response({"secret": secret,
                             "previous_valid_until": endpoint.previous_secret_until})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(summary="The endpoint's delivery log, newest first",
                   parameters=[OpenApiParameter("status", enum=DeliveryStatus.values),
                               OpenApiParameter("event", str)],
                   responses={200: DeliverySerializer(many=True), 400: BAD_REQUEST})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        query = DeliveryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = deliveries_for(endpoint, **query.validated_data).prefetch_related("attempt_log")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(summary="Send a delivery again under its webhook-id, or every failed one "
                           "since a time", request=RedeliverSerializer,
                   responses={202: Redelivered, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        endpoint = self.get_object()
        given = RedeliverSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            if "delivery" in given.validated_data:
                delivery = endpoint.deliveries.select_related("endpoint").filter(
                    pk=given.validated_data["delivery"]).first()
                if delivery is None:
                    raise exceptions.ValidationError(
                        {"delivery": ["No such delivery for this endpoint."]})
                service.delivery_redeliver(delivery=delivery)
                count = 1
            else:
                count = service.deliveries_redeliver_failed(
                    endpoint=endpoint, since=given.validated_data["failed_since"])
        except DjangoValidationError as error:
            raise _errors(error) from None
        return Response({"redelivered": count}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="Send a webhook.test ping", request=None,
                   responses={202: DeliverySerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        endpoint = self.get_object()
        try:
            delivery = service.endpoint_test(endpoint=endpoint, actor=request.user)
        except DjangoValidationError as error:
            raise _errors(error) from None
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


def register(router) -> None:
    router.register("webhooks", EndpointViewSet, basename="api-webhook")
