"""`Authorization: Token <key>`: a person's API token (itsm/models/person_token.py).

A revoked or expired token, or one of a deactivated account, is a 401 that says which.
A read-only token may GET, HEAD and OPTIONS; anything else is a 403 here, before any
view runs, so no endpoint can forget it. The user's permissions apply as with a session.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from itsm.services import tokens

KEYWORD = "Token"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # another scheme (or none): the next class decides
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send: Authorization: Token <key>.")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = tokens.token_find(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token was revoked.")
        if not token.is_live():
            raise exceptions.AuthenticationFailed("This token expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This account is deactivated.")
        if token.read_only and request.method not in permissions.SAFE_METHODS:
            raise exceptions.PermissionDenied("This token is read-only.")
        tokens.token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD  # a 401 with WWW-Authenticate: Token, as DRF's own class answered


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "itsm.api.auth_token.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key>`: a personal API token (POST "
                               "/api/v1/auth/tokens/ or /api/v1/auth/token/)."}
