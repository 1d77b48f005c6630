"""Single sign-on required per role: passwords refused (page, API, reset) with a message
naming the provider; the provider buttons; providers given by environment."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.core import mail
from django.test import Client
from django.urls import reverse

from itsm.models import AuditEntry, SignInPolicy
from itsm.services.sso import Mapping
from itsm.web.sso_config import ProviderConfigError, oidc_apps
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(db):
    return SocialApp.objects.create(provider="openid_connect", provider_id="corp",
                                    name="Contoso", client_id="tend", secret="s",
                                    settings={"server_url": "https://idp.example.com"})


def password_sign_in(username, password="pw"):  # noqa: S107 - the factories' password
    client = Client()
    return client, client.post(reverse("login"), {"username": username, "password": password})


def test_the_sign_in_page_has_a_button_per_provider(client, provider):
    SocialApp.objects.create(provider="openid_connect", provider_id="google", name="Google",
                             client_id="g", settings={"server_url": "https://accounts.google.com"})
    page = client.get(reverse("login"), {"next": "/desk/"}).content.decode()
    assert "Sign in with Contoso" in page and "Sign in with Google" in page
    assert 'action="/accounts/oidc/corp/login/?process=login&amp;next=%2Fdesk%2F"' in page


def test_the_sign_in_page_has_no_provider_section_without_providers(client):
    assert "sso-heading" not in client.get(reverse("login")).content.decode()


def test_a_role_that_requires_sso_has_its_password_refused(provider, dee, settings):
    settings.TEND_SSO_REQUIRED_ROLES = ["DSE"]
    client, answer = password_sign_in("dee")
    assert answer.status_code == 200
    assert "requires single sign-on" in answer.content.decode()
    assert "Sign in with Contoso" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    refused = AuditEntry.objects.get(action="password_refused")
    assert refused.target == f"user:{dee.pk}" and refused.detail == {"step": "sign_in"}


def test_a_wrong_password_says_nothing_about_sso(provider, dee, settings):
    settings.TEND_SSO_REQUIRED_ROLES = ["DSE"]
    _, answer = password_sign_in("dee", password="wrong")
    assert "single sign-on" not in answer.content.decode()
    assert not AuditEntry.objects.filter(action="password_refused").exists()


def test_other_roles_keep_their_password(provider, alice, settings):
    settings.TEND_SSO_REQUIRED_ROLES = ["DSE"]
    client, answer = password_sign_in("alice")
    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_policy_row_overrides_the_default(provider, dee, alice, settings):
    settings.TEND_SSO_REQUIRED_ROLES = ["DSE"]
    SignInPolicy.objects.create(role="DSE", sso_required=False)
    SignInPolicy.objects.create(role="End user", sso_required=True)
    assert password_sign_in("dee")[1].status_code == 302
    assert password_sign_in("alice")[1].status_code == 200


def test_a_superuser_is_never_locked_out(provider, settings):
    settings.TEND_SSO_REQUIRED_ROLES = ["Admin"]
    root = UserFactory(username="root", role="Admin", is_superuser=True)
    client, answer = password_sign_in("root")
    assert answer.status_code == 302 and client.session["_auth_user_id"] == str(root.pk)


def test_no_reset_link_is_sent_to_who_must_use_sso(provider, dee, alice, settings):
    settings.TEND_SSO_REQUIRED_ROLES = ["DSE"]
    answer = Client().post(reverse("password_reset"), {"email": dee.email})
    assert answer.status_code == 302  # the same answer as for any address
    assert not mail.outbox
    assert AuditEntry.objects.get(action="password_refused").detail == {
        "step": "password_reset"}
    Client().post(reverse("password_reset"), {"email": alice.email})
    assert len(mail.outbox) == 1


def test_the_api_password_exchange_is_refused_too(provider, dee, settings):
    settings.TEND_SSO_REQUIRED_ROLES = ["DSE"]
    answer = Client().post("/api/v1/auth/token/", {"username": "dee", "password": "pw"},
                           content_type="application/json")
    assert answer.status_code == 400
    assert "Contoso" in answer.json()["non_field_errors"][0]


def test_without_a_provider_the_message_says_to_ask_an_admin(dee, settings):
    settings.TEND_SSO_REQUIRED_ROLES = ["DSE"]
    assert "no identity provider is set up" in password_sign_in("dee")[1].content.decode()


def test_a_plain_link_to_a_provider_asks_to_continue_rather_than_redirecting(client, provider):
    answer = client.get("/accounts/oidc/corp/login/")
    assert answer.status_code == 200
    assert "Continue to Contoso" in answer.content.decode()


def test_saml_sp_metadata_is_served_per_organisation(client, settings):
    settings.ALLOWED_HOSTS = ["tend.example.com"]  # SAML wants a dotted host name
    SocialApp.objects.create(provider="saml", provider_id="acme", client_id="acme",
                             name="Acme", settings={"idp": {
                                 "entity_id": "https://idp.acme.test/",
                                 "sso_url": "https://idp.acme.test/sso",
                                 "x509cert": ""}})
    answer = client.get("/accounts/saml/acme/metadata/", HTTP_HOST="tend.example.com")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "EntityDescriptor" in body
    assert "http://tend.example.com/accounts/saml/acme/acs/" in body
    assert client.get("/accounts/saml/nobody/metadata/",
                      HTTP_HOST="tend.example.com").status_code == 404


def test_environment_providers_become_allauth_apps():
    apps = oidc_apps([{"id": "entra", "name": "Microsoft", "client_id": "c", "secret": "s",
                       "issuer": "https://login.microsoftonline.com/t/v2.0/",
                       "roles": {"g1": "DSE"}, "fetch_userinfo": False}])
    assert apps == [{"provider_id": "entra", "name": "Microsoft", "client_id": "c",
                     "secret": "s", "settings": {
                         "server_url": "https://login.microsoftonline.com/t/v2.0",
                         "oauth_pkce_enabled": True, "roles": {"g1": "DSE"},
                         "fetch_userinfo": False}}]


@pytest.mark.parametrize("entries", [
    {"id": "x"},
    [{"id": "x", "client_id": "c"}],
    [{"id": "x", "client_id": "c", "issuer": "http://idp.example.com"}],
    [{"id": "Bad Id", "client_id": "c", "issuer": "https://a"}],
    [{"id": "x", "client_id": "c", "issuer": "https://a"},
     {"id": "x", "client_id": "d", "issuer": "https://b"}],
    [{"id": "x", "client_id": "c", "issuer": "https://a", "roles": ["DSE"]}],
])
def test_bad_environment_providers_are_refused_at_start(entries):
    with pytest.raises(ProviderConfigError):
        oidc_apps(entries)


def test_a_local_http_issuer_is_accepted_only_with_debug():
    entry = [{"id": "dev", "client_id": "c", "issuer": "http://127.0.0.1:9000/o"}]
    assert oidc_apps(entry, debug=True)[0]["settings"]["server_url"] == "http://127.0.0.1:9000/o"
    with pytest.raises(ProviderConfigError):
        oidc_apps(entry)


def test_the_mapping_reads_lists_single_strings_and_saml_attributes():
    mapping = Mapping.from_settings({"roles_claim": "role", "roles": {"ops": "DSE"},
                                     "teams_claim": "dept", "teams": {"net": "Network"}})
    assert mapping.wanted({"role": "ops", "dept": ["net", "other"]}) == ({"DSE"}, {"Network"})
    assert mapping.wanted({}) == ({"End user"}, set())
    assert Mapping.from_settings({"default_role": ""}).wanted({}) == (set(), set())


def test_the_sign_in_page_lets_its_forms_reach_the_providers_and_no_more(client, provider):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "form-action 'self' https://idp.example.com" in policy
    assert "https://idp.example.com" not in client.get("/help/")["Content-Security-Policy"]
