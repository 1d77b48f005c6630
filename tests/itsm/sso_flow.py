"""Helpers for the SSO tests: Tend's side as a Django test client, the provider's side as a
real HTTP client against the test identity provider (tests/oidc_provider), so every
redirect, code exchange and token check is the real one, without a browser."""

from urllib.parse import urlsplit

import httpx
from allauth.socialaccount.models import SocialApp


def provider_app(idp, *, provider_id="idp", name="Test IdP", base_url="http://testserver",
                 **settings) -> SocialApp:
    """Register Tend at the provider and the provider in Tend, as an admin would."""
    client_id, secret = f"tend-{provider_id}", f"secret-{provider_id}-0123456789"
    idp.client(client_id, secret, [f"{base_url}/accounts/oidc/{provider_id}/login/callback/"])
    return SocialApp.objects.create(
        provider="openid_connect", provider_id=provider_id, name=name, client_id=client_id,
        secret=secret, settings={"server_url": idp.issuer, **settings})


def sign_in(client, idp, username: str, *, password: str = "idp-pass",  # noqa: S107
            provider_id: str = "idp", next_url: str = ""):
    """Press the provider's button on Tend, sign in at the provider, come back; Tend's
    last answer (the callback's response)."""
    start = client.post(f"/accounts/oidc/{provider_id}/login/",
                        {"next": next_url} if next_url else {})
    assert start.status_code == 302, start
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        at_idp = browser.get(start["Location"])
        assert at_idp.status_code == 302, at_idp.text
        login_url = httpx.URL(start["Location"]).join(at_idp.headers["location"])
        browser.get(login_url)
        signed_in = browser.post(login_url, data={
            "username": username, "password": password,
            "csrfmiddlewaretoken": browser.cookies["idp_csrf"]})
        assert signed_in.status_code == 302, "the provider refused the password"
        authorized = browser.get(login_url.join(signed_in.headers["location"]))
        assert authorized.status_code == 302, authorized.text
        callback = urlsplit(authorized.headers["location"])
    assert callback.netloc == "testserver", callback
    return client.get(f"{callback.path}?{callback.query}")
