"""The audit log in a browser: the real sign-ins it records, filtered with the form, at
phone width with nothing wider than the screen, axe-clean, and its CSV downloaded."""

from pathlib import Path

import pytest

from tests.e2e.test_accessibility import WIDTHS, audit, sign_in

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_admin_filters_the_log_on_a_phone_and_exports_it(browser, live_server, ada, alice):
    refused, page = sign_in(browser, live_server, "anon")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "=cmd|' /C calc'!A0")
    page.fill("input[name=password]", "guess")
    page.click("main button[type=submit]")
    refused.close()
    context, page = sign_in(browser, live_server, "ada")

    page.set_viewport_size(WIDTHS["phone"])
    page.goto(f"{live_server.url}/desk/audit/")
    assert page.locator("tbody tr").count() == 2  # ada's sign-in, the refused one
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]["width"]
    found: list[str] = []
    audit(page, "/desk/audit/", found)
    assert not found, "\n".join(found)

    page.set_viewport_size(WIDTHS["phone"])
    page.select_option("#id_action", "sign_in_failed")
    page.click("form[aria-label='Filter the audit log'] button[type=submit]")
    page.wait_for_url(lambda url: "action=sign_in_failed" in url)
    assert page.locator("tbody tr").count() == 1
    assert "no such account" in page.locator("tbody tr").inner_text()

    with page.expect_download() as download:
        page.click("text=Export CSV")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "'=cmd|' /C calc'!A0" in text and text.count("\n") == 2
    context.close()
