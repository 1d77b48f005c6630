"""In a browser: create a problem from an incident, make it a known error, and see the
banner on the next incident of the service; every problems page passes axe at phone and
desktop widths (the site-wide audit is tests/e2e/test_accessibility.py)."""

import pytest

from tests.e2e.conftest import browser  # noqa: F401 - the fixture, shared with the e2e tests
from tests.e2e.test_accessibility import audit, sign_in
from tests.factories import make_ticket
from tests.problems.web.role_rules import make_proposal

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_from_incident_to_known_error_banner(browser, live_server, alice, dee, service):  # noqa: F811
    first = make_ticket(alice, title="Outlook cannot connect", service=service)
    make_proposal(title="Printer jams", incidents=[make_ticket(alice, title="Jam")])
    context, page = sign_in(browser, live_server, "dee")
    page.set_viewport_size({"width": 375, "height": 800})
    base, found = live_server.url, []
    page.goto(f"{base}{first.get_desk_url()}")
    page.get_by_role("button", name="Create problem from incident").click()
    page.wait_for_url("**/desk/problems/*/")
    audit(page, "problem page", found)
    page.fill("#id_workaround", "Use **webmail** meanwhile.")
    page.get_by_role("button", name="Save and move to known error").click()
    page.locator("[data-stage=known_error]").wait_for()
    problem_url = page.url
    page.goto(f"{base}/desk/problems/")
    assert page.locator("[data-known-error]").count() == 1
    audit(page, "problem list", found)
    page.goto(f"{base}/desk/problems/possible/")
    audit(page, "possible problems", found)
    second = make_ticket(alice, title="Mail gone again", service=service)
    page.goto(f"{base}{second.get_desk_url()}")
    banner = page.locator("[data-known-error]")
    assert "webmail" in banner.inner_text()
    audit(page, "incident with the known-error banner", found)
    page.goto(problem_url)
    page.fill("#id_title", "")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator("[data-field-error=title]").wait_for()
    audit(page, "problem form with errors", found)
    context.close()
    assert not found, "\n".join(found)
