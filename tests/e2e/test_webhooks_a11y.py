"""The webhook pages (admins) pass axe-core WCAG 2.1 AA at desktop and 390 px, with a
logged delivery and a newly shown secret. The whole-site audit (test_accessibility.py)
opens them too; this one is quick to run on its own and covers the secret-once page."""

import pytest

from integrations.models import Endpoint
from tests.e2e.test_accessibility import audit, sign_in
from tests.integrations.webhook_rules import webhook_world

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_webhook_pages_pass_axe(browser, live_server, ada, team):
    pks = webhook_world(admin=ada)
    endpoint = Endpoint.objects.get()
    context, page = sign_in(browser, live_server, "ada")
    found: list[str] = []
    base = live_server.url
    for url in ("/desk/webhooks/", "/desk/webhooks/new/",
                f"/desk/webhooks/{endpoint.pk}/", f"/desk/webhooks/{endpoint.pk}/edit/",
                f"/desk/webhooks/deliveries/{pks['integrations:delivery']}/"):
        response = page.goto(base + url, wait_until="load")
        assert response.status == 200, url
        audit(page, url, found)
    page.goto(f"{base}/desk/webhooks/{endpoint.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())  # tend.js asks first
    page.click("form[action$='/rotate/'] button")
    page.wait_for_selector("[data-new-secret]")
    audit(page, "rotated secret shown once", found)
    page.goto(f"{base}/desk/webhooks/new/")
    page.click("main button[type=submit]")  # nothing filled in: the form's errors
    audit(page, "webhook form with errors", found)
    context.close()
    assert not found, "\n".join(found)
