"""OpenID Connect sign-in against a real provider (tests/oidc_provider, a subprocess): who
a provider account becomes, linking by verified address only, roles and teams at each
sign-in. The browser journey is tests/e2e/test_sso.py."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group

from itsm.models import AuditEntry, Team, User
from tests.factories import TeamFactory, UserFactory
from tests.itsm.sso_flow import provider_app, sign_in
from tests.oidc_provider.server import oidc_provider  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

MAPPING = {"roles_claim": "groups", "roles": {"tend-dse": "DSE", "tend-managers": "Manager"},
           "teams": {"tend-dse": "Network"}}


@pytest.fixture
def idp(oidc_provider):  # noqa: F811 - the imported fixture
    return oidc_provider


@pytest.fixture
def app(idp):
    TeamFactory(name="Network")
    return provider_app(idp, **MAPPING)


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_new_provider_account_gets_an_account_with_its_mapped_role_and_team(client, idp, app):
    sub = idp.user("nina", email="nina@example.com", groups=["tend-dse"], first_name="Nina")
    answer = sign_in(client, idp, "nina")
    assert answer.status_code == 302 and answer["Location"] == "/home/"
    user = User.objects.get(email="nina@example.com")
    assert client.session["_auth_user_id"] == str(user.pk)
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("idp", sub)
    assert roles_of(user) == {"DSE"} and user.first_name == "Nina"
    assert list(user.teams.values_list("name", flat=True)) == ["Network"]
    assert not user.has_usable_password()
    assert AuditEntry.objects.filter(action="sign_in", actor=user).exists()


def test_each_sign_in_applies_the_providers_groups_again(client, idp, app):
    idp.user("omar", email="omar@example.com", groups=["tend-dse"])
    sign_in(client, idp, "omar")
    user = User.objects.get(email="omar@example.com")
    user.groups.add(Group.objects.get(name="Admin"))  # given by hand: not the mapping's
    idp.user("omar", email="omar@example.com", groups=["tend-managers"])
    client.logout()

    sign_in(client, idp, "omar")
    assert roles_of(user) == {"Manager", "Admin"}
    assert not user.teams.exists()
    change = AuditEntry.objects.filter(action="sso_roles_changed", actor=user).latest("at")
    assert change.detail["roles_added"] == ["Manager"]
    assert change.detail["roles_removed"] == ["DSE"]
    assert change.detail["teams_removed"] == ["Network"]

    idp.user("omar", email="omar@example.com", groups=[])
    client.logout()
    sign_in(client, idp, "omar")
    assert roles_of(user) == {"End user", "Admin"}  # the default when nothing maps


def test_an_existing_account_is_linked_through_a_verified_address(client, idp, app, dee):
    dee.email = "Dee@Example.com"
    dee.save()
    sub = idp.user("dee.at.idp", email="dee@example.com", email_verified=True,
                   groups=["tend-dse"])
    answer = sign_in(client, idp, "dee.at.idp")
    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(dee.pk)
    assert SocialAccount.objects.get(provider="idp", uid=sub).user == dee
    assert User.objects.filter(email__iexact="dee@example.com").count() == 1
    dee.refresh_from_db()
    assert dee.check_password("pw")  # linking keeps the local password
    linked = AuditEntry.objects.get(action="sso_linked")
    assert linked.actor == dee and linked.detail["uid"] == sub


def test_an_unverified_address_is_not_merged_into_the_account_that_has_it(client, idp, app,
                                                                          alice):
    idp.user("mallory", email=alice.email, email_verified=False, groups=["tend-dse"])
    answer = sign_in(client, idp, "mallory")
    assert answer.status_code == 403
    assert "did not confirm the e-mail address" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email=alice.email).count() == 1
    assert roles_of(alice) == {"End user"}
    refused = AuditEntry.objects.get(action="sso_refused")
    assert refused.detail["reason"] == "unverified_email"


def test_the_same_subject_at_another_provider_is_another_identity(client, idp, app):
    sub = idp.user("pat", email="pat@example.com", groups=[])
    someone_else = UserFactory(username="other", email="other@example.com")
    SocialAccount.objects.create(user=someone_else, provider="elsewhere", uid=sub)
    sign_in(client, idp, "pat")
    user = User.objects.get(email="pat@example.com")
    assert user != someone_else
    assert SocialAccount.objects.get(provider="idp", uid=sub).user == user


def test_a_linked_account_is_not_linked_again_to_a_second_subject(client, idp, app, dee):
    SocialAccount.objects.create(user=dee, provider="idp", uid="an-earlier-subject")
    idp.user("dee2", email=dee.email, email_verified=True)
    answer = sign_in(client, idp, "dee2")
    assert answer.status_code == 403
    assert "already linked" in answer.content.decode()


def test_a_provider_that_makes_no_accounts_refuses_strangers(client, idp):
    provider_app(idp, provider_id="closed", name="Closed IdP", create_accounts=False)
    idp.user("quinn", email="quinn@example.com")
    answer = sign_in(client, idp, "quinn", provider_id="closed")
    assert answer.status_code == 403
    assert not User.objects.filter(email="quinn@example.com").exists()


def test_a_team_or_role_the_mapping_names_but_tend_lacks_is_skipped(client, idp):
    provider_app(idp, roles={"x": "No such role"}, teams={"x": "No such team"},
                 default_role="")
    idp.user("rex", email="rex@example.com", groups=["x"])
    assert sign_in(client, idp, "rex").status_code == 302
    user = User.objects.get(email="rex@example.com")
    assert not user.groups.exists() and not Team.objects.filter(members=user).exists()
