"""The capacity report on a hand-built quarter with known counts.

Sep: A raised 10 Sep, resolved 20 Sep before its likely ETA (30 Sep): acted on. E (another
     service) raised 12 Sep, still open.
Oct: B raised 5 Oct (likely ETA 20 Oct), reaches its threshold 22 Oct with the ticket still
     open (a miss), resolved 25 Oct: raised, not acted on.
Nov: C reaches its threshold 3 Nov with no ticket (a miss). D raised 1 Nov, still open.
Expected: raised 2/1/1, acted 1/0/0, misses 0/1/1 (one "ticket still open", one "no ticket").
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from itsm.models import Service
from reports.figures import capacity
from reports.params import Filters, Period
from tests.capacity.web.data import follow_up, hourly, make_asset, make_series, resolve
from tests.reports.conftest import utc

QUARTER = Period(date(2026, 9, 1), date(2026, 11, 30))
NOW = utc(2026, 12, 3, 9)


@pytest.fixture
def quarter(db, alice, dee, team):
    web = Service.objects.create(name="Web", owner_team=team)
    other = Service.objects.create(name="Other")
    limit = {"threshold_value": 100.0, "unit": "percent"}
    a = make_series(make_asset("a1", service=web), name="/a", **limit)
    b = make_series(make_asset("b1", service=web), name="/b", **limit)
    c = make_series(make_asset("c1", service=web), name="/c", **limit)
    d = make_series(make_asset("d1", service=web), name="/d", **limit)
    e = make_series(make_asset("e1", service=other), name="/e", **limit)
    up_a = follow_up(a, alice, opened_at=utc(2026, 9, 10, 9), eta_likely=utc(2026, 9, 30))
    resolve(up_a, dee, at=utc(2026, 9, 20, 9))
    follow_up(e, alice, opened_at=utc(2026, 9, 12, 9), eta_likely=utc(2026, 10, 30))
    up_b = follow_up(b, alice, opened_at=utc(2026, 10, 5, 9), eta_likely=utc(2026, 10, 20))
    # B: 80 % for a day and a half, then past 100 % from 22 Oct 12:00.
    hourly(b, start=utc(2026, 10, 21), hours=72, value=lambda n: 80.0 if n < 36 else 100.0)
    resolve(up_b, dee, at=utc(2026, 10, 25, 9))
    hourly(c, start=utc(2026, 11, 3), hours=24, value=lambda n: 99.5)
    hourly(a, start=utc(2026, 9, 1), hours=24, value=lambda n: 50.0)  # never near it
    follow_up(d, alice, opened_at=utc(2026, 11, 1, 9))
    return {"web": web, "b": b, "c": c}


def _summary(report) -> dict:
    return {f.key: f.value for f in report.summary}


def test_figures_per_month(quarter):
    report = capacity.build(QUARTER, Filters(), limit=20, now=NOW)
    assert _summary(report) == {"raised": 4, "acted_rate": 25.0, "missed": 2}
    months = report.tables()["months"].rows
    assert [(r["raised"], r["acted"], r["missed"], r["no_ticket"], r["still_open"])
            for r in months] == [(2, 1, 0, 0, 0), (1, 0, 1, 0, 1), (1, 0, 1, 1, 0)]
    misses = report.tables()["misses"].rows
    assert [(m["asset"], m["reason"]) for m in misses] == [("b1", "ticket still open"),
                                                           ("c1", "no ticket")]
    assert misses[0]["at"] == utc(2026, 10, 22, 12)
    assert misses[0]["ref_url"].startswith("/desk/tickets/") and not misses[1]["ref"]
    assert misses[1]["asset_url"] == reverse("capacity:asset", args=[quarter["c"].asset_id])
    raised = {r["asset"]: r["outcome"] for r in report.tables()["raised"].rows}
    assert raised == {"a1": "acted on before the ETA", "e1": "open", "b1": "done late",
                      "d1": "open"}


def test_service_filter(quarter):
    report = capacity.build(QUARTER, Filters(service=quarter["web"]), limit=20, now=NOW)
    assert _summary(report) == {"raised": 3, "acted_rate": pytest.approx(33.3, abs=0.1),
                                "missed": 2}


def test_a_month_without_anything_is_empty(db):
    report = capacity.build(Period(date(2026, 1, 1), date(2026, 1, 31)), Filters(), now=NOW)
    assert _summary(report)["raised"] == 0 and not report.tables()["months"].rows
    assert report.sections[0].chart is not None  # a month passed: an empty chart of zeros
    assert capacity.headline_figures(QUARTER, Period(date(2026, 6, 1), date(2026, 8, 31)),
                                     Filters())[0].value == 0


def test_page_csv_and_api(quarter, client_for, manny, alice):
    query = {"from": "2026-09-01", "to": "2026-11-30"}
    page = client_for(manny).get(reverse("reports:capacity"), query)
    assert page.status_code == 200 and "Capacity tickets raised" in page.content.decode()
    assert client_for(alice).get(reverse("reports:capacity"), query).status_code in (403, 404)
    csv = client_for(manny).get(reverse("reports:capacity"),
                                {**query, "format": "csv", "table": "misses"})
    assert csv.status_code == 200 and "no ticket" in csv.content.decode()
    api = APIClient()
    api.force_authenticate(manny)
    body = api.get(reverse("api-report-detail", args=["capacity"]), query).json()
    assert {f["key"]: f["value"] for f in body["summary"]}["missed"] == 2


def test_cone_helper_months():
    slots = capacity.months(Period(date(2026, 9, 15), date(2026, 11, 2)))
    assert [(b.first_day, b.last_day) for b in slots] == [
        (date(2026, 9, 15), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 11, 1), date(2026, 11, 2))]
    assert slots[0].end - slots[0].start == timedelta(days=16)
