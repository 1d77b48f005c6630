"""Single sign-on in real headless Chromium through a real OpenID provider (the test
project in tests/oidc_provider, its own process on 127.0.0.1): Tend's sign-in page →
the provider's button → the provider's own sign-in form → back in Tend, signed in with
the role the provider's groups map to; a later sign-in follows a group change; an
unverified address that a Tend account already uses is refused. The pages seen on the
way are audited by axe (the a11y suite cannot reach them without a provider)."""

import pytest

from itsm.models import User
from tests.e2e.test_accessibility import AXE, AXE_URL, audit
from tests.factories import TeamFactory, UserFactory
from tests.itsm.sso_flow import provider_app
from tests.oidc_provider.server import oidc_provider  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def new_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(f"{live_server.url}{AXE_URL}",
                  lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    return context, context.new_page()


def through_the_provider(page, live_server, username, *, at_provider=True):
    page.goto(f"{live_server.url}/accounts/login/?next=/desk/")
    page.get_by_role("button", name="Sign in with Corporate ID").click()
    if at_provider:
        expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "idp-pass")
        page.get_by_role("button", name="Continue to the application").click()
    page.wait_for_url(lambda url: url.startswith(live_server.url)
                      and "/accounts/login/" not in url and "/accounts/oidc/" not in url)


def roles_of(email: str) -> set[str]:
    return set(User.objects.get(email=email).groups.values_list("name", flat=True))


def test_a_dse_signs_in_through_the_provider_and_gets_the_mapped_role(
        browser, live_server, oidc_provider, shots):  # noqa: F811 - the imported fixture
    TeamFactory(name="Network")
    provider_app(oidc_provider, provider_id="corp", name="Corporate ID",
                 base_url=live_server.url, roles={"it-support": "DSE"},
                 teams={"it-support": "Network"})
    oidc_provider.user("nina", email="nina@example.com", groups=["it-support"],
                       first_name="Nina", last_name="Net")
    context, page = new_page(browser, live_server)
    found: list[str] = []
    page.goto(f"{live_server.url}/accounts/login/")
    audit(page, "/accounts/login/ with a provider", found)
    page.screenshot(path=f"{shots}/sso-1-login.png", full_page=True)

    through_the_provider(page, live_server, "nina")
    assert page.url == f"{live_server.url}/desk/"  # `next` survived the round trip
    expect(page.get_by_role("link", name="Desk")).to_be_visible()
    page.screenshot(path=f"{shots}/sso-2-desk.png", full_page=True)
    nina = User.objects.get(email="nina@example.com")
    assert roles_of(nina.email) == {"DSE"} and nina.get_full_name() == "Nina Net"
    assert list(nina.teams.values_list("name", flat=True)) == ["Network"]
    context.close()

    # The provider moves Nina out of IT support; her next sign-in takes the role away.
    oidc_provider.user("nina", email="nina@example.com", groups=["sales"],
                       first_name="Nina", last_name="Net")
    context, page = new_page(browser, live_server)
    through_the_provider(page, live_server, "nina")
    assert roles_of(nina.email) == {"End user"}
    assert not nina.teams.exists()
    page.goto(f"{live_server.url}/desk/")
    expect(page.get_by_role("link", name="Desk")).to_have_count(0)
    assert User.objects.filter(email="nina@example.com").count() == 1
    context.close()
    assert not found, "\n".join(found)


def test_an_unverified_address_of_an_existing_account_is_refused(
        browser, live_server, oidc_provider, shots):  # noqa: F811 - the imported fixture
    provider_app(oidc_provider, provider_id="corp", name="Corporate ID",
                 base_url=live_server.url)
    alice = UserFactory(username="alice", email="alice@example.com", role="End user")
    oidc_provider.user("not-alice", email="alice@example.com", email_verified=False)
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Corporate ID").click()
    page.fill("input[name=username]", "not-alice")
    page.fill("input[name=password]", "idp-pass")
    page.get_by_role("button", name="Continue to the application").click()
    expect(page.get_by_role("heading", name="Sign-in with Corporate ID refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("did not confirm the e-mail address")
    page.screenshot(path=f"{shots}/sso-3-refused.png", full_page=True)
    found: list[str] = []
    audit(page, "the refused page", found)
    page.goto(f"{live_server.url}/accounts/sso/error/")
    audit(page, "the sign-in error page", found)
    page.goto(f"{live_server.url}/accounts/sso/cancelled/")
    audit(page, "the cancelled page", found)
    assert not found, "\n".join(found)
    page.goto(f"{live_server.url}/home/")
    assert "/accounts/login/" in page.url  # not signed in as anyone
    assert User.objects.filter(email="alice@example.com").get() == alice
    context.close()
