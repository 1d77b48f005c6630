"""The audit log's entries: sign-ins, failed sign-ins (and why), sign-outs, API tokens made
and revoked on every path, sign-in policy changes, and the retention sweep."""

from datetime import timedelta

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from itsm.models import AuditEntry, SignInPolicy
from itsm.services import tokens
from itsm.services.audit import audit_entries_prune, audit_record
from itsm.services.sign_in_policy import sign_in_policy_delete, sign_in_policy_set

ADDRESS = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "Firefox/140"}


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_an_unknown_action_is_refused_so_the_catalogue_stays_complete():
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(action="sign_in_sideways")


def test_a_sign_in_through_the_form_is_recorded_with_the_address(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "pw"},
                           **ADDRESS)

    assert response.status_code == 302
    [entry] = entries("sign_in")
    assert (entry.actor, entry.actor_name, entry.ip) == (alice, "alice", "203.0.113.9")
    assert entry.user_agent == "Firefox/140" and entry.detail["via"] == "web"


@pytest.mark.parametrize(("username", "reason", "targeted"), [
    ("alice", "bad_password", True),
    (" alice\t", "bad_password", True),  # authentication strips it too: still alice
    ("mallory", "unknown_account", False),
])
def test_a_failed_sign_in_records_what_was_typed_and_why(client, alice, username, reason,
                                                         targeted):
    client.post(reverse("login"), {"username": username, "password": "wrong"}, **ADDRESS)

    [entry] = entries("sign_in_failed")
    assert entry.actor is None and entry.detail == {"reason": reason, "via": "web"}
    assert entry.actor_name == username.strip() and entry.ip == "203.0.113.9"
    assert entry.target == (f"user:{alice.pk}" if targeted else "")
    assert "wrong" not in str(entry.detail)  # never the password


def test_a_deactivated_account_is_recorded_as_such(client, alice):
    alice.is_active = False
    alice.save()

    client.post(reverse("login"), {"username": "alice", "password": "pw"})

    assert entries("sign_in_failed")[0].detail["reason"] == "inactive"


def test_a_rate_limited_attempt_is_recorded_once_a_minute_not_per_request(client, alice,
                                                                          settings):
    settings.TEND_LOGIN_ATTEMPTS = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    for _ in range(3):  # blocked, even with the right password
        client.post(reverse("login"), {"username": "alice", "password": "pw"})

    reasons = [e.detail["reason"] for e in entries("sign_in_failed")]
    assert reasons == ["bad_password", "bad_password", "rate_limited"]
    assert not entries("sign_in")


def test_signing_out_is_recorded_and_a_sign_out_of_nobody_is_not(client, alice):
    client.post(reverse("logout"))
    assert not entries("sign_out")

    client.force_login(alice)
    client.post(reverse("logout"))

    [entry] = entries("sign_out")
    assert entry.actor == alice


def test_the_api_password_exchange_records_the_sign_in_and_the_token(alice):
    api = APIClient(**ADDRESS)
    refused = api.post(reverse("api-token"), {"username": "alice", "password": "no"},
                       format="json")
    made = api.post(reverse("api-token"), {"username": "alice", "password": "pw"},
                    format="json")

    assert refused.status_code == 400 and made.status_code == 200
    [failed] = entries("sign_in_failed")
    assert failed.detail == {"reason": "bad_password", "via": "api"}
    [signed_in] = entries("sign_in")
    [created] = entries("token_created")
    assert signed_in.detail["via"] == "api" and signed_in.ip == "203.0.113.9"
    assert created.target == signed_in.target
    assert created.detail["via"] == "password_exchange"


def test_a_token_made_on_the_page_is_recorded_without_its_key(client_for, alice):
    response = client_for(alice).post(reverse("account_tokens"),
                                      {"name": "backup", "expires": "30"}, **ADDRESS)

    token = alice.api_tokens.get()
    [entry] = entries("token_created")
    assert entry.target == f"api_token:{token.pk}" and entry.ip == "203.0.113.9"
    assert entry.detail["name"] == "backup" and entry.detail["prefix"] == token.prefix
    assert entry.detail["expires_at"] and entry.detail["read_only"] is False
    assert response.context["new_key"] not in str(entry.detail)


def test_every_revocation_path_is_recorded_with_why(alice, ada):
    one, _ = tokens.token_create(actor=alice, name="one")
    tokens.token_create(actor=alice, name="two")
    tokens.token_create(actor=alice, name="three")

    tokens.token_revoke(actor=alice, token=one)
    tokens.token_revoke(actor=alice, token=one)  # already revoked: nothing happened
    tokens.tokens_revoke_all(actor=ada, user=alice)
    tokens.token_create(actor=alice, name="four")
    form = SetPasswordForm(alice, {"new_password1": "a fresh one 2024",
                                   "new_password2": "a fresh one 2024"})
    assert form.is_valid()
    form.save()

    revoked = entries("token_revoked")
    assert [(e.detail["reason"], e.detail.get("count")) for e in revoked] == [
        ("by_owner", None), ("by_admin", 2), ("password_changed", 1)]
    assert revoked[0].target == f"api_token:{one.pk}" and revoked[0].actor == alice
    assert revoked[1].actor == ada and revoked[1].target == f"user:{alice.pk}"
    assert tokens.tokens_revoke_all(actor=alice) == 0 and len(entries("token_revoked")) == 3


