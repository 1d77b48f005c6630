"""axe-core (WCAG 2.1 A and AA) on every page of every role, at desktop and phone width.

The pages come from the URLconf (as in tests/test_role_matrix.py), their parameters filled
with objects made here; each role (anonymous, alice, dee, manny, ada) opens every page and
the ones it may see (200) are audited. Every page must be audited by at least one role, so
a new page is audited without anyone adding it here. The interactive widgets (user menu,
desk filter menus, bulk bar, the htmx step rows of the plan form) are worked by keyboard
and audited again open. Any serious or critical violation fails the test, listed with its
rule, element, page and width. axe-core is vendored in tests/e2e/vendor/ (test-only).
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.capacity.web.role_rules import capacity_world
from tests.factories import make_ticket
from tests.inbound.role_rules import inbound_world
from tests.integrations.chat.role_rules import chat_world
from tests.integrations.webhook_rules import webhook_world
from tests.itsm.web.mfa_role_rules import mfa_world
from tests.knowledge.role_rules import knowledge_world
from tests.maintenance.role_rules import maintenance_world
from tests.monitoring.role_rules import monitoring_world
from tests.problems.web.role_rules import problems_world
from tests.reports.knowledge_week import knowledge_activity
from tests.test_role_matrix import RULES, _url, site_urls

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_URL = "/__test__/axe.min.js"  # never a real URL of the site: routed by the browser
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
AXE_RUN = """(exclude) => axe.run(exclude.length ? {exclude: exclude} : document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    resultTypes: ['violations']}).then(r => r.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact,
                    targets: v.nodes.map(n => n.target.join(' '))})))"""

# Not HTML pages, so not audited: the API (JSON; its Swagger page api-docs *is* audited),
# the OpenAPI schema (YAML), ticket and article attachment downloads, a received mail's
# original (.eml), the audit log's CSV, and the heartbeat pings (plain text for cron
# jobs). The Django admin is audited below through Tend's own admin pages only.
NOT_HTML = {"schema", "attachment", "knowledge:file", "inbound:message_raw", "audit_export",
            "monitoring:ping", "monitoring:ping_start", "monitoring:ping_fail"}
# Single sign-on's endpoints are redirects, XML (SAML metadata) or answers to a provider;
# its pages a person sees on the way (refused, failed) are audited in tests/e2e/test_sso.py.
NOT_HTML |= {"openid_connect_callback", "saml_login", "saml_metadata", "saml_acs",
             "saml_finish_acs", "saml_sls", "socialaccount_signup", "socialaccount_login_error"}
# Second-factor pages that exist only once someone has that factor (a key to rename or
# remove, an app to turn off, recovery codes to show or download as text): audited in
# tests/e2e/test_mfa.py after a real key and app are enrolled.
NOT_HTML |= {"mfa_edit_webauthn", "mfa_remove_webauthn", "mfa_deactivate_totp",
             "mfa_view_recovery_codes", "mfa_download_recovery_codes"}
# htmx fragments, not pages: audited inside the page that loads them (plan form, desk
# ticket of a maintenance occurrence, the portal form's article suggestions, the desk
# ticket page's suggested articles).
FRAGMENTS = {"maintenance:plan_preview", "maintenance:plan_step_row", "maintenance:work_panel",
             "knowledge:portal_suggest", "knowledge:portal_suggest_article",
             "knowledge:desk_ticket_suggestions"}
ROLES = ("anon", "alice", "dee", "manny", "ada")


def _post_only(name: str) -> bool:
    """GET is refused to everyone signed in (405): a form action, not a page."""
    rule = RULES.get(name)  # a URL without a rule fails tests/test_role_matrix.py
    return bool(rule) and all(expected == 405 for persona, expected in rule.get.items()
                              if persona != "anon")


def page_urls(world) -> dict[str, str]:
    """name -> URL of every HTML page of the site."""
    def is_page(name: str, route: str) -> bool:
        if name == "api-docs":
            return True
        if route.startswith("api/") or name.startswith("api-"):
            return False
        return name not in NOT_HTML | FRAGMENTS and not _post_only(name)

    return {name: _url(route, name, world) for name, route in site_urls().items()
            if is_page(name, route)}


@pytest.fixture
def world(alice, bob, dee, manny, ada, team):
    from maintenance.models import Occurrence
    from tickets import services

    ticket = make_ticket(alice, title="Laptop will not start", team=team,
                         checklist=[{"text": "Check the charger"}],
                         files=[SimpleUploadedFile("log.txt", b"boot log")])
    services.comment_add(ticket=ticket, actor=dee, body="Hold the power button.")
    services.comment_add(ticket=ticket, actor=dee, body="Secret note", internal=True)
    resolved = make_ticket(alice, title="Printer out of toner", team=team)
    services.ticket_transition(ticket=resolved, actor=dee, to="resolved")
    make_ticket(bob, title="VPN drops every hour", team=team, kind="request")
    pks = {**maintenance_world(dee=dee, team=team, ticket=ticket), **monitoring_world(),
           **knowledge_world(dee=dee, alice=alice), **capacity_world(dee=dee),
           **problems_world(dee=dee, alice=alice), **inbound_world(ticket=ticket),
           **chat_world(team=team), **webhook_world(admin=ada), **mfa_world()}
    _check_history(pks["monitoring:check"])
    # An identity provider: the sign-in page shows its button, "x" its confirmation page.
    SocialApp.objects.create(provider="openid_connect", provider_id="x", name="Contoso",
                             client_id="tend", settings={"server_url": "https://idp.invalid"})
    # The knowledge report is audited with a chart and rows in each of its sections.
    knowledge_activity(article_pk=pks["knowledge:desk_article"], ticket=resolved, dee=dee,
                       alice=alice)
    work = Occurrence.objects.filter(ticket__isnull=False).first()
    extra = [f"/t/{resolved.ref}/", "/desk/?view=open", f"/desk/tickets/{resolved.ref}/",
             "/help/?q=restart"]
    if work:
        extra.append(f"/desk/tickets/{work.ticket.ref}/")
    return {"users": {"alice": alice, "bob": bob, "dee": dee, "manny": manny, "ada": ada},
            "ref": ticket.ref, "pk": pks, "extra": extra}


def _check_history(check_id: int) -> None:
    """Two hours of results, ending down: the board's badges, the charts and an incident."""
    from monitoring.probes import ProbeResult
    from monitoring.services import dispatch

    now = timezone.now()
    dispatch.check_results_process(results=[
        ProbeResult(check_id=check_id, planned_at=now - timedelta(minutes=5 * i),
                    ran_at=now - timedelta(minutes=5 * i), latency_ms=10.0 + i,
                    outcome="down" if i < 4 else "up", message="timeout" if i < 4 else "")
        for i in range(24, 0, -1)])


