"""SAML 2.0 sign-in per organisation through the real code path: Tend's login step makes
an AuthnRequest, a test IdP (tests/itsm/saml_idp.py, its own RSA key and certificate)
answers it with a Response whose Assertion it signs with xmlsec, and the answer is POSTed
to the ACS. allauth and python3-saml are not mocked: every refusal below is theirs (or
Tend's guards, itsm/web/sso_saml.py), seen as a page and in the audit log."""

from datetime import UTC, datetime, timedelta

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.test import Client
from lxml import etree

from itsm.models import AuditEntry, User
from tests.factories import TeamFactory
from tests.itsm.saml_idp import TestIdp, authn_request, encode

pytestmark = pytest.mark.django_db

HOST = "tend.example.com"  # python3-saml refuses single-label hosts such as "testserver"
MAPPING = {"roles_claim": "groups", "roles": {"tend-dse": "DSE", "tend-managers": "Manager"},
           "teams": {"tend-dse": "Network"}}
NINA = {"email": "nina@acme.test", "email_verified": "true", "givenName": "Nina",
        "groups": ["tend-dse", "staff"]}
FAILED = "Sign-in with your organisation failed"


@pytest.fixture
def client(settings):
    settings.ALLOWED_HOSTS = [HOST]
    return Client(HTTP_HOST=HOST)


def organisation(slug: str, name: str, **settings) -> TestIdp:
    idp = TestIdp(slug, host=HOST)
    SocialApp.objects.create(provider="saml", provider_id=slug, client_id=slug, name=name,
                             settings=idp.app_settings(**(MAPPING | settings)))
    return idp


@pytest.fixture
def acme(db):
    TeamFactory(name="Network")
    return organisation("acme", "Acme")


def start(client, idp: TestIdp, next_url: str = "") -> tuple[str, str]:
    """Press "Sign in with <organisation>": the AuthnRequest's ID and the RelayState."""
    answer = client.post(f"/accounts/saml/{idp.slug}/login/",
                         {"next": next_url} if next_url else {})
    assert answer.status_code == 302, answer
    assert answer["Location"].startswith(idp.sso_url + "?")
    request_id, query = authn_request(answer["Location"])
    return request_id, query.get("RelayState", "")


def post(client, idp: TestIdp, xml: str, relay_state: str = "", slug: str = ""):
    """The browser POSTs the IdP's answer to the ACS, which hands it on to /acs/finish/."""
    slug = slug or idp.slug
    stashed = client.post(f"/accounts/saml/{slug}/acs/",
                          {"SAMLResponse": encode(xml), "RelayState": relay_state})
    assert stashed.status_code == 302
    assert stashed["Location"] == f"/accounts/saml/{slug}/acs/finish/"
    return client.get(stashed["Location"])


def sign_in(client, idp: TestIdp, name_id: str, attributes: dict, **answer_args):
    request_id, relay_state = start(client, idp)
    return post(client, idp, idp.answer(request_id, name_id=name_id, attributes=attributes,
                                        **answer_args), relay_state)


def tampered(xml: str, change: tuple[str, str]) -> str:
    assert change[0] in xml
    return xml.replace(*change)


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def assert_refused(client, answer, why: str, *, accounts: int = 0) -> None:
    """A clear page, nobody signed in, nobody made, and the reason in the audit log."""
    assert answer.status_code == 401
    assert FAILED in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.count() == accounts
    refused = AuditEntry.objects.filter(action="sso_refused").latest("at")
    assert why in refused.detail.get("saml", ""), refused.detail


def test_a_signed_answer_signs_the_person_in_with_the_mapped_role_and_team(client, acme):
    metadata = etree.fromstring(client.get("/accounts/saml/acme/metadata/").content)
    assert metadata.get("entityID") == acme.sp_entity_id  # what the IdP is told: audience
    request_id, relay_state = start(client, acme, next_url="/portal/")
    answer = post(client, acme, acme.answer(request_id, name_id="acme-0001", attributes=NINA),
                  relay_state)

    assert answer.status_code == 302 and answer["Location"] == "/portal/"
    user = User.objects.get(email="nina@acme.test")
    assert client.session["_auth_user_id"] == str(user.pk)
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("acme", "acme-0001")  # the NameID
    assert roles_of(user) == {"DSE"} and user.first_name == "Nina"
    assert list(user.teams.values_list("name", flat=True)) == ["Network"]
    assert AuditEntry.objects.filter(action="sign_in", actor=user).exists()
    assert AuditEntry.objects.get(action="sso_roles_changed").detail["roles_added"] == ["DSE"]


