"""Who may reach what: every URL of the site × every role, generated from the URLconf.

A URL without a rule here fails `test_every_url_has_a_rule`, so a new page cannot ship
without deciding who may see it. Personas: anon; alice, an end user who owns the sample
ticket; bob, another end user; dee, a DSE; manny, a manager (reads everything, changes
nothing). Each request runs in a rolled-back savepoint, so personas do not disturb each
other. Expected values: an HTTP status, LOGIN (redirect to sign-in) or OK (allowed: any
answer below 400, or 400 for a form/field error on the minimal body we send).
"""

import re
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.capacity.web.role_rules import capacity_rules, capacity_world
from tests.factories import api_key, make_ticket
from tests.inbound.role_rules import inbound_rules, inbound_world
from tests.integrations.chat.role_rules import chat_rules, chat_world
from tests.integrations.webhook_rules import webhook_rules, webhook_world
from tests.itsm.sso_role_rules import sso_rules
from tests.itsm.web.mfa_role_rules import mfa_rules, mfa_world
from tests.knowledge.role_rules import knowledge_rules, knowledge_world
from tests.maintenance.role_rules import maintenance_rules, maintenance_world
from tests.monitoring.role_rules import monitoring_rules, monitoring_world
from tests.problems.web.role_rules import problems_rules, problems_world
from tickets import services

LOGIN, OK = "login", "ok"
PERSONAS = ("anon", "alice", "bob", "dee", "manny")


@dataclass
class Rule:
    get: dict = field(default_factory=dict)
    post: dict = field(default_factory=dict)
    api: bool = False  # authenticate with a token header instead of a session


def who(anon, alice, bob, dee, manny):
    return dict(zip(PERSONAS, (anon, alice, bob, dee, manny), strict=True))


PUBLIC = who(200, 200, 200, 200, 200)
SIGNED_IN = who(LOGIN, 200, 200, 200, 200)
STAFF_PAGE = who(LOGIN, 403, 403, 200, 200)
AGENT_POST = who(LOGIN, 403, 403, OK, 403)
POST_ONLY = who(LOGIN, 405, 405, 405, 405)  # the method is refused before anything is read
OWN_TICKET = who(LOGIN, 200, 404, 200, 200)
DESK_TICKET_POST = who(LOGIN, 403, 403, OK, 403)
REQUESTER_POST = who(LOGIN, OK, 404, 403, 403)
API_ANY = who(401, 200, 200, 200, 200)
API_OWN = who(401, 200, 404, 200, 200)
API_STAFF_READ = who(401, 403, 403, 200, 200)
API_ADMIN_WRITE = who(401, 403, 403, 403, 403)
REPORT_PAGE = who(LOGIN, 403, 403, 403, 200)
API_REPORTS = who(401, 403, 403, 403, 200)

