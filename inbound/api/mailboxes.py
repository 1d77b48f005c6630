"""/api/v1/mailboxes/: admins configure the mailboxes Tend reads. Secrets are write-only
(never in an answer; left out or blank in a change, the stored one stays), and
`rotate-token` answers the inbound endpoint's new token once."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from inbound.models import Mailbox
from inbound.selectors import mailboxes_with_counts
from inbound.services import mailboxes
from itsm.api.fields import StrictModelSerializer
from itsm.api.permissions import ConfirmedRecently

BAD_REQUEST = OpenApiResponse(description="Field → messages; nothing was saved.")
SECRET = {"write_only": True, "required": False, "allow_blank": True,
          "style": {"input_type": "password"}}


class MailboxPermission(permissions.DjangoModelPermissions):
    """Admins only, reads included: a mailbox's settings say where support mail lives."""

    perms_map = {**permissions.DjangoModelPermissions.perms_map,
                 "GET": ["%(app_label)s.view_%(model_name)s"],
                 "HEAD": ["%(app_label)s.view_%(model_name)s"]}


class MailboxSerializer(StrictModelSerializer):
    failed = serializers.IntegerField(read_only=True, help_text="Messages that failed.")
    held = serializers.IntegerField(read_only=True, help_text="Messages held by the cap.")
    has_token = serializers.SerializerMethodField()

    class Meta:
        model = Mailbox
        fields = ["id", "name", "address", "enabled", "host", "port", "use_tls", "username",
                  "auth_method", "password", "oauth_token_url", "oauth_client_id",
                  "oauth_client_secret", "oauth_refresh_token", "folder", "processed_folder",
                  "failed_folder", "team", "category", "service", "allow_unknown_senders",
                  "internal_note_marker", "max_message_bytes", "sender_hourly_cap",
                  "poll_interval_seconds", "has_token", "last_poll_at", "last_error",
                  "last_error_at", "supports_idle", "failed", "held"]
        read_only_fields = ["last_poll_at", "last_error", "last_error_at", "supports_idle"]
        extra_kwargs = dict.fromkeys(mailboxes.SECRETS, SECRET)

    def get_has_token(self, mailbox) -> bool:
        return bool(mailbox.token_hash)

    def _save(self, mailbox, validated_data):
        try:
            return mailboxes.mailbox_save(mailbox=mailbox, actor=self.context["request"].user,
                                          **validated_data)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else
                {"non_field_errors": error.messages}) from None

    def create(self, validated_data):
        return self._save(Mailbox(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


Token = inline_serializer("InboundToken", {
    "token": serializers.CharField(help_text="Shown once: Authorization: Bearer <token>."),
    "endpoint": serializers.CharField(),
})


@extend_schema_view(
    list=extend_schema(summary="Mailboxes Tend reads (admins)"),
    retrieve=extend_schema(summary="One mailbox (secrets are never returned)"),
    create=extend_schema(summary="Add a mailbox", responses={201: MailboxSerializer,
                                                             400: BAD_REQUEST}),
    update=extend_schema(summary="Replace a mailbox's settings (blank secrets are kept)",
                         responses={200: MailboxSerializer, 400: BAD_REQUEST}),
    partial_update=extend_schema(summary="Change a mailbox (blank secrets are kept)",
                                 responses={200: MailboxSerializer, 400: BAD_REQUEST}),
    destroy=extend_schema(summary="Delete a mailbox that never received mail",
                          responses={204: None, 400: BAD_REQUEST}),
)
@extend_schema(tags=["inbound"])
class MailboxViewSet(viewsets.ModelViewSet):
    serializer_class = MailboxSerializer
    permission_classes = [MailboxPermission, ConfirmedRecently]
    queryset = Mailbox.objects.none()  # DjangoModelPermissions reads the model from it

    def get_queryset(self):
        return mailboxes_with_counts().order_by("name")

    def perform_destroy(self, instance):
        try:
            mailboxes.mailbox_delete(mailbox=instance, actor=self.request.user)
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"non_field_errors": error.messages}) from None

    @extend_schema(summary="Make the inbound endpoint's token (the old one stops working)",
                   request=None, responses={200: Token})
    @action(detail=True, methods=["post"], url_path="rotate-token")
    def rotate_token(self, request, pk=None):
        mailbox = self.get_object()
        token = mailboxes.mailbox_token_rotate(mailbox=mailbox, actor=request.user)
        response = Response({"token": token,
                             "endpoint": request.build_absolute_uri("/api/v1/inbound/email/")})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(summary="Read the mailbox now (a worker polls it within seconds)",
                   request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def poll(self, request, pk=None):
        mailboxes.mailbox_poll_soon(mailbox=self.get_object(), actor=request.user)
        return Response(status=202)


def register(router) -> None:
    router.register("mailboxes", MailboxViewSet, basename="api-mailbox")

