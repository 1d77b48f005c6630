"""Second factors in real headless Chromium: a TOTP app with codes computed here, and a
security key (Chromium's virtual authenticator over CDP) enrolled and used to sign in.

WebAuthn needs a secure context and a domain as relying party id, so the pages are opened
at http://localhost:<port> (the live server on the loopback), never by IP address.
"""

import re

import pytest
from allauth.mfa.models import Authenticator

from tests.e2e.test_accessibility import AXE, AXE_URL, audit
from tests.factories import UserFactory
from tests.itsm.web.mfa_helpers import totp

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def base(live_server, settings):
    settings.TEND_MFA_REQUIRED_ROLES = ["DSE", "Manager", "Admin"]
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    return re.sub(r"//[^:/]+", "//localhost", live_server.url, count=1)


def new_page(browser, base, viewport):
    context = browser.new_context(viewport=viewport)
    context.route(f"{base}{AXE_URL}",  # axe from the site's origin, as in the a11y test
                  lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    return context, context.new_page()


def password_step(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")


def sign_out(page):
    page.evaluate("document.querySelector('form[action=\"/accounts/logout/\"]').submit()")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_a_dse_enrols_a_security_key_and_signs_in_with_it(browser, base, shots):
    UserFactory(username="kim", role="DSE")
    context, page = new_page(browser, base, {"width": 1280, "height": 900})
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})

    password_step(page, base, "kim")
    page.goto(f"{base}/desk/")  # staff without a second factor are sent to enrol
    assert page.url.endswith("/accounts/2fa/")
    assert "needs a second factor" in page.content()
    page.click("text=Add a key")
    page.fill("input[name=name]", "Virtual key")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user__username="kim", type="webauthn").exists()
    page.screenshot(path=f"{shots}/mfa-key-added.png")

    found: list[str] = []
    key = Authenticator.objects.get(user__username="kim", type="webauthn")
    for path in ("/accounts/2fa/", "/accounts/2fa/webauthn/",
                 f"/accounts/2fa/webauthn/keys/{key.pk}/edit/",
                 f"/accounts/2fa/webauthn/keys/{key.pk}/remove/",
                 "/accounts/2fa/recovery-codes/"):
        page.goto(base + path)
        audit(page, path, found)
    assert not found, "\n".join(found)

    sign_out(page)
    password_step(page, base, "kim")
    assert "/accounts/2fa/authenticate/" in page.url
    found = []
    audit(page, "second step", found)
    assert not found, "\n".join(found)
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)
    page.goto(f"{base}/desk/")
    assert page.url.rstrip("/").endswith("/desk")
    context.close()


def test_totp_in_the_browser(browser, base):
    UserFactory(username="tom", role="DSE")
    context, page = new_page(browser, base, {"width": 390, "height": 844})
    password_step(page, base, "tom")
    page.goto(f"{base}/accounts/2fa/totp/activate/")
    found: list[str] = []
    audit(page, "totp activate", found)
    assert not found, "\n".join(found)
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", totp(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    assert Authenticator.objects.filter(user__username="tom", type="totp").exists()
    context.close()