RULES: dict[str, Rule] = {
    # Accounts and landing
    "home": Rule(get=who(LOGIN, 302, 302, 302, 302)),
    "login": Rule(get=who(200, 302, 302, 302, 302)),
    "logout": Rule(get=who(405, 405, 405, 405, 405), post=who(302, 302, 302, 302, 302)),
    "password_change": Rule(get=SIGNED_IN),
    "password_change_done": Rule(get=SIGNED_IN),
    "password_reset": Rule(get=PUBLIC),
    "password_reset_done": Rule(get=PUBLIC),
    "password_reset_confirm": Rule(get=PUBLIC),
    "password_reset_complete": Rule(get=PUBLIC),
    "account_tokens": Rule(get=SIGNED_IN, post=who(LOGIN, OK, OK, OK, OK)),
    # Portal
    "portal:home": Rule(get=SIGNED_IN),
    "portal:new": Rule(get=SIGNED_IN, post=who(LOGIN, OK, OK, OK, OK)),
    "portal:ticket": Rule(get=OWN_TICKET),
    "portal:reply": Rule(get=POST_ONLY, post=who(LOGIN, OK, 404, OK, 403)),
    "portal:confirm": Rule(get=POST_ONLY, post=REQUESTER_POST),
    "portal:reopen": Rule(get=POST_ONLY, post=REQUESTER_POST),
    "portal:rate": Rule(get=POST_ONLY, post=REQUESTER_POST),
    "portal:cancel": Rule(get=POST_ONLY, post=REQUESTER_POST),
    "attachment": Rule(get=OWN_TICKET),
    # Desk
    "desk:queue": Rule(get=STAFF_PAGE),
    "desk:new": Rule(get=who(LOGIN, 403, 403, 200, 403), post=AGENT_POST),
    "desk:bulk": Rule(get=POST_ONLY, post=AGENT_POST),
    "desk:ticket": Rule(get=STAFF_PAGE),
    "desk:reply": Rule(get=POST_ONLY, post=DESK_TICKET_POST),
    "desk:update": Rule(get=POST_ONLY, post=DESK_TICKET_POST),
    "desk:transition": Rule(get=POST_ONLY, post=DESK_TICKET_POST),
    "desk:log_time": Rule(get=POST_ONLY, post=DESK_TICKET_POST),
    "desk:assign_me": Rule(get=POST_ONLY, post=DESK_TICKET_POST),
    # API
    "api-root": Rule(get=API_ANY, api=True),
    "schema": Rule(get=API_ANY),
    "api-docs": Rule(get=SIGNED_IN),
    "api-token": Rule(get=who(405, 405, 405, 405, 405), post=who(400, 400, 400, 400, 400),
                      api=True),
    "api-tokens": Rule(get=API_ANY, post=who(401, OK, OK, OK, OK), api=True),
    "api-token-detail": Rule(get=who(401, 200, 404, 404, 404),
                             post=who(401, 405, 405, 405, 405), api=True),
    "api-ticket-list": Rule(get=API_ANY, post=who(401, 400, 400, 400, 400), api=True),
    "api-ticket-detail": Rule(get=API_OWN, post=who(401, 405, 405, 405, 405), api=True),
    "api-ticket-attachments": Rule(get=API_OWN, post=who(401, 400, 404, 400, 403), api=True),
    "api-ticket-comments": Rule(get=API_OWN, post=who(401, 400, 404, 400, 403), api=True),
    "api-ticket-events": Rule(get=API_OWN, api=True),
    "api-ticket-rate": Rule(get=who(401, 405, 405, 405, 405), post=who(401, 400, 404, 403, 403),
                            api=True),
    "api-ticket-transition": Rule(get=who(401, 405, 405, 405, 405),
                                  post=who(401, 400, 404, 400, 403), api=True),
    "api-category-list": Rule(get=API_ANY, api=True),
    "api-service-list": Rule(get=API_ANY, api=True),
    "api-team-list": Rule(get=who(401, 403, 403, 200, 403), api=True),
    "api-sla-policy-list": Rule(get=API_STAFF_READ, post=API_ADMIN_WRITE, api=True),
    "api-sla-policy-detail": Rule(get=API_STAFF_READ, post=API_ADMIN_WRITE,
                                  api=True),
    "api-escalation-rule-list": Rule(get=API_STAFF_READ, post=API_ADMIN_WRITE, api=True),
    "api-escalation-rule-detail": Rule(get=API_STAFF_READ, post=API_ADMIN_WRITE,
                                       api=True),
    "api-calendar-list": Rule(get=API_STAFF_READ, post=API_ADMIN_WRITE, api=True),
    "api-calendar-detail": Rule(get=API_STAFF_READ, post=API_ADMIN_WRITE,
                                api=True),
    # The audit log: admins only (none of these personas), read-only.
    "audit_log": Rule(get=who(LOGIN, 403, 403, 403, 403), post=who(LOGIN, 405, 405, 405, 405)),
    "audit_export": Rule(get=who(LOGIN, 403, 403, 403, 403),
                         post=who(LOGIN, 405, 405, 405, 405)),
    "api-audit-list": Rule(get=who(401, 403, 403, 403, 403), post=who(401, 403, 403, 403, 403),
                           api=True),
}

RULES.update(maintenance_rules(Rule, who, LOGIN, OK))
RULES.update(monitoring_rules(Rule, who, LOGIN, OK))
RULES.update(knowledge_rules(Rule, who, LOGIN, OK))
RULES.update(capacity_rules(Rule, who, LOGIN, OK))
RULES.update(problems_rules(Rule, who, LOGIN, OK))
RULES.update(inbound_rules(Rule, who, LOGIN, OK))
RULES.update(sso_rules(Rule, who, LOGIN, OK))
RULES.update(mfa_rules(Rule, who, LOGIN, OK))
RULES.update(webhook_rules(Rule, who, LOGIN, OK))
RULES.update(chat_rules(Rule, who, LOGIN, OK))
RULES.update({f"reports:{name}": Rule(get=REPORT_PAGE) for name in (
    "dashboard", "definitions", "sla", "times", "volume", "availability", "work", "maintenance",
    "satisfaction", "workload", "knowledge", "problems", "capacity")})
