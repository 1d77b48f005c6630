"""/api/v1/auth/: a username and password for an API token; your tokens: list, make, revoke."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from itsm.api.fields import StrictBooleanField, StrictCharField
from itsm.api.permissions import ConfirmedRecently
from itsm.api.schema import DETAIL
from itsm.services import tokens
from itsm.web.limits import LoginLimiter, sign_in_name
from itsm.web.mfa_policy import password_alone_refused
from itsm.web.sso_policy import refuse_password_sign_in

THROTTLED = OpenApiResponse(DETAIL, description="Too many attempts from this address or for "
                                                "this name: wait, then try again.")


class TokenSerializer(serializers.Serializer):
    """A token as its owner sees it: never the key (only when made), enough to recognise it."""

    id = serializers.IntegerField(read_only=True)
    name = StrictCharField(max_length=80, help_text="What uses it, e.g. \"backup script\".")
    prefix = serializers.CharField(read_only=True, help_text="The key's first characters.")
    read_only = StrictBooleanField(required=False, default=False,
                                   help_text="GET, HEAD and OPTIONS only.")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                           help_text="Null: until revoked.")
    created_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The key: shown this once.")


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (rate-limited like sign-in)."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=AuthTokenSerializer, responses={
        200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        429: THROTTLED})
    def post(self, request):
        if not isinstance(request.data, Mapping):  # e.g. a JSON list: nothing to .get()
            raise exceptions.ValidationError(
                {"non_field_errors": ["Send an object with a username and a password."]})
        # The limiter and authentication see the same name: " dee", "dee\t" and "DEE"
        # count against dee's limit (itsm/web/limits.py).
        limiter = LoginLimiter(request, str(request.data.get("username", "")))
        if limiter.blocked():
            return Response({"detail": "Too many failed attempts; try again later."}, status=429)
        data = {"username": sign_in_name(request.data.get("username", "")),
                "password": request.data.get("password", "")}
        serializer = AuthTokenSerializer(data=data, context={"request": request})
        if not serializer.is_valid():
            limiter.failed()
            return Response(serializer.errors, status=400)
        limiter.succeeded()
        try:  # a role that must use single sign-on has no password here either
            refuse_password_sign_in(request, serializer.validated_data["user"])
        except DjangoValidationError as error:
            return Response({"non_field_errors": error.messages}, status=400)
        if password_alone_refused(serializer.validated_data["user"]):
            return Response({"non_field_errors": [
                "This account signs in with a second factor, which a password exchange "
                "cannot carry: make a token on the API tokens page (/accounts/tokens/)."]},
                status=400)
        name = request.data.get("name", "")
        try:
            _, key = tokens.token_obtain(actor=serializer.validated_data["user"],
                                         request=request,
                                         name=name if isinstance(name, str) else "")
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response({"token": key})


def _service_errors(error: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(error.message_dict if hasattr(error, "error_dict")
                                      else {"non_field_errors": error.messages})


class MyTokensView(APIView):
    """Your API tokens: list them, make one (its key shown once), or revoke them all."""

    permission_classes = [IsAuthenticated, ConfirmedRecently]
    reauth_methods = ("POST",)  # making one asks, as on the page; revoking never does

    @extend_schema(summary="Your tokens that still work, newest first",
                   responses=TokenSerializer(many=True))
    def get(self, request):
        return Response(TokenSerializer(tokens.tokens_of(request.user), many=True).data)

    @extend_schema(summary="Make a token (the answer is the only time its key is shown)",
                   request=TokenSerializer, responses={201: NewTokenSerializer,
                                                       400: OpenApiResponse(description=(
                                                           "Field → messages."))})
    def post(self, request):
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token, key = tokens.token_create(actor=request.user, request=request, via="api",
                                             **serializer.validated_data)
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        token.token = key
        response = Response(NewTokenSerializer(token).data, status=201)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(summary="Revoke all your tokens", operation_id="auth_tokens_revoke_all",
                   responses={204: None})
    def delete(self, request):
        tokens.tokens_revoke_all(actor=request.user, request=request)
        return Response(status=204)


class MyTokenView(APIView):
    """One of your tokens: see it, or revoke it (scripts using it then get 401)."""

    def _token(self, request, pk):
        token = tokens.live_tokens(request.user).filter(pk=pk).first()
        if token is None:
            raise exceptions.NotFound("No such token of yours (or it no longer works).")
        return token

    @extend_schema(summary="One of your tokens", responses={200: TokenSerializer, 404: DETAIL})
    def get(self, request, pk: int):
        return Response(TokenSerializer(self._token(request, pk)).data)

    @extend_schema(summary="Revoke one of your tokens", operation_id="auth_token_revoke",
                   responses={204: None, 404: DETAIL})
    def delete(self, request, pk: int):
        tokens.token_revoke(actor=request.user, token=self._token(request, pk), request=request)
        return Response(status=204)
