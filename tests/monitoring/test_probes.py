"""Each kind of check against real servers on 127.0.0.1, and the outbound safety rules."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from monitoring import conf, probes
from monitoring.models import Check


def probe(**fields):
    fields.setdefault("kind", "http")
    fields.setdefault("timeout", 5)
    return probes.run_now(Check(name="t", uuid=uuid.uuid4(), **fields))


def test_a_healthy_site_is_up(http_target):
    result = probe(target=http_target.url)
    assert (result.outcome, result.status_code) == ("up", 200)
    assert result.latency_ms > 0


def test_an_unexpected_status_is_down(http_target):
    http_target.set("unhealthy")
    result = probe(target=http_target.url)
    assert result.outcome == "down" and "HTTP 500" in result.message


def test_expected_statuses_can_include_errors(http_target):
    http_target.set("unhealthy")
    assert probe(target=http_target.url, expected_status="200-299,500").outcome == "up"


def test_a_slow_answer_is_degraded_and_a_slower_one_times_out(http_target):
    http_target.set("slow")
    http_target.server.delay = 0.3
    assert probe(target=http_target.url, degraded_ms=100).outcome == "degraded"
    http_target.server.delay = 2
    result = probe(target=http_target.url, timeout=1)
    assert result.outcome == "down" and "Timed out" in result.message


def test_a_missing_or_forbidden_keyword_is_down(http_target):
    http_target.set("healthy", body="status: all good")
    assert probe(target=http_target.url, keyword="all good", keyword_mode="present").outcome == "up"
    assert probe(target=http_target.url, keyword="error", keyword_mode="present").outcome == "down"
    assert probe(target=http_target.url, keyword="all good",
                 keyword_mode="absent").outcome == "down"


def test_only_the_first_64_kb_are_read(http_target):
    http_target.set("healthy", body="x" * (conf.BODY_LIMIT + 10) + "needle")
    result = probe(target=http_target.url, keyword="needle", keyword_mode="present")
    assert result.outcome == "down" and "first 64 KB" in result.message


def test_a_redirect_to_the_metadata_address_is_refused(http_target):
    http_target.set("redirect-metadata")
    result = probe(target=http_target.url)
    assert result.outcome == "down"
    assert "169.254.169.254" in result.message and "refused" in result.message


def test_redirects_are_followed_only_when_asked(http_target):
    http_target.set("redirect-local")
    assert probe(target=http_target.url, follow_redirects=False).status_code == 302
    assert probe(target=http_target.url, follow_redirects=False).outcome == "down"
    http_target.server.mode = "redirect-local"
    # Followed: the second request answers 302 again, five times, then gives up.
    assert "redirect" in probe(target=http_target.url).message.lower()


def test_credentials_in_the_target_never_reach_the_message(closed_port):
    result = probe(target=f"http://admin:s3cret@{closed_port}/")
    assert result.outcome == "down"
    assert "s3cret" not in result.message and "admin:" not in result.message


def test_a_name_resolving_to_link_local_is_refused_at_connect_time(monkeypatch):
    monkeypatch.setattr(probes.netguard, "refusal",
                        lambda address: "169.254.1.1 is a link-local address")
    result = probe(target="http://127.0.0.1:9/")
    assert result.outcome == "down" and "link-local" in result.message


def test_private_targets_are_refused_when_the_admin_turns_them_off(http_target, settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    result = probe(target=http_target.url)
    assert result.outcome == "down" and "private" in result.message
    assert http_target.hits == 0


def test_tcp_connect_up_and_down(tcp_target, closed_port):
    assert probe(kind="tcp", target=tcp_target).outcome == "up"
    result = probe(kind="tcp", target=closed_port)
    assert result.outcome == "down" and result.message


def test_dns_resolves_and_can_expect_an_address():
    assert probe(kind="dns", target="localhost").outcome == "up"
    assert probe(kind="dns", target="localhost", dns_expected="127.0.0.1").outcome == "up"
    result = probe(kind="dns", target="localhost", dns_expected="10.9.9.9")
    assert result.outcome == "down" and "expected 10.9.9.9" in result.message
    assert probe(kind="dns", target="no-such-host.invalid").outcome == "down"


def test_a_certificate_inside_the_warning_period_is_degraded(tls_target):
    server = tls_target(days_left=5)
    result = probe(kind="tls", target=server.target, verify_tls=False, tls_warn_days=21)
    assert result.outcome == "degraded" and "expires in" in result.message
    assert abs(result.cert_not_after - server.not_after) < timedelta(seconds=1)


def test_a_certificate_far_from_expiry_is_up(tls_target):
    server = tls_target(days_left=200)
    assert probe(kind="tls", target=server.target, verify_tls=False).outcome == "up"


def test_an_expired_certificate_is_down(tls_target):
    server = tls_target(days_left=-1)
    result = probe(kind="tls", target=server.target, verify_tls=False)
    assert result.outcome == "down" and "expired" in result.message


def test_an_untrusted_certificate_is_down_when_verified(tls_target):
    server = tls_target(days_left=200)
    result = probe(kind="tls", target=server.target, verify_tls=True)
    assert result.outcome == "down" and "not trusted" in result.message


@pytest.mark.parametrize("address", ["169.254.169.254", "fe80::1", "::ffff:169.254.169.254",
                                     "100.100.100.200", "0.0.0.0"])  # noqa: S104
def test_metadata_link_local_and_unspecified_addresses_are_always_refused(address):
    assert probes.netguard.refusal(address)


def test_public_and_private_addresses_are_allowed_by_default():
    assert probes.netguard.refusal("127.0.0.1") is None
    assert probes.netguard.refusal("10.1.2.3") is None
    assert probes.netguard.refusal("93.184.216.34") is None


def test_run_all_waits_for_the_planned_moment(http_target):
    check = Check(name="t", kind="http", uuid=uuid.uuid4(), target=http_target.url, timeout=5)
    planned = datetime.now(UTC) + timedelta(milliseconds=300)
    import asyncio

    [result] = asyncio.run(probes.run_all([(check, planned)]))
    assert planned <= result.ran_at < planned + timedelta(milliseconds=200)