def test_an_idp_that_signs_the_whole_response_instead_is_accepted(client, acme):
    request_id, relay_state = start(client, acme)
    assertion = acme.assertion(name_id="acme-0013", attributes=NINA,
                               in_response_to=request_id)
    signed = acme.sign(acme.response(assertion, in_response_to=request_id))
    assert post(client, acme, signed, relay_state).status_code == 302
    assert SocialAccount.objects.get(uid="acme-0013").user.email == "nina@acme.test"
    client.logout()
    # ...and a change to the assertion inside it breaks that signature just the same.
    request_id, relay_state = start(client, acme)
    assertion = acme.assertion(name_id="acme-0014", attributes=NINA,
                               in_response_to=request_id)
    signed = acme.sign(acme.response(assertion, in_response_to=request_id))
    answer = post(client, acme, tampered(signed, ("acme-0014<", "acme-0001<")), relay_state)
    assert_refused(client, answer, "Signature validation failed", accounts=1)


def test_each_sign_in_applies_the_idps_groups_again(client, acme):
    sign_in(client, acme, "acme-0002", NINA)
    user = User.objects.get(email="nina@acme.test")
    client.logout()
    answer = sign_in(client, acme, "acme-0002", NINA | {"groups": ["tend-managers"]})
    assert answer.status_code == 302
    assert roles_of(user) == {"Manager"} and not user.teams.exists()


def test_an_existing_account_is_linked_only_through_a_verified_address(client, acme, dee,
                                                                       alice):
    sign_in(client, acme, "acme-dee", {"email": dee.email, "email_verified": "true"})
    assert client.session["_auth_user_id"] == str(dee.pk)
    assert SocialAccount.objects.get(provider="acme", uid="acme-dee").user == dee
    client.logout()

    answer = sign_in(client, acme, "acme-mallory",
                     {"email": alice.email, "email_verified": "false"})
    assert answer.status_code == 403
    assert "did not confirm the e-mail address" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(uid="acme-mallory").exists()
    assert AuditEntry.objects.get(action="sso_refused").detail["reason"] == "unverified_email"


@pytest.mark.parametrize("change", [
    (">acme-0003</saml:NameID>", ">acme-admin</saml:NameID>"),
    ("<saml:AttributeValue>staff<", "<saml:AttributeValue>tend-managers<"),
    ("nina@acme.test", "ceo@acme.test"),
], ids=["name-id", "group", "email"])
def test_an_assertion_changed_after_signing_is_refused(client, acme, change):
    request_id, relay_state = start(client, acme)
    signed = acme.answer(request_id, name_id="acme-0003", attributes=NINA)
    answer = post(client, acme, tampered(signed, change), relay_state)
    assert_refused(client, answer, "Signature validation failed")


def test_an_answer_signed_by_another_key_is_refused(client, acme):
    answer = sign_in(client, acme, "acme-0004", NINA, key_name="someone-else")
    assert_refused(client, answer, "Signature validation failed")


def test_an_unsigned_answer_is_refused(client, acme):
    request_id, relay_state = start(client, acme)
    assertion = acme.assertion(name_id="acme-0005", attributes=NINA,
                               in_response_to=request_id)
    answer = post(client, acme, acme.response(assertion, in_response_to=request_id),
                  relay_state)
    assert_refused(client, answer, "No Signature found")


def test_an_expired_assertion_is_refused(client, acme):
    # Issued an hour ago, valid for five minutes: well past python3-saml's clock drift.
    answer = sign_in(client, acme, "acme-0006", NINA,
                     now=datetime.now(UTC) - timedelta(hours=1))
    assert_refused(client, answer, "expired")


def test_an_assertion_for_another_audience_is_refused(client, acme):
    answer = sign_in(client, acme, "acme-0007", NINA, audience="https://another-sp.test/")
    assert_refused(client, answer, "is not a valid audience")


def test_an_assertion_for_another_recipient_is_refused(client, acme):
    answer = sign_in(client, acme, "acme-0008", NINA,
                     recipient="https://another-sp.test/acs/")
    assert_refused(client, answer, "A valid SubjectConfirmation was not found")


