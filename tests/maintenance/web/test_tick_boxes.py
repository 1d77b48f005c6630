"""The plan and window editors choose services, assets and weekdays with tick boxes: they
render as boxes (not a <select multiple>), ticked ones first, a filter over long lists, and
what is ticked is what is saved."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maintenance.models import MaintenancePlan, MaintenanceWindow
from maintenance.web.desk.widgets import FILTER_AFTER
from tests.factories import AssetFactory, ServiceFactory
from tests.maintenance.conftest import make_plan, utc

pytestmark = pytest.mark.django_db
PLAN = {"title": "Patch the mail servers", "kind": "patching", "priority": 3,
        "is_active": "on", "duration_minutes": 60, "lead_days": 2, "repeat": "weekly",
        "interval": 1, "starts_on": "2026-03-02", "at_time": "22:00", "time_zone": "UTC",
        "step-a1-text": "Install updates"}


def boxes(html: str, name: str) -> list[str]:
    """The tick boxes named `name`, whatever order their attributes come in."""
    return re.findall(rf'<input(?=[^>]*type="checkbox")(?=[^>]*name="{name}")[^>]*>', html)


def ticked(html: str, name: str) -> list[str]:
    return [re.search(r'value="([^"]*)"', box)[1] for box in boxes(html, name)
            if " checked" in box]


@pytest.mark.parametrize("name", ["maintenance:plan_new", "maintenance:window_new"])
def test_services_and_assets_are_tick_boxes_not_a_bare_multi_select(client_for, dee, asset,
                                                                    service, name):
    html = client_for(dee).get(reverse(name)).content.decode()
    assert len(boxes(html, "services")) == 1 and len(boxes(html, "assets")) == 1
    assert not re.search(r'<select[^>]*name="(services|assets)"', html)
    assert html.count('class="ticklist-box"') == 2
    # Each list is a fieldset named by its legend, with a count of what is ticked.
    assert re.search(r"<legend[^>]*>\s*Assets", html) and "0 of 1 chosen" in html
    assert "js/ticklist.js" in html


def test_weekdays_are_tick_boxes_too(client_for, dee):
    html = client_for(dee).get(reverse("maintenance:plan_new")).content.decode()
    assert len(boxes(html, "weekdays")) == 7


def test_a_short_list_has_no_filter_and_a_long_one_has(client_for, dee, service):
    AssetFactory.create_batch(FILTER_AFTER + 1, service=service)
    html = client_for(dee).get(reverse("maintenance:plan_new")).content.decode()
    assert 'id="id_assets_filter"' in html and 'for="id_assets_filter"' in html
    assert 'id="id_services_filter"' not in html


def test_the_plan_form_saves_what_is_ticked(client_for, dee, team):
    mail, web = ServiceFactory(name="Mail"), ServiceFactory(name="Web")
    first, second, _third = AssetFactory.create_batch(3)
    data = {**PLAN, "team": team.pk, "services": [mail.pk, web.pk],
            "assets": [first.pk, second.pk], "weekdays": ["MO", "TH"]}
    with time_machine.travel(utc(2026, 3, 1, 12), tick=False):
        response = client_for(dee).post(reverse("maintenance:plan_new"), data)
    plan = MaintenancePlan.objects.get()
    assert response.status_code == 302
    assert set(plan.services.all()) == {mail, web}
    assert set(plan.assets.all()) == {first, second}
    assert plan.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"


def test_editing_shows_the_ticked_first_and_unticking_all_clears_them(client_for, dee, team):
    assets = AssetFactory.create_batch(4)
    last = sorted(assets, key=lambda a: a.name)[-1]
    plan = make_plan(dee, team=team, assets=[last])
    url = reverse("maintenance:plan_edit", args=[plan.pk])
    html = client_for(dee).get(url).content.decode()
    assert ticked(html, "assets") == [str(last.pk)]
    assert re.search(r'value="([^"]*)"', boxes(html, "assets")[0])[1] == str(last.pk)
    assert "1 of 4 chosen" in html
    assert ticked(html, "weekdays") == ["MO"]
    # No box ticked sends no "assets" at all: the plan loses its assets, not keeps them.
    with time_machine.travel(utc(2026, 3, 1, 12), tick=False):
        response = client_for(dee).post(url, {**PLAN, "team": team.pk, "weekdays": ["MO"]})
    assert response.status_code == 302
    assert not plan.assets.exists()


def test_the_window_form_saves_what_is_ticked(client_for, dee, service, asset):
    response = client_for(dee).post(reverse("maintenance:window_new"), {
        "reason": "Firewall swap", "starts_at": "2026-04-01T22:00",
        "ends_at": "2026-04-01T23:30", "assets": [asset.pk]})
    assert response.status_code == 302
    window = MaintenanceWindow.objects.get()
    assert (list(window.assets.all()), list(window.services.all())) == ([asset], [])
    html = client_for(dee).get(reverse("maintenance:window_edit", args=[window.pk])
                               ).content.decode()
    assert ticked(html, "assets") == [str(asset.pk)] and ticked(html, "services") == []


def test_an_error_keeps_the_boxes_ticked(client_for, dee, service, asset):
    response = client_for(dee).post(reverse("maintenance:window_new"), {
        "reason": "Backwards", "starts_at": "2026-04-01T22:00",
        "ends_at": "2026-04-01T21:00", "services": [service.pk]})
    assert response.status_code == 400
    assert ticked(response.content.decode(), "services") == [str(service.pk)]


def test_the_preview_reads_the_weekday_boxes(client_for, dee):
    data = {"repeat": "weekly", "interval": 1, "weekdays": ["TU", "FR"],
            "starts_on": "2026-03-02", "at_time": "09:00", "time_zone": "UTC",
            "assets": ["1"], "title": "rides along from the form"}
    with time_machine.travel(utc(2026, 3, 1), tick=False):
        html = client_for(dee).post(reverse("maintenance:plan_preview"), data,
                                    HTTP_HX_REQUEST="true").content.decode()
    assert "BYDAY=TU,FR" in html
    assert "Tuesday 3 March 2026" in html and "Friday 6 March 2026" in html


def test_the_form_costs_the_same_queries_for_a_few_or_many_assets(client_for, dee):
    client = client_for(dee)
    url = reverse("maintenance:plan_new")
    AssetFactory.create_batch(3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    AssetFactory.create_batch(200)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) == len(few)
    assert len(boxes(html, "assets")) == 203
