"""In a real browser: suggestions appear while typing a ticket title (htmx), an article opens
without losing the half-written ticket, "No, file my ticket" carries on, "This solved it"
ends the filing with no ticket; the form with suggestions and preview open passes axe."""

import pytest
from django.urls import reverse

from knowledge.models import Audience, Deflection
from tests.e2e.conftest import browser  # noqa: F401 - the Chromium fixture
from tests.e2e.test_accessibility import audit, sign_in
from tests.knowledge.conftest import make_article
from tickets.models import Ticket

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_suggestion_can_end_the_filing_and_passes_axe(browser, live_server,  # noqa: F811
                                                        alice, dee):
    from playwright.sync_api import expect

    article = make_article(dee, title="Outlook keeps asking for your password",
                           symptoms="A credentials prompt comes back again and again.",
                           audience=Audience.CUSTOMERS)
    make_article(dee, title="Outlook password runbook", audience=Audience.INTERNAL)
    context, page = sign_in(browser, live_server, "alice")
    page.goto(live_server.url + reverse("portal:new"))
    page.fill("#id_description", "Half-written: it started this morning.")
    page.locator("#id_title").press_sequentially("outlook asks password", delay=20)
    suggestions = page.locator("#kb-suggestions li")
    expect(suggestions).to_have_count(1)  # the internal runbook is not for alice
    expect(suggestions.first).to_contain_text(article.title)
    page.locator("#kb-suggestions li a").first.click()
    expect(page.locator(".kb-preview")).to_contain_text("credentials prompt")
    found: list[str] = []
    audit(page, "new ticket, suggestions and preview open", found)
    assert not found, "\n".join(found)
    page.get_by_role("button", name="No, file my ticket").click()
    expect(page.locator(".kb-preview")).to_have_count(0)
    assert page.input_value("#id_description") == "Half-written: it started this morning."
    page.locator("#kb-suggestions li a").first.click()
    page.get_by_role("button", name="This solved it").click()
    page.wait_for_url(live_server.url + reverse("portal:home"))
    expect(page.locator(".alert-success")).to_contain_text("No ticket was filed")
    context.close()
    deflection = Deflection.objects.get()
    assert deflection.solved_by_id == article.pk and deflection.user_id == alice.pk
    assert not Ticket.objects.exists()
