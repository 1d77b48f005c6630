"""The dashboard's trends: each headline figure per day of a hand-built week (1–7 March
2026, "now" = 8 March noon), on the page, in the API, and in words.

Tickets (created → done):
  p  20 Feb → resolved 25 Feb (previous period only)
  a   2 Mar 09:00 → resolved 3 Mar 09:00: answered in 1 h, response met, resolution
      breached, rated 4
  b   3 Mar 06:00 → resolved 3 Mar 09:00: answered in 2 h, both met, reopened once, rated 2
  c   4 Mar 10:00 → cancelled 6 Mar
  d   5 Mar 10:00, a maintenance work item, still open
Open at the end of each day: 1 Mar 0 · 2 Mar a · 3 Mar none · 4 Mar c · 5 Mar c d ·
6 Mar d · 7 Mar d.
"""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from reports import buckets
from reports.dashboard import headlines
from reports.formatting import series_summary
from reports.params import Filters, Period
from reports.tables import INT, Figure
from tests.reports.api.test_api import api
from tests.reports.conftest import NO_FILTERS, H, period, utc
from tickets.models import Kind, Status

pytestmark = pytest.mark.django_db
WEEK = period((2026, 3, 1), (2026, 3, 7))
NOW = utc(2026, 3, 8, 12)
NONE_BUT_3RD = [None, None, "x", None, None, None, None]


@pytest.fixture
def week(build, team):
    build(utc(2026, 2, 20, 9), team=team, status=Status.RESOLVED,
          resolved_at=utc(2026, 2, 25, 9))
    build(utc(2026, 3, 2, 9), team=team, status=Status.RESOLVED,
          resolved_at=utc(2026, 3, 3, 9), first_response_at=utc(2026, 3, 2, 10),
          response_breached=False, resolution_breached=True, rating=4)
    build(utc(2026, 3, 3, 6), team=team, status=Status.RESOLVED,
          resolved_at=utc(2026, 3, 3, 9), first_response_at=utc(2026, 3, 3, 8),
          response_breached=False, resolution_breached=False, reopen_count=1, rating=2)
    build(utc(2026, 3, 4, 10), team=team, status=Status.CANCELLED,
          updated_at=utc(2026, 3, 6, 10))
    build(utc(2026, 3, 5, 10), team=team, kind=Kind.MAINTENANCE)


def figures(p=WEEK, now=NOW) -> dict[str, Figure]:
    with time_machine.travel(now, tick=False):
        return {f"{card.info.key}.{f.key}": f for card in headlines(p, NO_FILTERS, now=now)
                for f in card.figures}


def on_the_3rd(value):
    return [value if x else None for x in NONE_BUT_3RD]


def test_each_figure_has_its_value_per_day(week):
    found = figures()
    assert found["volume.created"].series == [0, 1, 1, 1, 1, 0, 0]
    assert found["volume.resolved"].series == [0, 0, 2, 0, 0, 0, 0]
    assert found["volume.backlog"].series == [0, 1, 0, 1, 2, 1, 1]
    assert found["volume.reopen_rate"].series == on_the_3rd(50.0)
    assert found["sla.resolution_percent"].series == on_the_3rd(50.0)
    assert found["sla.response_percent"].series == on_the_3rd(100.0)
    assert found["times.mtta_median"].series == on_the_3rd(pytest.approx(1.5 * H, rel=0.01))
    assert found["times.mttr_median"].series == on_the_3rd(
        pytest.approx((24 + 3) / 2 * H, rel=0.01))
    assert found["satisfaction.average"].series == on_the_3rd(3.0)
    assert found["satisfaction.response_rate"].series == on_the_3rd(100.0)
    assert found["work.proactive_share"].series == [None, 0.0, 0.0, 0.0, 100.0, None, None]
    # Current states have no history to draw.
    assert found["workload.per_person"].series is None


def test_the_series_add_up_to_the_figure(week):
    found = figures()
    for key in ("volume.created", "volume.resolved"):
        assert sum(found[key].series) == found[key].value
    assert found["volume.backlog"].series[-1] == found["volume.backlog"].value
    # A median of the week is not a median of medians: it is read over the whole week.
    assert found["times.mttr_median"].value == pytest.approx((24 + 3) / 2 * H, rel=0.01)


def test_the_median_of_the_period_is_over_all_its_tickets(build):
    from reports.figures import times

    # Resolved on 2 Mar in 1 h; on 3 Mar in 2 and 3 h; on 4 Mar in 30 and 40 h.
    for created, hours in (((2, 8), 1), ((3, 8), 2), ((3, 9), 3), ((3, 2), 30), ((3, 0), 40)):
        build(utc(2026, 3, *created), status=Status.RESOLVED,
              resolved_at=utc(2026, 3, *created) + hours * timedelta(hours=1))
    mttr = figures()["times.mttr_median"]
    # ≈: from the histograms, within 1 %.
    assert mttr.series[0] is None and mttr.series[4:] == [None, None, None]
    assert mttr.series[1:4] == pytest.approx([1 * H, 2.5 * H, 35 * H], rel=0.01)
    # The week's median of 1, 2, 3, 30 and 40 h, not the median of the days' (2.5 h).
    assert mttr.value == pytest.approx(3 * H, rel=0.01)
    report = times.build(WEEK, NO_FILTERS, now=NOW)
    assert mttr.value == next(f.value for f in report.summary if f.key == "mttr_median")