def sign_in(browser, live_server, username):
    context = browser.new_context(viewport=WIDTHS["desktop"])
    # axe is served from the site's own origin, so the pages' CSP (script-src 'self') stays
    # on and the pages look as they do for users (no inline script or style slips through).
    context.route(f"{live_server.url}{AXE_URL}",
                  lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page = context.new_page()
    if username != "anon":
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pw")
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return context, page


# Swagger UI draws the API docs page itself (a third-party widget, like the Django admin's
# own templates): Tend's part of that page (language, title) is audited, its widgets are not.
THIRD_PARTY = {"/api/docs/": ["#swagger-ui"]}
# What axe files under "best practice" but a careful product gets right on every page: one
# <main>, and every landmark of a kind told apart by its label.
LANDMARKS = """() => {
    const problems = [];
    if (document.querySelectorAll('main').length !== 1) problems.push('not exactly one <main>');
    for (const tag of ['nav', 'aside', 'form[aria-label]']) {
        const all = [...document.querySelectorAll(tag)];
        const names = all.map(e => e.getAttribute('aria-label')
                                   || e.getAttribute('aria-labelledby'));
        if (all.length > 1 && (names.includes(null) || new Set(names).size !== names.length))
            problems.push(`${all.length} <${tag}> not told apart by aria-label`);
    }
    return problems;
}"""
NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def audit(page, where: str, found: list[str], exclude=()) -> None:
    """Run axe at both widths on the page as it is now; add what fails to `found`."""
    if not where.startswith("/admin/"):  # the Django admin's own layout is Django's
        found.extend(f"landmarks: {problem} on {where}" for problem in page.evaluate(LANDMARKS))
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.evaluate(NEXT_FRAME)  # resize handlers (tend.js scroll regions) have run
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(url=AXE_URL)
        for v in page.evaluate(AXE_RUN, list(exclude)):
            found.extend(f"{v['id']} ({v['impact']}) {target} on {where} at {width}"
                         for target in v["targets"])
    page.set_viewport_size(WIDTHS["desktop"])


def open_page(page, url: str, name: str, actions: set[str]) -> bool:
    """Open url; True when this role may see it (200), False for 403/404/sign-in. A URL
    with no role rule yet that refuses GET (405) is a form action: added to `actions`."""
    if name not in RULES and page.request.get(url).status == 405:
        actions.add(name)
        return False
    response = page.goto(url, wait_until="load")
    if page.locator('[hx-trigger="load"]').count():  # a panel that arrives after the page
        page.wait_for_load_state("networkidle")
    status = response.status if response else 0
    assert status in (200, 403, 404), f"{url}: HTTP {status}"
    # Sent to a sign-in page (the site's or the admin's): not this role's page. A sign-in
    # page asked for itself (anonymous, the provider's "continue" page) is audited.
    return status == 200 and (page.url == url or "/login/" not in page.url)


def widgets(page, base: str, found: list[str]) -> None:
    """The keyboard-driven widgets of the desk and the plan form, audited open."""
    page.goto(f"{base}/desk/?view=open")
    page.set_viewport_size(WIDTHS["desktop"])
    # The skip link comes first and lands on <main>.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    # The user menu: reached by Tab along the main nav, opened with Enter.
    menu = page.locator("nav .dropdown-toggle").last  # the user menu, after Self-service
    for _ in range(20):
        page.keyboard.press("Tab")
        if menu.evaluate("e => e === document.activeElement"):
            break
    else:
        raise AssertionError("user menu: not reachable with Tab")
    page.keyboard.press("Enter")
    page.locator("nav .dropdown-menu.show").wait_for()
    first = page.locator("nav .dropdown-menu.show .dropdown-item").first
    page.keyboard.press("ArrowDown")
    assert first.evaluate("e => e === document.activeElement"), "user menu: arrow keys"
    audit(page, "desk queue, user menu open", found)
    page.keyboard.press("Escape")
    # The filter menus: <details> opened with Enter on their summary, boxes ticked by Space.
    for summary in page.locator("details.filter-menu > summary").all():
        summary.focus()
        page.keyboard.press("Enter")
        assert summary.evaluate("e => e.parentElement.open"), "filter menu opens with Enter"
    audit(page, "desk queue, filter menus open", found)
    page.reload()
    # The bulk bar: shown once a row is ticked (by Space on its box).
    box = page.locator("#bulk-form input[name=ticket]").first
    box.focus()
    page.keyboard.press("Space")
    page.locator("#bulk-form [data-bulk-bar]").wait_for(state="visible")
    audit(page, "desk queue, bulk bar shown", found)
    # The plan form's htmx rows and preview.
    page.goto(f"{base}/desk/maintenance/plans/new/")
    from playwright.sync_api import expect

    steps = page.locator("#steps .step-row")
    rows = steps.count()
    page.locator("[hx-get*='step-row']").focus()
    page.keyboard.press("Enter")
    expect(steps).to_have_count(rows + 1)
    audit(page, "new maintenance plan, a step row added", found)


def test_every_page_of_every_role_passes_axe(browser, live_server, world):
    base = live_server.url
    pages = page_urls(world)
    urls = {**{url: name for name, url in pages.items()},
            **{url: url for url in world["extra"]},
            "/admin/": "admin:index",
            "/admin/maintenance/advisory/": "admin: advisories (Tend's import button)",
            "/admin/maintenance/advisory/import/": "admin: import CSV (Tend's page)"}
    found: list[str] = []
    audited: set[str] = set()
    actions: set[str] = set()
    for role in ROLES:
        context, page = sign_in(browser, live_server, role)
        seen = set()
        for url, name in urls.items():
            if not open_page(page, base + url, name, actions):
                continue
            audited.add(name)
            if page.url in seen:  # a redirect to a page already audited
                continue
            seen.add(page.url)
            audit(page, f"{url} as {role}", found, THIRD_PARTY.get(url, ()))
        if role == "dee":
            widgets(page, base, found)
        context.close()
    # Names that share a URL (allauth's "account_login" is Tend's "login") were opened
    # with it.
    audited |= {name for name, url in pages.items() if urls.get(url) in audited}
    unopened = set(pages) - audited - actions
    by_rule: dict[str, int] = {}
    for line in found:
        by_rule[line.split(" ", 1)[0]] = by_rule.get(line.split(" ", 1)[0], 0) + 1
    print(f"audited {len(audited)} pages; by rule: {json.dumps(by_rule, sort_keys=True)}")
    assert not unopened, f"pages no role could open: {unopened}"
    assert not found, (f"{len(found)} serious/critical axe violations "
                       f"{json.dumps(by_rule, sort_keys=True)}:\n" + "\n".join(found))
