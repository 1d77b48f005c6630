"""The board, the check page, the form, its buttons, and the status page."""

import html
import json
import re

import pytest
import time_machine
from django.urls import reverse

from monitoring.models import Check, CheckStateChange
from tests.factories import ServiceFactory
from tests.monitoring.helpers import minute, run_at, run_series

BOARD = "/desk/monitoring/"


def chart_specs(page: str) -> list[dict]:
    """The data of each small chart on a page (canvas data-spec attributes), in order."""
    return [json.loads(html.unescape(raw)) for raw in re.findall(r'data-spec="([^"]*)"', page)]


def json_block(page: str, block_id: str) -> dict:
    found = re.search(rf'<script id="{block_id}" type="application/json">(.*?)</script>', page,
                      flags=re.S)
    assert found, f"no JSON block {block_id}"
    return json.loads(found.group(1))


def form_data(**fields):
    data = {"kind": "http", "name": "Intranet", "target": "http://127.0.0.1:9/health",
            "http_method": "GET", "expected_status": "200-299", "keyword_mode": "",
            "tls_warn_days": 21, "period": 3600, "grace": 300, "interval": 60, "timeout": 10,
            "failure_threshold": 3, "recovery_threshold": 2, "priority": 2,
            "incident_mode": "resolve", "verify_tls": "on", "follow_redirects": "on"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_the_board_is_for_desk_staff_only(client_for, alice, dee, manny):
    assert client_for(alice).get(BOARD).status_code == 403
    assert client_for(dee).get(BOARD).status_code == 200
    page = client_for(manny).get(BOARD)
    assert page.status_code == 200 and reverse("monitoring:new").encode() not in page.content


def test_an_empty_board_says_what_checks_are(client_for, dee):
    page = client_for(dee).get(BOARD).content.decode()
    assert "No checks yet" in page and "Create the first check" in page


def test_the_board_shows_state_bars_and_the_open_incident(client_for, dee, make_check,
                                                           http_target):
    check = make_check(target=http_target.url, failure_threshold=1)
    http_target.set("unhealthy")
    run_at(check, minute(0))
    check.refresh_from_db()
    with time_machine.travel(minute(30)):
        page = client_for(dee).get(BOARD).content.decode()
    assert "Intranet" in page and "Down" in page
    assert check.open_incident.ticket.ref in page
    hours, days = chart_specs(page)
    assert hours["kind"] == days["kind"] == "uptime"
    assert sum(n for n, _state, _title in hours["runs"]) == 24
    assert sum(n for n, _state, _title in days["runs"]) == 90
    assert [state for _n, state, _title in hours["runs"]][-1] == "down"
    assert hours["runs"][-1][2].endswith(": 0.00% up, 1 of 1 runs failed")
    # The figure stays readable without JS, and a screen reader hears the same.
    assert "0.00% up" in page and "last 24 hours: 0.00% up, 1 hour with failed runs" in page
    assert "style=" not in page and "<svg" not in page


def test_the_board_runs_the_same_queries_for_ten_checks_as_for_one(
        client_for, dee, make_check, django_assert_max_num_queries):
    client = client_for(dee)
    make_check(kind="dns", target="localhost")
    client.get(BOARD)
    with django_assert_max_num_queries(12) as one:
        client.get(BOARD)
    for n in range(10):
        make_check(kind="dns", name=f"dns {n}", target="localhost")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(BOARD)


def test_the_board_filters_by_state_kind_and_words(client_for, dee, make_check):
    make_check(kind="dns", name="Mail DNS", target="localhost")
    make_check(kind="tcp", name="Database port", target="127.0.0.1:5432")
    client = client_for(dee)
    page = client.get(BOARD, {"kind": "dns"}).content.decode()
    assert "Mail DNS" in page and "Database port" not in page
    page = client.get(BOARD, {"q": "database"}).content.decode()
    assert "Database port" in page and "Mail DNS" not in page
    page = client.get(BOARD, {"state": "down"}).content.decode()
    assert "No check matches" in page
    fragment = client.get(BOARD, {"q": "mail"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Mail DNS" in fragment and "<html" not in fragment


def test_a_dse_creates_a_check_and_it_is_scheduled(client_for, dee, service):
    response = client_for(dee).post(reverse("monitoring:new"),
                                    form_data(service=service.pk))
    check = Check.objects.get()
    assert response.status_code == 302 and response["Location"] == check.get_absolute_url()
    assert check.next_run_at is not None and check.created_by == dee
    assert CheckStateChange.objects.filter(owner=check, to_state="unknown").exists()


@pytest.mark.parametrize(("fields", "field", "text"), [
    ({"target": "http://169.254.169.254/latest/meta-data/"}, "target", "metadata"),
    ({"target": "http://[fe80::1]/"}, "target", "link-local"),
    ({"target": "ftp://example.com/"}, "target", "http://"),
    ({"interval": 5}, "interval", "10 seconds"),
    ({"timeout": 60}, "timeout", "Between 1 and 30"),
    ({"expected_status": "abc"}, "expected_status", "100 to 599"),
    ({"keyword_mode": "present", "keyword": ""}, "keyword", "keyword"),
    ({"kind": "tcp", "target": "db.example"}, "target", "port"),
    ({"kind": "dns", "target": "", "dns_expected": "nope"}, "dns_expected", "address"),
    ({"kind": "heartbeat", "period": 30}, "period", "60 seconds"),
])
def test_the_form_explains_what_is_wrong(client_for, dee, fields, field, text):
    response = client_for(dee).post(reverse("monitoring:new"), form_data(**fields))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert text in errors, response.context["form"].errors
    assert not Check.objects.exists()


def test_private_targets_are_refused_on_save_when_turned_off(client_for, dee, settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    response = client_for(dee).post(reverse("monitoring:new"), form_data())
    assert "private" in " ".join(response.context["form"].errors["target"])


def test_an_asset_of_another_service_is_refused(client_for, dee, service):
    from tests.factories import AssetFactory

    asset = AssetFactory(name="db-01", service=ServiceFactory(name="Payroll"))
    response = client_for(dee).post(reverse("monitoring:new"),
                                    form_data(service=service.pk, asset=asset.pk))
    assert "belongs to Payroll" in " ".join(response.context["form"].errors["asset"])


def test_managers_and_end_users_cannot_create_or_change_checks(client_for, manny, alice,
                                                                make_check):
    check = make_check(kind="dns", target="localhost")
    for user in (manny, alice):
        client = client_for(user)
        assert client.post(reverse("monitoring:new"), form_data()).status_code == 403
        assert client.post(reverse("monitoring:pause", args=[check.pk])).status_code == 403
        assert client.post(reverse("monitoring:test", args=[check.pk])).status_code == 403
    assert Check.objects.count() == 1 and not Check.objects.get().paused


def test_editing_keeps_the_state_and_reschedules_on_a_new_interval(client_for, dee,
                                                                    make_check, http_target):
    check = make_check(target=http_target.url, failure_threshold=1)
    http_target.set("unhealthy")
    run_at(check, minute(0))
    response = client_for(dee).post(reverse("monitoring:edit", args=[check.pk]),
                                    form_data(name="Intranet home", target=http_target.url,
                                              interval=120, failure_threshold=1))
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.name, check.interval, check.state) == ("Intranet home", 120, "down")


def test_pause_and_resume_from_the_check_page(client_for, dee, make_check):
    check = make_check(kind="dns", target="localhost")
    client = client_for(dee)
    client.post(reverse("monitoring:pause", args=[check.pk]))
    check.refresh_from_db()
    assert check.paused and check.state == "paused" and check.next_run_at is None
    page = client.get(check.get_absolute_url()).content.decode()
    assert "Resume" in page
    client.post(reverse("monitoring:resume", args=[check.pk]))
    check.refresh_from_db()
    assert not check.paused and check.state == "unknown" and check.next_run_at


def test_test_now_runs_once_and_records_nothing(client_for, dee, make_check, http_target):
    check = make_check(target=http_target.url)
    response = client_for(dee).post(reverse("monitoring:test", args=[check.pk]),
                                    HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Test run: up" in page and "HTTP 200" in page
    assert http_target.hits == 1 and not check.results.exists()


def test_the_check_page_shows_results_changes_and_chart(client_for, manny, make_check,
                                                        http_target):
    check = make_check(target=http_target.url, failure_threshold=1)
    with time_machine.travel(minute(0), tick=False):
        pass
    run_series(check, 0, 2)
    http_target.set("unhealthy")
    run_at(check, minute(2))
    with time_machine.travel(minute(3)):
        page = client_for(manny).get(check.get_absolute_url()).content.decode()
    assert "HTTP 500" in page and '<canvas data-chart="latency-data"' in page
    latency = json_block(page, "latency-data")
    assert latency["kind"] == "latency" and len(latency["x"]) == len(latency["ms"]) == 3
    assert latency["down"] == [2] and "1 failed run (red)" in page
    assert [s["kind"] for s in chart_specs(page)] == ["uptime", "uptime"]
    assert "Test now" not in page  # managers only look
    assert "down" in page and "style=" not in page


def test_a_heartbeat_page_shows_its_ping_urls_to_engineers(client_for, dee, make_check):
    check = make_check(kind="heartbeat", name="Backup")
    page = client_for(dee).get(check.get_absolute_url()).content.decode()
    assert f"/ping/{check.uuid}/fail" in page


def test_delete_keeps_the_incident(client_for, dee, make_check, http_target):
    check = make_check(target=http_target.url, failure_threshold=1)
    http_target.set("unhealthy")
    run_at(check, minute(0))
    client_for(dee).post(reverse("monitoring:delete", args=[check.pk]))
    from tickets.models import Ticket

    assert not Check.objects.exists() and Ticket.objects.count() == 1


def test_the_status_page_needs_sign_in_unless_public(client, client_for, alice, settings):
    assert client.get("/status/").status_code == 302
    assert client_for(alice).get("/status/").status_code == 200
    settings.TEND_STATUS_PUBLIC = True
    assert client.get("/status/").status_code == 200


def test_the_status_page_shows_services_not_checks(client_for, alice,
                                                                 make_check, http_target,
                                                                 service):
    check = make_check(name="Internal probe xyz", target=http_target.url, service=service,
                       failure_threshold=1)
    http_target.set("unhealthy")
    run_at(check, minute(0))
    page = client_for(alice).get("/status/").content.decode()
    assert service.name in page and "Outage" in page
    assert "Internal probe xyz" not in page  # the check's (internal) name, nor its title
    assert f"<strong>{service.name}</strong>: we are working on a problem" in page
    assert http_target.url not in page and "HTTP 500" not in page
    assert "style=" not in page
    (bar,) = chart_specs(page)
    assert bar["kind"] == "uptime" and sum(run[0] for run in bar["runs"]) == 90
    assert re.search(r'aria-label="Uptime by day, last 90 days: [^"]+"', page)
    assert " uptime</span>" in page  # the figure, readable without JS
