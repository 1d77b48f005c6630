"""Periods, filters and how values read on pages and in CSV files."""

from datetime import date

import pytest
from django.http import QueryDict

from reports import formatting
from reports import tables as t
from reports.params import MAX_DAYS, Period, parse

TODAY = date(2026, 3, 18)  # a Wednesday


def period_for(query: str) -> Period:
    return parse(QueryDict(query), today=TODAY)[1]


@pytest.mark.parametrize(("query", "first", "last"), [
    ("", date(2026, 2, 17), TODAY),  # default: the last 30 days, today included
    ("preset=7d", date(2026, 3, 12), TODAY),
    ("preset=90d", date(2025, 12, 19), TODAY),
    ("preset=month", date(2026, 3, 1), TODAY),
    ("preset=last_month", date(2026, 2, 1), date(2026, 2, 28)),
    ("from=2026-01-05&to=2026-01-11", date(2026, 1, 5), date(2026, 1, 11)),
    ("preset=custom&from=2026-01-05", date(2026, 1, 5), TODAY),
])
@pytest.mark.django_db
def test_presets_and_custom_dates(query, first, last):
    found = period_for(query)
    assert (found.first_day, found.last_day) == (first, last)


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    before = march.previous()
    assert (before.first_day, before.last_day, before.days) == (
        date(2026, 1, 29), date(2026, 2, 28), 31)


def test_a_period_is_whole_days_end_exclusive():
    week = Period(date(2026, 3, 2), date(2026, 3, 8))
    assert week.start.isoformat() == "2026-03-02T00:00:00+00:00"
    assert week.end.isoformat() == "2026-03-09T00:00:00+00:00"
    assert week.label == "2 Mar – 8 Mar 2026"


@pytest.mark.django_db
def test_invalid_input_falls_back_to_the_default_with_errors():
    form, found, filters = parse(QueryDict("from=2020-01-01&to=2026-03-18&team=999"),
                                 today=TODAY)
    assert form.errors and "from" in form.errors and "team" in form.errors
    assert found.days == 30 and not filters.any
    assert (TODAY - date(2020, 1, 1)).days > MAX_DAYS


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (None, t.PERCENT, "—"), (97.25, t.PERCENT, "97.2 %"), (99.95, t.PERCENT, "99.950 %"),
    (3 * 3600 + 5 * 60, t.SECONDS, "3 h 5 min"), (26 * 3600, t.SECONDS, "1 d 2 h"),
    (26 * 3600, t.BUSINESS, "26 h"), (30, t.SECONDS, "< 1 min"), (0, t.SECONDS, "0 min"),
    (90, t.MINUTES, "1 h 30 min"), (1.5, t.MINUTES, "1.5 min"), (4.5, t.RATING, "4.50 ★"),
    (1234567, t.INT, "1\u202f234\u202f567"), (date(2026, 3, 1), t.MONTH, "Mar 2026"),
])
def test_display(value, kind, shown):
    assert formatting.display(value, kind) == shown


def test_csv_values_stay_numbers_and_text_cannot_become_a_formula():
    assert formatting.csv_value(5400, t.SECONDS) == 5400  # whole seconds
    assert formatting.csv_value(20.5, t.SECONDS) == 21  # half up; never 0.00 hours
    assert formatting.csv_value(35.4, t.BUSINESS) == 35
    assert formatting.csv_value(-3.5, t.PERCENT) == -3.5  # a number, not text
    assert formatting.csv_value("-1+2", t.TEXT) == "'-1+2"
    assert formatting.csv_value("=1+2", t.TEXT) == "'=1+2"
    assert formatting.csv_value("@x", t.TEXT) == "'@x"
    assert formatting.csv_value("\tx", t.TEXT) == "'\tx"
    assert formatting.csv_value(date(2026, 3, 1), t.MONTH) == "2026-03"


def test_trends_know_which_way_is_good():
    faster = t.Figure("mttr", "MTTR", 3600.0, t.SECONDS, better="down", previous=7200.0)
    assert (faster.trend, faster.good, formatting.change(faster)) == ("down", True, "−1 h")
    worse = t.Figure("sla", "SLA", 80.0, t.PERCENT, better="up", previous=90.0)
    assert (worse.trend, worse.good, formatting.change(worse)) == ("down", False, "−10.0 pts")
    neutral = t.Figure("created", "Created", 10, previous=5)
    assert (neutral.trend, neutral.good) == ("up", None)
    assert t.Figure("x", "x", 1).trend == ""
