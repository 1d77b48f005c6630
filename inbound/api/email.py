"""POST /api/v1/inbound/email/: a mail service (SendGrid Inbound Parse, Mailgun, Postmark,
an MTA's pipe) posts one raw RFC 822 message for the mailbox its token names.

The body is the message itself (message/rfc822, application/octet-stream or text/plain),
or a form (multipart/form-data, x-www-form-urlencoded) whose `email` (SendGrid's raw
mode) or `body-mime` (Mailgun's MIME routes) field holds it. It is received exactly like
polled mail (inbound.services.receive): stored first, processed at most once, keyed by its
Message-ID, so a service that posts it again gets the first answer back (200, not 202).
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from inbound.api.auth import MailboxTokenAuthentication
from inbound.services.receive import message_receive

RAW_TYPES = ("message/rfc822", "application/octet-stream", "text/plain")
FORM_FIELDS = ("email", "body-mime")


class RawMessageParser(parsers.BaseParser):
    """The body as bytes; the view checks its size against the mailbox before reading
    more than that."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


class RawParser(RawMessageParser):
    media_type = "message/rfc822"


class OctetParser(RawMessageParser):
    media_type = "application/octet-stream"


class TextParser(RawMessageParser):
    media_type = "text/plain"


Received = inline_serializer("InboundReceived", {
    "id": serializers.IntegerField(),
    "message_id": serializers.CharField(),
    "state": serializers.CharField(help_text="processed, failed, held or ignored"),
    "outcome": serializers.CharField(help_text="new_ticket, reply, note, bounce, refused, "
                                               "automatic, or \"\""),
    "ticket": serializers.CharField(allow_null=True, help_text="e.g. INC-1042"),
    "duplicate": serializers.BooleanField(help_text="Received before: nothing was done."),
    "error": serializers.CharField(help_text="Why a failed message could not be read."),
})


def _raw_of(request, limit: int) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + 64 * 1024:  # room for a form's framing around the message
        raise _TooLarge(limit)
    data = request.data
    if isinstance(data, bytes):
        raw = data
    else:
        field = next((name for name in FORM_FIELDS if data.get(name)), None)
        if field is None:
            raise exceptions.ValidationError({"email": [
                "Send the raw message as the body, or in a form field named "
                "\"email\" or \"body-mime\"."]})
        value = data.get(field)
        raw = value.read() if hasattr(value, "read") else str(value).encode("utf-8")
    if not raw.strip():
        raise exceptions.ValidationError({"email": ["The message is empty."]})
    if len(raw) > limit:
        raise _TooLarge(limit)
    return raw


class _TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int):
        super().__init__({"email": [f"This mailbox takes messages of at most {limit:,} bytes."]})


class InboundEmailView(APIView):
    authentication_classes = [MailboxTokenAuthentication]
    permission_classes = []  # the mailbox token is the permission
    parser_classes = [RawParser, OctetParser, TextParser, parsers.MultiPartParser,
                      parsers.FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "inbound"

    @extend_schema(
        summary="Post one raw e-mail for the token's mailbox (mail service webhooks)",
        tags=["inbound"],
        request={"message/rfc822": {"type": "string", "format": "binary"},
                 "multipart/form-data": {"type": "object", "properties": {
                     "email": {"type": "string", "description": "The raw message"}}}},
        responses={202: Received, 200: Received,
                   400: OpenApiResponse(description="No message, or an empty one."),
                   401: OpenApiResponse(description="Unknown token or disabled mailbox."),
                   413: OpenApiResponse(description="Larger than the mailbox takes."),
                   415: OpenApiResponse(description="Another content type.")})
    def post(self, request):
        mailbox = request.auth
        raw = _raw_of(request, mailbox.max_message_bytes)
        now = timezone.now()
        row = message_receive(mailbox=mailbox, raw=raw, now=now)
        duplicate = row.received_at != now
        return Response({
            "id": row.pk, "message_id": row.message_id, "state": row.state,
            "outcome": row.outcome, "ticket": row.ticket.ref if row.ticket_id else None,
            "duplicate": duplicate, "error": row.error,
        }, status=status.HTTP_200_OK if duplicate else status.HTTP_202_ACCEPTED)
