"""/api/v1/auth/: a username and password for an API token; list and revoke your token."""

from collections.abc import Mapping

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from itsm.api.schema import DETAIL
from itsm.services import tokens
from itsm.web.limits import LoginLimiter, sign_in_name

THROTTLED = OpenApiResponse(DETAIL, description="Too many attempts from this address or for "
                                                "this name: wait, then try again.")


class TokenInfoSerializer(serializers.Serializer):
    """A token as its owner sees it: never the whole key, only enough to recognise it."""

    key_prefix = serializers.SerializerMethodField()
    created = serializers.DateTimeField()

    def get_key_prefix(self, token) -> str:
        return token.key[:6]


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
        token = tokens.token_obtain(actor=serializer.validated_data["user"])
        return Response({"token": token.key})


class MyTokensView(APIView):
    """Your API tokens: GET lists them (prefix and date), DELETE revokes them."""

    @extend_schema(responses=TokenInfoSerializer(many=True))
    def get(self, request):
        return Response(TokenInfoSerializer(tokens.tokens_of(request.user), many=True).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        tokens.token_revoke(actor=request.user)
        return Response(status=204)
