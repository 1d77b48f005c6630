"""Second factors through allauth: TOTP enrolment and sign-in with codes computed here,
recovery codes that work once, the staff enrolment policy, and the audit trail."""

import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from itsm.models import AuditEntry, SignInPolicy
from tests.itsm.web.mfa_helpers import secret_on, totp

pytestmark = pytest.mark.django_db


def sign_in(client, username, password="pw"):  # noqa: S107 - the factories' password
    return client.post(reverse("login"), {"username": username, "password": password})


def enrol_totp(client) -> str:
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = secret_on(page.content.decode())
    response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff_policy(settings):
    settings.TEND_MFA_REQUIRED_ROLES = ["DSE", "Manager", "Admin"]


def test_totp_enrolment_then_sign_in_asks_for_the_code(dee, django_capture_on_commit_callbacks):
    client = Client()
    assert sign_in(client, "dee").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        secret = enrol_totp(client)
    assert Authenticator.objects.filter(user=dee, type="totp").exists()
    assert Authenticator.objects.filter(user=dee, type="recovery_codes").exists()
    client.post(reverse("logout"))

    response = sign_in(client, "dee")
    assert response.url == reverse("mfa_authenticate")
    assert not signed_in(client)  # the password alone opens nothing
    later = time.time() + 60  # a fresh time step: a code is accepted only once
    with time_machine.travel(later, tick=False):
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200 and not signed_in(client)
        assert "Incorrect code" in wrong.content.decode()
        right = client.post(reverse("mfa_authenticate"), {"code": totp(secret, at=later)})
    assert right.status_code == 302 and signed_in(client)
    actions = set(AuditEntry.objects.filter(actor=dee).values_list("action", flat=True))
    assert {"mfa_added", "mfa_recovery_codes"} <= actions


def test_a_recovery_code_works_once(dee):
    client = Client()
    sign_in(client, "dee")
    enrol_totp(client)
    codes = re.findall(r"user-select-all\">(\w+)<",
                       client.get(reverse("mfa_view_recovery_codes")).content.decode())
    assert len(codes) == 10
    client.post(reverse("logout"))

    sign_in(client, "dee")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert signed_in(client)
    assert AuditEntry.objects.filter(actor=dee, action="mfa_recovery_used").exists()
    client.post(reverse("logout"))

    sign_in(client, "dee")
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200 and not signed_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_a_user_without_a_second_factor_signs_in_with_the_password_alone(alice):
    client = Client()
    assert sign_in(client, "alice").url == reverse("home")
    assert signed_in(client)


def test_staff_without_a_second_factor_are_sent_to_enrol(dee, manny, staff_policy):
    for user, path in ((dee, "/desk/"), (manny, "/reports/"), (dee, "/admin/")):
        client = Client()
        client.force_login(user)
        response = client.get(path, follow=True)
        assert response.redirect_chain[0] == (reverse("mfa_index"), 302), path
        assert "needs a second factor" in response.content.decode()
    client = Client()
    client.force_login(dee)
    assert client.get(reverse("portal:home")).status_code == 200  # the portal stays open


def test_staff_reach_the_desk_once_enrolled(dee, staff_policy):
    client = Client()
    sign_in(client, "dee")
    assert client.get("/desk/").url == reverse("mfa_index")
    enrol_totp(client)
    assert client.get("/desk/").status_code == 200


def test_end_users_are_not_pushed_and_may_enrol(alice, staff_policy):
    client = Client()
    sign_in(client, "alice")
    assert client.get(reverse("portal:home")).status_code == 200
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200 and reverse("mfa_activate_totp") in page.content.decode()
    enrol_totp(client)
    assert Authenticator.objects.filter(user=alice, type="totp").exists()


def test_a_policy_row_overrides_the_default_roles(dee, alice, settings):
    settings.TEND_MFA_REQUIRED_ROLES = []
    SignInPolicy.objects.create(role="DSE", mfa_required=True)
    client = Client()
    client.force_login(dee)
    assert client.get("/desk/").url == reverse("mfa_index")
    SignInPolicy.objects.filter(role="DSE").update(mfa_required=False)
    from itsm.performance import config_cache

    config_cache.clear()
    assert client.get("/desk/").status_code == 200


def test_api_tokens_are_not_held_by_the_policy(dee, staff_policy):
    from tests.factories import api_key

    response = Client().get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {api_key(dee)}")
    assert response.status_code == 200


def test_the_api_from_the_browser_is_held_like_the_desk(dee, staff_policy):
    client = Client()
    client.force_login(dee)
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


def test_staff_without_a_factor_make_no_tokens_and_the_password_exchange_refuses_them(
        dee, staff_policy):
    client = Client()
    sign_in(client, "dee")
    page = client.post(reverse("account_tokens"), {"name": "laptop", "expires": "30"})
    assert page.status_code == 400 and "needs a second factor" in page.content.decode()
    exchange = Client().post("/api/v1/auth/token/", {"username": "dee", "password": "pw"},
                             content_type="application/json")
    assert exchange.status_code == 400
    assert "second factor" in exchange.json()["non_field_errors"][0]
    enrol_totp(client)
    page = client.post(reverse("account_tokens"), {"name": "laptop", "expires": "30"})
    assert page.status_code == 200 and "tend_" in page.content.decode()
    assert Client().post("/api/v1/auth/token/", {"username": "dee", "password": "pw"},
                         content_type="application/json").status_code == 400


def test_a_passed_check_is_remembered_for_a_minute_only(dee, staff_policy):
    client = Client()
    sign_in(client, "dee")
    enrol_totp(client)
    with time_machine.travel(time.time(), tick=False) as clock:
        assert client.get("/desk/").status_code == 200
        Authenticator.objects.filter(user=dee).delete()
        clock.shift(30)
        assert client.get("/desk/").status_code == 200  # no query for it within the minute
        clock.shift(31)
        assert client.get("/desk/").url == reverse("mfa_index")


def test_wrong_password_still_counts_towards_the_limit(dee, settings):
    settings.TEND_LOGIN_ATTEMPTS = 2
    client = Client()
    for _ in range(2):
        assert sign_in(client, "dee", "wrong").status_code == 200
    assert "Too many failed" in sign_in(client, "dee").content.decode()
    assert not signed_in(client)
