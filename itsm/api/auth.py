"""POST /api/v1/auth/token/: a username and password for an API token."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from itsm.web.sign_in import LoginLimiter


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (rate-limited like sign-in)."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=AuthTokenSerializer,
                   responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}))
    def post(self, request):
        limiter = LoginLimiter(request, str(request.data.get("username", "")))
        if limiter.blocked():
            return Response({"detail": "Too many failed attempts; try again later."}, status=429)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            limiter.failed()
            return Response(serializer.errors, status=400)
        limiter.succeeded()
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
