"""The page a person meets when their organisation's SAML settings cannot be used
(itsm/web/sso_saml.py), in headless Chromium under axe. The SAML flow itself is
tests/itsm/test_sso_saml.py: it needs no browser, only the ACS's POST."""

import pytest
from allauth.socialaccount.models import SocialApp

from tests.e2e.test_accessibility import audit
from tests.e2e.test_sso import new_page

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_misconfigured_organisation_is_a_clear_accessible_page(browser, live_server, shots):
    SocialApp.objects.create(provider="saml", provider_id="broken", client_id="broken",
                             name="Broken", settings={"idp": {"entity_id": "x"}})
    context, page = new_page(browser, live_server)
    answer = page.goto(f"{live_server.url}/accounts/saml/broken/login/")
    assert answer.status == 404
    assert page.get_by_role("heading").first.inner_text() == (
        "Sign-in with your organisation is not available")
    page.screenshot(path=f"{shots}/saml-unavailable.png", full_page=True)
    found: list[str] = []
    audit(page, "the SAML not-available page", found)
    assert not found, "\n".join(found)
    context.close()
