"""/api/v1/mailboxes/: admins only; secrets are write-only and kept when left out."""

import pytest
from rest_framework.test import APIClient

from inbound.models import Mailbox
from inbound.services.mailboxes import token_hash

URL = "/api/v1/mailboxes/"
NEW = {"name": "Support", "address": "support@tend.example", "host": "imap.example",
       "port": 993, "username": "support", "password": "s3cret"}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_admin_adds_a_mailbox_and_its_secrets_never_come_back(ada):
    response = api(ada).post(URL, NEW, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body and "oauth_client_secret" not in body
    assert "oauth_refresh_token" not in body and body["has_token"] is False
    assert Mailbox.objects.get(pk=body["id"]).password == "s3cret"

    listed = api(ada).get(URL).json()["results"]
    assert [m["name"] for m in listed] == ["Support"] and "password" not in listed[0]


def test_a_change_without_the_secret_keeps_it_and_a_new_one_replaces_it(ada):
    pk = api(ada).post(URL, NEW, format="json").json()["id"]
    assert api(ada).patch(f"{URL}{pk}/", {"folder": "Support", "password": ""},
                          format="json").status_code == 200
    box = Mailbox.objects.get(pk=pk)
    assert (box.folder, box.password) == ("Support", "s3cret")
    api(ada).patch(f"{URL}{pk}/", {"password": "n3w"}, format="json")
    assert Mailbox.objects.get(pk=pk).password == "n3w"


@pytest.mark.parametrize(("change", "field"), [
    ({"password": ""}, "password"),
    ({"auth_method": "xoauth2", "password": ""}, "oauth_token_url"),
    ({"processed_folder": "INBOX"}, "processed_folder"),
    ({"address": "not-an-address"}, "address"),
    ({"port": -1}, "port"),
])
def test_an_incomplete_mailbox_is_a_400_with_field_messages(ada, change, field):
    response = api(ada).post(URL, {**NEW, **change}, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Mailbox.objects.exists()


def test_rotate_token_answers_it_once_and_stores_only_its_hash(ada):
    pk = api(ada).post(URL, NEW, format="json").json()["id"]
    response = api(ada).post(f"{URL}{pk}/rotate-token/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = response.json()["token"]
    assert token.startswith("tendmail_") and response.json()["endpoint"].endswith(
        "/api/v1/inbound/email/")
    box = Mailbox.objects.get(pk=pk)
    assert box.token_hash == token_hash(token) and token not in str(vars(box))
    assert api(ada).get(f"{URL}{pk}/").json()["has_token"] is True


def test_a_mailbox_that_received_mail_cannot_be_deleted(ada, box, alice):
    from inbound.services.receive import message_receive
    from tests.inbound.imapserver import mail

    message_receive(mailbox=box, raw=mail(sender=alice.email, subject="x"))
    response = api(ada).delete(f"{URL}{box.pk}/")
    assert response.status_code == 400 and "disable it" in str(response.json())
    assert Mailbox.objects.filter(pk=box.pk).exists()


@pytest.mark.parametrize("who", ["alice", "dee", "manny"])
def test_only_admins_see_or_change_mailboxes(request, who, box):
    user = request.getfixturevalue(who)
    assert api(user).get(URL).status_code == 403
    assert api(user).post(URL, NEW, format="json").status_code == 403
    assert api(user).post(f"{URL}{box.pk}/rotate-token/").status_code == 403