def test_an_entry_rolls_back_with_the_change_it_records(alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        tokens.token_create(actor=alice, name="never")
        raise RuntimeError

    assert not AuditEntry.objects.exists()


def test_a_policy_change_records_before_and_after(ada):
    sign_in_policy_set(actor=ada, role="DSE", mfa_required=True, sso_required=False)
    sign_in_policy_set(actor=ada, role="DSE", mfa_required=True, sso_required=False)
    policy = sign_in_policy_set(actor=ada, role="DSE", mfa_required=False, sso_required=True)
    sign_in_policy_delete(actor=ada, policy=policy)

    changes = entries("policy_changed")
    assert [(e.detail["before"], e.detail["after"]) for e in changes] == [
        (None, {"mfa_required": True, "sso_required": False}),
        ({"mfa_required": True, "sso_required": False},
         {"mfa_required": False, "sso_required": True}),
        ({"mfa_required": False, "sso_required": True}, None)]
    assert {e.target for e in changes} == {"sign_in_policy:DSE"} and changes[0].actor == ada
    assert not SignInPolicy.objects.exists()


def test_only_admins_set_policies_and_only_for_real_roles(dee, ada):
    with pytest.raises(PermissionDenied):
        sign_in_policy_set(actor=dee, role="DSE", mfa_required=False, sso_required=False)
    with pytest.raises(ValidationError) as error:
        sign_in_policy_set(actor=ada, role="Wizard", mfa_required=True, sso_required=False)
    assert "role" in error.value.message_dict
    assert not SignInPolicy.objects.exists() and not AuditEntry.objects.exists()


def test_the_admin_saves_policies_through_the_service_with_the_address(client_for, ada):
    client = client_for(ada)
    AuditEntry.objects.all().delete()  # the sign-in of client_for
    added = client.post(reverse("admin:itsm_signinpolicy_add"),
                        {"role": "Manager", "mfa_required": "on"}, **ADDRESS)
    policy = SignInPolicy.objects.get()
    changed = client.post(reverse("admin:itsm_signinpolicy_change", args=[policy.pk]),
                          {"sso_required": "on"}, **ADDRESS)
    deleted = client.post(reverse("admin:itsm_signinpolicy_delete", args=[policy.pk]),
                          {"post": "yes"}, **ADDRESS)

    assert [r.status_code for r in (added, changed, deleted)] == [302, 302, 302]
    changes = entries("policy_changed")
    assert [e.detail["after"] for e in changes] == [
        {"mfa_required": True, "sso_required": False},
        {"mfa_required": False, "sso_required": True}, None]
    assert {e.ip for e in changes} == {"203.0.113.9"}


def test_the_audit_log_is_read_only_in_the_admin(client_for, ada):
    audit_record(action="sign_in", actor=ada)
    client = client_for(ada)
    entry = AuditEntry.objects.first()

    assert client.get(reverse("admin:itsm_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:itsm_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:itsm_auditentry_delete", args=[entry.pk]),
                       {"post": "yes"}).status_code == 403


def test_retention_deletes_only_entries_past_it_in_batches(settings, alice):
    settings.TEND_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    for days in (400, 31, 31, 29, 0):
        audit_record(action="sign_in", actor=alice, now=now - timedelta(days=days))

    assert audit_entries_prune(now=now, batch=2) == 3
    assert AuditEntry.objects.count() == 2
    assert audit_entries_prune(now=now) == 0  # run twice: nothing more


def test_retention_zero_keeps_everything(settings, alice):
    settings.TEND_AUDIT_RETENTION_DAYS = 0
    audit_record(action="sign_in", actor=alice, now=timezone.now() - timedelta(days=5000))

    assert audit_entries_prune() == 0 and AuditEntry.objects.count() == 1


def test_the_daily_task_prunes(settings, alice):
    from itsm.config.schedule import BEAT_SCHEDULE
    from itsm.tasks import prune_audit_log

    settings.TEND_AUDIT_RETENTION_DAYS = 1
    audit_record(action="sign_in", actor=alice, now=timezone.now() - timedelta(days=3))

    assert prune_audit_log.delay().get() == 1
    assert BEAT_SCHEDULE["itsm-audit-prune"]["task"] == "itsm.tasks.prune_audit_log"
