"""Availability and downtime over two hand-built days (2–3 March 2026, period
[2 Mar 00:00, 4 Mar 00:00) = 48 h), with outages crossing both ends of the period and
maintenance windows partly overlapping outages.

The figures come from monitoring.selectors.availability: on PostgreSQL from its SQL, on
SQLite from its Python intervals. The same expectations hold for both, and one test
compares them.

  X (Email):     up since 20 Feb; down 1 Mar 22:00–2 Mar 02:00 (2 h inside the period),
                 2 Mar 10:00–11:00, and from 3 Mar 23:00 on (1 h inside).
  Y (Email):     first state 2 Mar 06:00 (up); down 2 Mar 11:30–12:30.
  Email window:  2 Mar 10:30–12:00 → planned: X 10:30–11:00, Y 11:30–12:00.
  W (VPN, asset vpn-gw): down 2 Mar 20:00–21:00; a window listing only the asset
                 2 Mar 20:30–22:00 → 30 min planned.
  Z (Email):     paused the whole time → never monitored.
"""

from datetime import timedelta

import pytest

from maintenance.models import MaintenanceWindow
from monitoring.models import Check, CheckStateChange
from monitoring.selectors import availability as downtime
from monitoring.selectors.availability import Availability, intervals
from monitoring.selectors.availability import postgres as sql
from monitoring.services.spans import spans_rebuild
from reports.figures import availability
from reports.params import Filters
from tests.factories import AssetFactory, ServiceFactory
from tests.reports.conftest import NO_FILTERS, H, period, utc

pytestmark = pytest.mark.django_db
DAYS = period((2026, 3, 2), (2026, 3, 3))
NOW = utc(2026, 3, 10, 12)
M = 60.0


def states(check, *changes):
    """Record a check's state changes, and leave it in the last state as the dispatcher
    would."""
    previous = ""
    for at, state in changes:
        CheckStateChange.objects.create(owner=check, from_state=previous, to_state=state, at=at)
        previous = state
    Check.objects.filter(pk=check.pk).update(state=previous)
    spans_rebuild([check.pk])


@pytest.fixture
def world(db):
    email = ServiceFactory(name="Email")
    vpn = ServiceFactory(name="VPN")
    gateway = AssetFactory(name="vpn-gw", service=vpn)
    x = Check.objects.create(name="X smtp", service=email, target="http://x.example")
    y = Check.objects.create(name="Y imap", service=email, target="http://y.example")
    z = Check.objects.create(name="Z paused", service=email, target="http://z.example")
    w = Check.objects.create(name="W vpn", service=vpn, asset=gateway, target="http://w.example")
    states(x, (utc(2026, 2, 20), "up"), (utc(2026, 3, 1, 21, 57), "pending"),
           (utc(2026, 3, 1, 22), "down"), (utc(2026, 3, 2, 2), "up"),
           (utc(2026, 3, 2, 9, 58), "pending"), (utc(2026, 3, 2, 10), "down"),
           (utc(2026, 3, 2, 11), "up"), (utc(2026, 3, 3, 23), "down"))
    states(y, (utc(2026, 3, 2, 6), "up"), (utc(2026, 3, 2, 11, 30), "down"),
           (utc(2026, 3, 2, 12, 30), "up"))
    states(z, (utc(2026, 2, 20), "paused"))
    states(w, (utc(2026, 2, 20), "up"), (utc(2026, 3, 2, 20), "down"),
           (utc(2026, 3, 2, 21), "up"))
    window = MaintenanceWindow.objects.create(reason="Mail upgrade",
                                              starts_at=utc(2026, 3, 2, 10, 30),
                                              ends_at=utc(2026, 3, 2, 12))
    window.services.add(email)
    gateway_window = MaintenanceWindow.objects.create(reason="Gateway firmware",
                                                      starts_at=utc(2026, 3, 2, 20, 30),
                                                      ends_at=utc(2026, 3, 2, 22))
    gateway_window.assets.add(gateway)
    # Not covering anything here: another service's window during X's first outage.
    MaintenanceWindow.objects.create(reason="Other", starts_at=utc(2026, 3, 2, 0),
                                     ends_at=utc(2026, 3, 2, 1)).services.add(
        ServiceFactory(name="Intranet"))
    return {"x": x, "y": y, "z": z, "w": w, "email": email, "vpn": vpn}


