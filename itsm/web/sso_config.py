"""Single sign-on settings: identity providers given by environment, made into allauth's app
settings, and the socialaccount settings Tend runs with (`sso_settings`).

TEND_OIDC_PROVIDERS is a JSON list, one object per OpenID Connect issuer:

    {"id": "entra", "name": "Microsoft", "issuer": "https://login.microsoftonline.com/<tenant>/v2.0",
     "client_id": "…", "secret": "…", "roles_claim": "groups",
     "roles": {"<group id>": "DSE"}, "teams": {"<group id>": "Service Desk"}}

`id` is the key identities are stored under with the subject, so it names one issuer for
good: give another issuer another id. Any other key (`scope`, `fetch_userinfo`,
`token_auth_method`, `create_accounts`, `default_role`, `teams_claim`…) is passed into the
app's settings as it is. Read by itsm/config/settings.py: no Django import here.
"""

import re

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
LOCAL = ("http://127.0.0.1", "http://localhost", "http://[::1]")


class ProviderConfigError(ValueError):
    pass


def _require(entry: dict, key: str, index: int) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProviderConfigError(f"TEND_OIDC_PROVIDERS[{index}] needs a {key!r} string.")
    return value.strip()


def oidc_apps(entries, *, debug: bool = False) -> list[dict]:
    """allauth's APPS list for provider "openid_connect"; raises on a bad entry."""
    if not isinstance(entries, list):
        raise ProviderConfigError("TEND_OIDC_PROVIDERS must be a JSON list of objects.")
    apps, seen = [], set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ProviderConfigError(f"TEND_OIDC_PROVIDERS[{index}] must be an object.")
        provider_id = _require(entry, "id", index)
        if not SLUG.match(provider_id) or provider_id in seen:
            raise ProviderConfigError(
                f"TEND_OIDC_PROVIDERS[{index}]: id {provider_id!r} must be unique, lower "
                "case letters, digits, - or _.")
        seen.add(provider_id)
        issuer = _require(entry, "issuer", index).rstrip("/")
        if not (issuer.startswith("https://") or (debug and issuer.startswith(LOCAL))):
            raise ProviderConfigError(
                f"TEND_OIDC_PROVIDERS[{index}]: the issuer must be an https:// URL.")
        for key in ("roles", "teams"):
            if not isinstance(entry.get(key, {}), dict):
                raise ProviderConfigError(
                    f"TEND_OIDC_PROVIDERS[{index}]: {key!r} maps group names to names.")
        extra = {k: v for k, v in entry.items()
                 if k not in {"id", "name", "issuer", "client_id", "secret"}}
        apps.append({
            "provider_id": provider_id,
            "name": str(entry.get("name") or provider_id),
            "client_id": _require(entry, "client_id", index),
            "secret": str(entry.get("secret") or ""),
            "settings": {"server_url": issuer, "oauth_pkce_enabled": True, **extra},
        })
    return apps


def sso_settings(env, *, debug: bool) -> dict:
    """allauth.socialaccount's settings for Tend (itsm/config/settings.py merges them).

    Tend links an existing account itself, only through a verified address
    (itsm/web/sso_adapter.py), instead of allauth's e-mail authentication, which would also
    wipe the account's password. The buttons POST (no sign-in started by a link); tokens
    are not kept, as Tend calls no provider API on anyone's behalf.
    """
    try:
        apps = oidc_apps(env.json("TEND_OIDC_PROVIDERS", default=[]), debug=debug)
    except ValueError as error:  # ProviderConfigError, or JSON that does not parse
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"TEND_OIDC_PROVIDERS: {error}") from error
    return {
        "SOCIALACCOUNT_ADAPTER": "itsm.web.sso_adapter.SocialAccountAdapter",
        "SOCIALACCOUNT_AUTO_SIGNUP": True,
        "SOCIALACCOUNT_EMAIL_AUTHENTICATION": False,
        "SOCIALACCOUNT_EMAIL_VERIFICATION": "none",
        "SOCIALACCOUNT_LOGIN_ON_GET": False,
        "SOCIALACCOUNT_STORE_TOKENS": False,
        "SOCIALACCOUNT_REQUESTS_TIMEOUT": env.int("TEND_SSO_TIMEOUT_SECONDS", default=10),
        "SOCIALACCOUNT_PROVIDERS": {
            "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": apps}, "saml": {}},
        # Roles that sign in through a provider only, when they have no SignInPolicy row.
        "TEND_SSO_REQUIRED_ROLES": env.list("TEND_SSO_REQUIRED_ROLES", default=[]),
    }