RULES.update({
    "reports:subscription": Rule(get=POST_ONLY, post=who(LOGIN, 403, 403, 403, OK)),
    "api-report-list": Rule(get=API_REPORTS, api=True),
    "api-report-detail": Rule(get=API_REPORTS, api=True),
    "api-report-dashboard": Rule(get=API_REPORTS, api=True),
})


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), full_ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p


def site_urls():
    """(name, route) of every URL outside /admin/ (Django admin guards itself: is_staff)."""
    seen = {}
    for name, route, _ in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or "format" in route:
            continue
        seen.setdefault(name or route, route)
    return seen


def test_every_url_has_a_rule():
    missing = sorted(set(site_urls()) - set(RULES))
    assert not missing, f"URLs without a role rule in tests/test_role_matrix.py: {missing}"


def test_no_rule_is_left_for_a_url_that_is_gone():
    assert not sorted(set(RULES) - set(site_urls()))


@pytest.fixture
def world(alice, bob, dee, manny, team):
    ticket = make_ticket(alice, title="Sample", team=team, checklist=[{"text": "Check"}],
                         files=[SimpleUploadedFile("log.txt", b"boot log")])
    services.comment_add(ticket=ticket, actor=dee, body="Secret note", internal=True)
    from itsm.models import BusinessCalendar
    from tickets.models import EscalationRule, SlaPolicy

    rule = EscalationRule.objects.create(name="r", trigger="response_breach")
    return {
        "users": {"alice": alice, "bob": bob, "dee": dee, "manny": manny},
        "keys": {name: api_key(user) for name, user in
                 (("alice", alice), ("bob", bob), ("dee", dee), ("manny", manny))},
        "ref": ticket.ref,
        "pk": {
            "attachment": ticket.attachments.get().pk,
            "api-sla-policy-detail": SlaPolicy.objects.first().pk,
            "api-escalation-rule-detail": rule.pk,
            "api-calendar-detail": BusinessCalendar.objects.first().pk,
            "api-token-detail": alice.api_tokens.get().pk,
            **maintenance_world(dee=dee, team=team, ticket=ticket),
            **monitoring_world(),
            **knowledge_world(dee=dee, alice=alice),
            **capacity_world(dee=dee),
            **problems_world(dee=dee, alice=alice),
            **inbound_world(ticket=ticket),
            **mfa_world(),
            **webhook_world(),
            **chat_world(team=team),
        },
    }


def _url(route: str, name: str, world) -> str:
    def fill(match):
        key = match.group(1) or match.group(2)
        if key == "ref":
            return world["ref"]
        if key in ("pk", "uuid"):
            return str(world["pk"][name])
        if f"{name}:{key}" in world["pk"]:  # a second id in the route (e.g. series_id)
            return str(world["pk"][f"{name}:{key}"])
        return {"uidb64": "MQ", "token": "set-password", "name": "sla", "number": "1"}.get(key, "x")

    path = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", fill, route)
    return "/" + path.replace("^", "").replace("$", "")


def _request(world, persona: str, method: str, url: str, api: bool):
    client = Client()
    headers = {}
    if persona != "anon":
        user = world["users"][persona]
        if api:
            headers["HTTP_AUTHORIZATION"] = f"Token {world['keys'][persona]}"
        else:
            client.force_login(user)
    with transaction.atomic():
        response = getattr(client, method)(url, **headers)
        transaction.set_rollback(True)
    return response


def _matches(expected, response) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "/accounts/login/" in response.url
    if expected == OK:
        return response.status_code < 400 or response.status_code == 400
    return response.status_code == expected


@pytest.mark.parametrize("name", sorted(RULES))
def test_role_matrix(name, world):
    routes = site_urls()
    if name not in routes:
        pytest.fail(f"{name} has a rule but no URL")
    rule = RULES[name]
    url = _url(routes[name], name, world)
    failures = []
    for method, expectations in (("get", rule.get), ("post", rule.post)):
        for persona, expected in expectations.items():
            response = _request(world, persona, method, url, rule.api)
            if not _matches(expected, response):
                failures.append(f"{method.upper()} {url} as {persona}: expected {expected}, "
                                f"got {response.status_code}")
    assert not failures, "\n".join(failures)