def tables(filters=NO_FILTERS):
    return availability.build(DAYS, filters, now=NOW).tables()


def row(table, name, key="check"):
    return next(r for r in table.rows if r[key] == name)


def test_a_check_with_outages_across_both_ends_of_the_period(world):
    x = row(tables()["checks"], "X smtp")
    # Down 2 h + 1 h + 1 h = 4 h = 240 min; planned 10:30–11:00 = 30 min.
    assert (x["down"], x["planned"], x["unplanned"], x["monitored"]) == (240, 30, 210, 48 * 60)
    assert x["uptime"] == pytest.approx(round(100 * (1 - 3.5 / 48), 3))  # 92.708
    assert x["outages"] == 3
    assert x["mttr"] == pytest.approx(4 * H / 3)  # 80 min
    assert x["mtbf"] == pytest.approx(44 * H / 3)  # (48 h − 4 h) ÷ 3


def test_monitoring_starts_with_the_first_state_and_stops_while_paused(world):
    checks = tables()["checks"]
    y = row(checks, "Y imap")
    # Monitored 2 Mar 06:00 – 4 Mar 00:00 = 42 h; down 1 h of which 30 min planned.
    assert (y["monitored"], y["down"], y["planned"]) == (42 * 60, 60, 30)
    assert y["uptime"] == pytest.approx(round(100 * (1 - 0.5 / 42), 3))  # 98.810
    z = row(checks, "Z paused")
    assert (z["monitored"], z["uptime"], z["mttr"]) == (0, None, None)


def test_a_window_listing_the_asset_makes_its_downtime_planned(world):
    w = row(tables()["checks"], "W vpn")
    assert (w["down"], w["planned"], w["unplanned"]) == (60, 30, 30)


def test_a_service_is_down_while_any_of_its_checks_is(world):
    services = tables()["services"]
    email = row(services, "Email", "service")
    # Union of X and Y: 00–02, 10–11, 11:30–12:30, 23–24 = 5 h in 4 outages; planned where
    # the window (10:30–12:00) meets it: 10:30–11:00 and 11:30–12:00 = 1 h.
    assert (email["down"], email["planned"], email["outages"]) == (300, 60, 4)
    assert email["uptime"] == pytest.approx(round(100 * (1 - 4 / 48), 3))  # 91.667
    assert [r["service"] for r in services.rows] == ["Email", "VPN"]  # worst first


def test_the_summary_adds_up_the_services(world):
    figures = {f.key: f.value for f in availability.build(DAYS, NO_FILTERS, now=NOW).summary}
    # Email 48 h monitored, 5 h down, 1 h planned; VPN 48 h, 1 h down, 30 min planned.
    assert figures["uptime"] == pytest.approx(round(100 * (1 - 4.5 / 96), 3))
    assert (figures["unplanned"], figures["planned"], figures["outages"]) == (270, 90, 5)


def test_longest_outages_say_when_they_cross_the_period_edges(world):
    rows = tables()["outages"].rows
    assert [(r["check"], r["duration"] / M) for r in rows] == [
        ("X smtp", 120), ("X smtp", 60), ("Y imap", 60), ("W vpn", 60), ("X smtp", 60)]
    assert rows[0]["started"] == utc(2026, 3, 2) and "before the period" in rows[0]["note"]
    assert rows[-1]["ended"] == utc(2026, 3, 4) and "still down" in rows[-1]["note"]
    assert (rows[1]["planned"], rows[2]["planned"]) == (30, 30)


def test_filters_by_service_and_team(world):
    assert [r["check"] for r in tables(Filters(service=world["vpn"]))["checks"].rows] == [
        "W vpn"]
    assert tables(Filters(team=None))["services"].rows  # no team filter: everything


def test_a_period_with_nothing_monitored(db):
    figures = {f.key: f.value for f in availability.build(DAYS, NO_FILTERS, now=NOW).summary}
    assert figures["uptime"] is None and figures["outages"] == 0


def test_a_period_still_running_ends_now(world):
    now = utc(2026, 3, 3, 12)
    found = downtime.downtime(DAYS.start, DAYS.until(now))
    # X is up from 11:00 on 2 Mar until now: down only 2 h + 1 h so far.
    assert found.checks[world["x"].pk].down == pytest.approx(3 * H)
    assert found.checks[world["x"].pk].monitored == pytest.approx(36 * H)