def test_days_not_begun_have_no_value(week):
    found = figures(period((2026, 3, 1), (2026, 3, 10)), now=NOW)
    assert found["volume.created"].series[7:] == [0, None, None]  # 8 Mar has begun
    assert found["volume.backlog"].series[6:8] == [1, 1]  # 8 Mar (today) is open now


def test_longer_periods_have_weeks_then_months():
    weeks = buckets.of(Period(date(2026, 1, 1), date(2026, 3, 31)))
    assert len(weeks) == 13 and {b.unit for b in weeks} == {"week"}
    assert (weeks[0].first_day.day, weeks[0].last_day.day) == (1, 7)
    assert (weeks[-1].first_day, weeks[-1].last_day) == (date(2026, 3, 26), date(2026, 3, 31))
    assert weeks[1].label == "8–14 Jan" and weeks[4].label == "29 Jan – 4 Feb"
    months = buckets.of(Period(date(2025, 6, 15), date(2026, 3, 10)))
    assert [b.label for b in months][:2] == ["Jun 2025", "Jul 2025"]
    assert (months[0].first_day.day, months[0].last_day.day) == (15, 30)
    assert (months[-1].first_day.day, months[-1].last_day.day) == (1, 10)
    assert sum((b.last_day - b.first_day).days + 1 for b in months) == 269


def test_a_sparkline_says_its_trend_in_words():
    days = buckets.of(WEEK)
    rising = Figure("created", "Tickets created", 30, INT, series=[2, 5, 1, None, 6, 8, 8])
    assert series_summary(rising, days) == (
        "Tickets created per day over 7 days: rising from 2 to 8 (low 1, high 8); "
        "no data for 1 day")
    level = Figure("created", "Tickets created", 0, INT, series=[0] * 7)
    assert series_summary(level, days) == "Tickets created per day over 7 days: level at 0"
    lone = Figure("rate", "Reopen rate", 50.0, "percent", series=on_the_3rd(50.0))
    assert series_summary(lone, days).endswith("only 3 Mar has data, 50.0 %")


def test_the_dashboard_draws_a_sparkline_per_figure(client_for, manny, week):
    with time_machine.travel(NOW, tick=False):
        html = client_for(manny).get(reverse("reports:dashboard"), {
            "from": "2026-03-01", "to": "2026-03-07"}).content.decode()
    drawn = set(re.findall(r'data-chart="spark-([a-z_]+-[a-z_]+)"', html))
    # No check and no plan here: availability and maintenance on time have no day with
    # data; overdue patches and open items per person are current states.
    assert drawn == {"sla-resolution_percent", "sla-response_percent", "times-mtta_median",
                     "times-mttr_median", "volume-created", "volume-resolved",
                     "volume-backlog", "volume-reopen_rate", "availability-unplanned",
                     "work-proactive_share", "satisfaction-average",
                     "satisfaction-response_rate"}
    assert html.count('<div class="spark">') == len(drawn)
    assert ('data-chart="spark-volume-created" role="img" aria-label="Tickets created per '
            'day over 7 days: from 0 and back to 0 (low 0, high 1)"') in html
    assert '<script id="spark-volume-backlog" type="application/json">' in html
    # MTTR in seconds, ≈ 48600 (from the histograms, within 1 %).
    mttr = re.search(r'id="spark-times-mttr_median"[^>]*>[^<]*"data": '
                     r'\[null, null, ([0-9.]+), null, null, null, null\]', html)
    assert float(mttr.group(1)) == pytest.approx(48600.0, rel=0.01)


def test_the_dashboard_api_gives_the_buckets_and_each_series(manny, week):
    with time_machine.travel(NOW, tick=False):
        body = api(manny).get(reverse("api-report-dashboard"),
                              {"from": "2026-03-01", "to": "2026-03-07"}).json()
    assert [b["from"] for b in body["buckets"]][:2] == ["2026-03-01", "2026-03-02"]
    assert body["buckets"][0] == {"from": "2026-03-01", "to": "2026-03-01", "unit": "day",
                                  "label": "1 Mar"}
    volume = next(c for c in body["reports"] if c["report"] == "volume")
    series = {f["key"]: f["series"] for f in volume["figures"]}
    assert series["backlog"] == [0, 1, 0, 1, 2, 1, 1]
    workload = next(c for c in body["reports"] if c["report"] == "workload")
    assert workload["figures"][0]["series"] is None


def test_filters_narrow_the_series_too(week, build, network):
    build(utc(2026, 3, 6, 9), team=network)
    with time_machine.travel(NOW, tick=False):
        cards = headlines(WEEK, Filters(team=network), now=NOW)
    created = next(f for c in cards for f in c.figures if f.key == "created")
    assert created.series == [0, 0, 0, 0, 0, 1, 0]