def test_an_answer_to_another_request_is_refused(client, acme):
    request_id, relay_state = start(client, acme)
    # A genuine assertion, issued for some other sign-in, wrapped to look like ours.
    assertion = acme.sign(acme.assertion(name_id="acme-0009", attributes=NINA,
                                         in_response_to="ONELOGIN_someone_elses"))
    answer = post(client, acme, acme.response(assertion, in_response_to=request_id),
                  relay_state)
    # Its signed SubjectConfirmation names the other request: no valid confirmation.
    assert_refused(client, answer, "A valid SubjectConfirmation was not found")


def test_a_replayed_answer_is_refused(client, acme):
    request_id, relay_state = start(client, acme)
    signed = acme.answer(request_id, name_id="acme-0010", attributes=NINA)
    assert post(client, acme, signed, relay_state).status_code == 302
    client.logout()
    assert_refused(client, post(client, acme, signed, relay_state), "no sign-in in progress",
                   accounts=1)


def test_an_idp_initiated_answer_is_refused(client, acme):
    assertion = acme.sign(acme.assertion(name_id="acme-0011", attributes=NINA,
                                         in_response_to=""))
    answer = post(client, acme, acme.response(assertion, in_response_to="").replace(
        ' InResponseTo=""', ""))
    assert answer.status_code == 401 and FAILED in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="sso_refused").exists()


@pytest.mark.parametrize(("xml", "why"), [
    ("not xml at all", "unusable response: Start tag expected"),
    ("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "unusable response: DTDForbidden"),
    ("<x/>", "Unsupported SAML version"),
], ids=["text", "dtd", "not-saml"])
def test_an_unreadable_answer_is_a_clear_refusal_not_a_500(client, acme, xml, why):
    _, relay_state = start(client, acme)
    assert_refused(client, post(client, acme, xml, relay_state), why)


def test_a_signed_assertion_without_a_subject_is_a_clear_refusal(client, acme):
    request_id, relay_state = start(client, acme)
    assertion = acme.assertion(name_id="acme-0015", attributes=NINA,
                               in_response_to=request_id)
    assertion = tampered(assertion, (
        '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
        "acme-0015</saml:NameID>", ""))
    signed = acme.response(acme.sign(assertion), in_response_to=request_id)
    assert_refused(client, post(client, acme, signed, relay_state),
                   "unusable response: uid must be a string")


def test_two_organisations_are_kept_apart(client, acme):
    globex = organisation("globex", "Globex", roles={"tend-dse": "Manager"}, teams={})
    sign_in(client, acme, "shared-id", NINA)
    client.logout()
    sign_in(client, globex, "shared-id", NINA | {"email": "nina@globex.test"})

    accounts = {a.provider: a.user for a in SocialAccount.objects.filter(uid="shared-id")}
    assert set(accounts) == {"acme", "globex"}
    assert accounts["acme"] != accounts["globex"]  # the same NameID, two identities
    assert roles_of(accounts["acme"]) == {"DSE"}
    assert roles_of(accounts["globex"]) == {"Manager"}  # each organisation's own mapping
    client.logout()

    # Acme's genuine answer posted to Globex's ACS (for a Globex sign-in) is not Globex's.
    request_id, relay_state = start(client, globex)
    answer = post(client, acme, acme.answer(request_id, name_id="acme-0012",
                                            attributes=NINA), relay_state, slug="globex")
    assert answer.status_code == 401 and FAILED in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(uid="acme-0012").exists()


@pytest.mark.parametrize("settings_", [
    {},
    {"idp": {"entity_id": "https://idp.broken.test/"}},
    {"idp": {"entity_id": "https://idp.broken.test/", "sso_url": "not a URL",
             "x509cert": ""}},
], ids=["no-idp", "no-sso-url", "bad-sso-url"])
def test_a_misconfigured_organisation_is_a_clear_404_not_a_500(client, settings_):
    SocialApp.objects.create(provider="saml", provider_id="broken", client_id="broken",
                             name="Broken", settings=settings_)
    pages = [client.get("/accounts/saml/broken/login/"),
             client.post("/accounts/saml/broken/login/"),
             client.get("/accounts/saml/broken/sls/"),
             post(client, TestIdp("broken", host=HOST), "<x/>")]
    if not settings_.get("idp", {}).get("sso_url"):  # the SP metadata needs an IdP
        pages.append(client.get("/accounts/saml/broken/metadata/"))
    for page in pages:
        assert page.status_code == 404
        assert "is not set up correctly" in page.content.decode()
    assert client.get("/accounts/saml/nobody/metadata/").status_code == 404