def test_headline_splits_both_periods_from_one_read(world):
    figures = availability.headline_figures(DAYS, DAYS.previous(), NO_FILTERS, now=NOW)
    # Previous period (28 Feb – 1 Mar): X down 1 Mar 22:00–24:00 = 2 h; W up; Y and Z
    # not monitored. Email 48 h monitored, VPN 48 h: 1 − 2/96.
    assert figures[0].value == pytest.approx(round(100 * (1 - 4.5 / 96), 3))
    assert figures[0].previous == pytest.approx(round(100 * (1 - 2 / 96), 3))
    assert figures[0].good is False
    # Unplanned: Email 4 h + VPN 30 min = 270 min now; X's 2 h before.
    assert (figures[1].key, figures[1].value, figures[1].previous) == ("unplanned", 270, 120)


def python_availability(start, end, **which) -> tuple[dict, dict]:
    """What the Python intervals say, as Availability per check and per service."""
    found = intervals.collect(start, end, longest=0, **which)
    return ({pk: Availability.of(s, start, end, outages=s.began) for pk, s in found.checks.items()},
            {pk: Availability.of(s, start, end, outages=s.outages)
             for pk, s in found.services.items()})


def check_availability(ids, start, end):
    return python_availability(start, end, check_ids=ids)[0]


def service_availability(ids, start, end):
    return python_availability(start, end, service_ids=ids)[1]


def test_the_database_figures_agree_with_monitoring_availability(world, postgres):
    start, end = DAYS.start, DAYS.end
    found = sql.collect(start, end, longest=20)
    for pk, expected in check_availability(list(found.checks), start, end).items():
        got = found.checks[pk]
        assert (got.down, got.monitored, got.planned) == (
            expected.down.total_seconds(), expected.monitored.total_seconds(),
            expected.planned_down.total_seconds())
    services = [world["email"].pk, world["vpn"].pk]
    for sid, expected in service_availability(services, start, end).items():
        got = found.services[sid]
        assert (got.down, got.planned, got.outages) == (
            expected.down.total_seconds(), expected.planned_down.total_seconds(),
            expected.outages)
    assert timedelta(seconds=found.checks[world["x"].pk].planned) == timedelta(minutes=30)
    python = intervals.collect(start, end, longest=20)
    assert {pk: span.began for pk, span in found.checks.items()} == {
        pk: span.began for pk, span in python.checks.items()}
    assert found.outages == python.outages


def test_headline_trend_has_each_days_availability(world):
    figures = availability.headline_figures(DAYS, DAYS.previous(), NO_FILTERS, now=NOW)
    # 2 Mar: Email down 0–2, 10–11 and 11:30–12:30, 1 h of it planned; VPN 30 min
    # unplanned: 3.5 h of 48 h. 3 Mar: X down from 23:00, 1 h of 48 h.
    assert figures[0].series == [pytest.approx(round(100 * (1 - 3.5 / 48), 3)),
                                 pytest.approx(round(100 * (1 - 1 / 48), 3))]
    assert figures[1].series == [210, 60]


def test_headline_trend_knows_nothing_of_days_to_come(world):
    running = period((2026, 3, 2), (2026, 3, 5))
    figures = availability.headline_figures(running, running.previous(), NO_FILTERS,
                                            now=utc(2026, 3, 3, 12))
    assert figures[1].series[2:] == [None, None]
    assert figures[1].series[1] == 0  # 3 Mar until noon: X is down only from 23:00


def test_a_capped_table_holds_the_worst_checks_of_the_whole_list(world):
    # On PostgreSQL the SQL ranks and caps; elsewhere intervals.py: both as the export.
    everything = availability.build(DAYS, NO_FILTERS, limit=None, now=NOW).tables()["checks"]
    capped = availability.build(DAYS, NO_FILTERS, limit=2, now=NOW).tables()["checks"]
    assert not everything.truncated and capped.truncated
    assert capped.rows == everything.rows[:2]
    assert [r["check"] for r in everything.rows][-1] == "Z paused"  # unmonitored last
    assert [r["uptime"] for r in everything.rows[:3]] == sorted(
        r["uptime"] for r in everything.rows[:3])
    whole = availability.build(DAYS, NO_FILTERS, limit=4, now=NOW).tables()["checks"]
    assert not whole.truncated and whole.rows == everything.rows
