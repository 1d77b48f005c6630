"""Signing in to the real Dovecot: a refused login, an unreachable server, IMAPS, XOAUTH2
with a token got from the refresh token, and `manage.py poll_mailboxes` saying what it did."""

import json
import os
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inbound import imap
from inbound.models import Mailbox
from inbound.services import poll
from tests.inbound.imapserver import mail, messages_of


def poll_once(mailbox: Mailbox, **kwargs) -> poll.PollResult:
    mailbox.refresh_from_db()
    return poll.mailbox_poll(mailbox=mailbox, **kwargs)


def test_a_refused_login_is_recorded_and_the_sweep_carries_on_with_the_next_mailbox(
        imap_folder, alice):
    now = timezone.now()
    wrong = imap_folder.mailbox(name="a-wrong-password", password="not-it", next_poll_at=now)
    right = imap_folder.mailbox(name="b-right", next_poll_at=now)
    imap_folder.append(mail(sender=alice.email, subject="Keyboard missing keys"))

    results = {r.mailbox: r for r in poll.mailboxes_poll_due(now=now)}

    assert "refused the login of tend" in results["a-wrong-password"].error
    assert results["b-right"].ok and results["b-right"].fetched == 1
    wrong.refresh_from_db()
    assert "refused the login" in wrong.last_error and wrong.last_error_at == now
    assert "not-it" not in wrong.last_error
    assert wrong.lease_until is None
    assert wrong.next_poll_at == now + timedelta(seconds=wrong.poll_interval_seconds)
    assert messages_of(right).count() == 1
    # Not due again until its interval has passed.
    assert poll.mailboxes_poll_due(now=now + timedelta(seconds=1)) == []


def test_an_unreachable_server_is_an_error_on_the_mailbox_not_an_exception(db, imap_folder):
    box = imap_folder.mailbox(port=1)  # nothing listens there
    result = poll_once(box)
    box.refresh_from_db()
    assert "127.0.0.1:1 unreachable" in result.error and box.last_error == result.error


def test_imaps_with_a_trusted_certificate(imap_folder, alice, monkeypatch):
    ca = os.environ.get("TEND_TEST_IMAP_CA", "")
    if not ca:
        pytest.skip("needs TEND_TEST_IMAP_CA, the certificate of Dovecot's port 10993")
    box = imap_folder.mailbox(port=10993, use_tls=True)
    imap_folder.append(mail(sender=alice.email, subject="Over TLS"))

    untrusted = poll_once(box)
    assert "TLS failed" in untrusted.error and "CERTIFICATE_VERIFY_FAILED" in untrusted.error

    monkeypatch.setenv("SSL_CERT_FILE", ca)
    trusted = poll_once(box)
    assert trusted.ok and trusted.fetched == 1


class OAuthServer(BaseHTTPRequestHandler):
    """The identity provider: /token trades a refresh token for an access token (and a new
    refresh token, as Microsoft's does); /introspect is what Dovecot asks about a token."""

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 (http.server's naming)
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        state = self.server.state
        if self.path == "/token":
            good = (form.get("grant_type") == ["refresh_token"]
                    and form.get("refresh_token") == [state["refresh"]]
                    and form.get("client_id") == ["tend-app"]
                    and form.get("client_secret") == ["app-secret"])
            if good:
                state["refresh"], state["access"] = f"{state['refresh']}+", "access-1"
                self.answer(200, {"access_token": "access-1", "token_type": "Bearer",
                                  "expires_in": 3600, "refresh_token": state["refresh"]})
            else:
                self.answer(400, {"error": "invalid_grant",
                                  "error_description": "Token has been expired or revoked."})
        else:  # Dovecot's introspection of the token the poller signed in with
            active = form.get("token") == [state.get("access")]
            self.answer(200, {"active": True, "username": "tend"} if active
                        else {"active": False})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def oauth_server(imap_url):
    try:  # the port Dovecot's oauth2 passdb asks (.ci/run)
        server = ThreadingHTTPServer(("127.0.0.1", 10180), OAuthServer)
    except OSError:
        pytest.skip("127.0.0.1:10180 is taken: another XOAUTH2 test is running")
    server.daemon_threads, server.state = True, {"refresh": "refresh-0"}
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_xoauth2_signs_in_with_a_token_got_from_the_refresh_token(
        imap_folder, oauth_server, alice):
    box = imap_folder.mailbox(auth_method="xoauth2", password="",
                              oauth_token_url="http://127.0.0.1:10180/token",
                              oauth_client_id="tend-app", oauth_client_secret="app-secret",
                              oauth_refresh_token="refresh-0")
    imap_folder.append(mail(sender=alice.email, subject="Signed in by OAuth"))

    result = poll_once(box)

    assert result.ok, result.error
    assert result.fetched == 1 and messages_of(box).count() == 1
    box.refresh_from_db()
    assert box.oauth_refresh_token == "refresh-0+"  # the rotated one is kept

    oauth_server.state["refresh"] = "revoked-elsewhere"
    refused = poll_once(box)
    assert "refused the refresh token: HTTP 400 Token has been expired" in refused.error
    assert "refresh-0" not in refused.error


def test_the_xoauth2_string_is_the_one_google_and_rfc_7628_describe():
    token = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"
    assert imap.xoauth2_string("someuser@example.com", token) == (
        b"user=someuser@example.com\x01auth=Bearer " + token.encode() + b"\x01\x01")


def test_poll_mailboxes_says_what_it_did_and_fails_clearly(imap_folder, alice):
    box = imap_folder.mailbox(name="helpdesk")
    imap_folder.mailbox(name="broken", password="wrong")
    imap_folder.append(*[mail(sender=alice.email, subject=f"Command {i}") for i in range(3)])
    out = StringIO()

    call_command("poll_mailboxes", "--mailbox", "helpdesk", "--batch", "2", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("helpdesk: polling 127.0.0.1")
    assert "helpdesk:   2 received, 1 to go" in lines
    assert lines[-1].startswith("helpdesk: 3 fetched (3 processed), 3 moved in")
    assert messages_of(box).count() == 3

    with pytest.raises(CommandError, match="No mailbox named 'nope'.*broken, helpdesk"):
        call_command("poll_mailboxes", "--mailbox", "nope", stdout=StringIO())
    err = StringIO()
    with pytest.raises(CommandError, match="Poll failed for broken"):
        call_command("poll_mailboxes", "--mailbox", "broken", stdout=StringIO(), stderr=err)
    assert "refused the login of tend" in err.getvalue()
    Mailbox.objects.filter(name="broken").update(enabled=False)
    with pytest.raises(CommandError, match="'broken' is disabled"):
        call_command("poll_mailboxes", "--mailbox", "broken", stdout=StringIO())
    out = StringIO()
    call_command("poll_mailboxes", stdout=out)  # every enabled one: the broken one is off
    assert out.getvalue().splitlines()[-1].startswith("helpdesk: 0 fetched (nothing new)")
