"""MTTA and MTTR: mean, median and 90th percentile, wall-clock and business time.

Percentiles interpolate linearly (percentile_cont): for sorted values v0…v(n-1), the p-th
is at position p·(n−1)."""

from datetime import timedelta

import pytest

from reports.figures import times
from reports.sql import interpolate
from tests.reports.conftest import NO_FILTERS, H, period, utc
from tickets.models import Status

pytestmark = pytest.mark.django_db
MARCH = period((2026, 3, 1), (2026, 3, 31))
M = 60.0


@pytest.fixture
def resolved(build, team, network):
    """Four P3 tickets resolved in March (1 h, 2 h, 4 h and 10 h after creation), one
    resolved in April (left out)."""
    rows = [
        # (hours to resolve, minutes to first response, business used: response, resolution)
        (1, 10, timedelta(minutes=5), timedelta(minutes=30), team),
        (2, 20, timedelta(minutes=15), timedelta(hours=1), team),
        (4, 30, timedelta(minutes=40), timedelta(hours=2), network),
        (10, None, None, None, network),
    ]
    for n, (hours, first, response_used, resolution_used, owner) in enumerate(rows):
        created = utc(2026, 3, 10 + n, 8)
        build(created, team=owner, priority=3, status=Status.RESOLVED,
              resolved_at=created + timedelta(hours=hours),
              first_response_at=created + timedelta(minutes=first) if first else None,
              response_target=timedelta(hours=4) if response_used else None,
              resolution_target=timedelta(hours=24) if resolution_used else None,
              response_used=response_used or timedelta(0),
              resolution_used=resolution_used or timedelta(0))
    build(utc(2026, 3, 31, 20), status=Status.RESOLVED, resolved_at=utc(2026, 4, 1, 8),
          first_response_at=utc(2026, 3, 31, 21), priority=3)


def about(expected):
    """A percentile read from the duration histograms: within 1 % (the page marks it ≈).
    Counts and means stay exact."""
    return pytest.approx(expected, rel=0.01)


def by_key(report):
    return {f.key: f.value for f in report.summary}


def test_time_to_resolve_wall_clock_mean_median_and_90th_percentile(resolved):
    row = times.build(MARCH, NO_FILTERS).tables()["mttr_by_priority"].rows[0]
    assert row["priority"] == "P3 Medium"
    assert row["mttr_wall_count"] == 4
    assert row["mttr_wall_mean"] == pytest.approx((1 + 2 + 4 + 10) / 4 * H)  # 4.25 h
    assert row["mttr_wall_median"] == about(3 * H)  # between 2 h and 4 h
    # position 0.9 × 3 = 2.7: 4 h + 0.7 × (10 h − 4 h) = 8.2 h
    assert row["mttr_wall_p90"] == about(8.2 * H)


def test_business_time_counts_only_tickets_with_a_target(resolved):
    row = times.build(MARCH, NO_FILTERS).tables()["mttr_by_priority"].rows[0]
    # 30 min, 1 h, 2 h: mean 70 min, median 1 h, p90 at 1.8: 1 h + 0.8 × 1 h = 108 min.
    assert row["mttr_business_count"] == 3
    assert row["mttr_business_mean"] == pytest.approx(70 * M)
    assert row["mttr_business_median"] == about(60 * M)
    assert row["mttr_business_p90"] == about(108 * M)


def test_time_to_first_response_leaves_out_tickets_never_answered(resolved):
    report = times.build(MARCH, NO_FILTERS)
    row = report.tables()["mtta_by_priority"].rows[0]
    # 10, 20, 30 min: mean 20, median 20, p90 at 1.8: 20 + 0.8 × 10 = 28 min.
    assert (row["mtta_wall_count"], row["mtta_wall_mean"], row["mtta_wall_median"]) == (
        3, pytest.approx(20 * M), about(20 * M))
    assert row["mtta_wall_p90"] == about(28 * M)
    # Business: 5, 15, 40 min → median 15 min.
    assert row["mtta_business_median"] == about(15 * M)
    assert by_key(report)["mtta_median"] == about(20 * M)


def test_figures_split_by_team(resolved):
    rows = {r["team"]: r for r in times.build(MARCH, NO_FILTERS).tables()["mttr_by_team"].rows}
    # Service Desk: 1 h, 2 h → median 1.5 h. Network: 4 h, 10 h → median 7 h.
    assert rows["Service Desk"]["mttr_wall_median"] == about(1.5 * H)
    assert rows["Network"]["mttr_wall_median"] == about(7 * H)


def test_a_single_ticket_is_its_own_mean_median_and_percentile(build):
    build(utc(2026, 3, 5, 8), status=Status.CLOSED, resolved_at=utc(2026, 3, 5, 11))
    figures = by_key(times.build(MARCH, NO_FILTERS))
    assert figures["mttr_median"] == about(3 * H)
    assert figures["mttr_p90"] == about(3 * H)
    assert figures["mtta_median"] is None  # no first response


def test_no_data_gives_empty_figures(db):
    figures = by_key(times.build(MARCH, NO_FILTERS))
    assert figures["mttr_median"] is None and figures["mtta_median"] is None


def test_headline_medians_for_this_and_the_previous_period(resolved, build):
    build(utc(2026, 2, 10, 8), status=Status.RESOLVED, resolved_at=utc(2026, 2, 10, 14),
          first_response_at=utc(2026, 2, 10, 9))
    figures = {f.key: f for f in times.headline_figures(MARCH, MARCH.previous(), NO_FILTERS)}
    assert figures["mttr_median"].value == about(3 * H)
    assert figures["mttr_median"].previous == about(6 * H)  # the February ticket
    assert figures["mttr_median"].good is True  # faster is better
    assert figures["mtta_median"].previous == about(1 * H)


def test_the_python_percentile_interpolates_like_percentile_cont():
    assert interpolate([1.0, 2.0, 4.0, 10.0], 0.9) == pytest.approx(8.2)
    assert interpolate([5.0], 0.5) == 5.0
    assert interpolate([], 0.5) is None
