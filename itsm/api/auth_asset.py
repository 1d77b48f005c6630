"""`Authorization: Bearer tend_asset_…`: an agent acting for the one asset its token names.

The request's user stays anonymous, so the token grants nothing on endpoints that do not
list this class; those that do (metrics push, inventory) compare `request.auth.asset_id`
with the asset in the URL (`token_writes_asset`). Unknown or revoked keys are a 401.
"""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from itsm.models.asset_token import AssetToken
from itsm.services import asset_tokens

KEYWORD = "Bearer"


class AssetTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # someone else's scheme: the next class decides
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send: Authorization: Bearer <asset token>.")
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid asset token.") from None
        token = asset_tokens.asset_token_find(plaintext)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid asset token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This asset token was revoked.")
        asset_tokens.asset_token_touch(token=token)
        return AnonymousUser(), token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'  # makes DRF answer 401, not 403


def token_writes_asset(request, asset_id) -> bool | None:
    """None: not an asset token; True/False: the token is (not) for asset `asset_id`."""
    if not isinstance(request.auth, AssetToken):
        return None
    return str(request.auth.asset_id) == str(asset_id)


class AssetTokenOrPermission(permissions.BasePermission):
    """An asset token of the URL's asset (`pk` kwarg), or a signed-in user with `perm`."""

    perm = ""
    message = "This token may only write its own asset."

    def has_permission(self, request, view):
        own = token_writes_asset(request, view.kwargs.get("pk"))
        if own is not None:
            return own
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(self.perm))


class AssetTokenScheme(OpenApiAuthenticationExtension):
    target_class = "itsm.api.auth_asset.AssetTokenAuthentication"
    name = "assetToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A per-asset agent token (tend_asset_…); writes only its asset."}
