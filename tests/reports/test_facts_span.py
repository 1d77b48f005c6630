"""A period's histogram read from whole months' rollup rows, the other days' rollup rows at
a coarse grain and the rows not folded yet (reports.facts.span) sums exactly what the day
rows alone do, for any period, slots and filter, with rows appended since the last fold
and rows that cancel out."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import facts as f
from reports.params import Filters
from tickets.facts import HISTOGRAM
from tickets.models import DurationHistogramDay, DurationHistogramMonth, Metric
from tickets.services.facts import facts_apply
from tickets.services.fold import facts_fold

pytestmark = pytest.mark.django_db

FIRST = date(2025, 11, 20)  # rows on ~15 months, ending mid-month
DAYS = 470
METRICS = [int(m) for m in Metric]


@pytest.fixture(autouse=True)
def facts_from_tickets():
    """Overrides the reports' conftest fixture: these facts are made here, not rebuilt
    from tickets (there are none)."""


def _append(rows: list) -> None:
    facts_apply(changes={(HISTOGRAM, key): {"n": n} for key, n in rows}, folded=False)


ROW = st.tuples(st.integers(0, DAYS - 1), st.sampled_from([0, 1, 2]), st.sampled_from([0, 5]),
                st.sampled_from(["incident", "request"]), st.integers(1, 4),
                st.sampled_from(METRICS), st.integers(0, 6), st.integers(-2, 4))


def _keyed(drawn: list) -> list:
    found: dict = {}
    for offset, team, service, kind, priority, metric, bucket, n in drawn:
        key = (FIRST + timedelta(days=offset), team, service, kind, priority, metric, bucket)
        found[key] = found.get(key, 0) + n
    return [(key, n) for key, n in found.items() if n]


@pytest.fixture(scope="module")
def facts_made(django_db_setup, django_db_blocker):
    """Folded rows (so month rows), then rows appended after the fold, some cancelling
    folded ones out: made once for every example, in a transaction rolled back at the end."""
    import random

    from django.db import transaction

    chance = random.Random(18)  # noqa: S311 - test data
    draw = [(chance.randrange(DAYS), chance.choice([0, 1, 2]), chance.choice([0, 5]),
             chance.choice(["incident", "request"]), chance.randint(1, 4),
             chance.choice(METRICS), chance.randrange(7), chance.randint(1, 3))
            for _ in range(3000)]
    with django_db_blocker.unblock(), transaction.atomic():
        _append(_keyed(draw))
        facts_fold()
        later = draw[:300:3]  # some taken back (negative), some new
        _append([(key, -n) for key, n in _keyed(later)])
        _append(_keyed([(o, t, s, k, p, m, b + 1, 2) for o, t, s, k, p, m, b, _n
                        in draw[300:500]]))
        assert DurationHistogramMonth.objects.exists()
        assert DurationHistogramDay.objects.exists()
        yield
        transaction.set_rollback(True)


def _slot_by(cuts: list[date]):
    from django.db.models import Case, IntegerField, Value, When

    def by(field: str) -> dict:
        whens = [When(**{f"{field}__lt": cut}, then=Value(n)) for n, cut in enumerate(cuts)]
        return {"slot": Case(*whens, default=Value(len(cuts)), output_field=IntegerField())}
    return by


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(-40, DAYS), length=st.one_of(st.none(), st.integers(0, DAYS)),
       cuts=st.lists(st.integers(0, DAYS), max_size=4),
       team=st.sampled_from([None, 1, 2]), service=st.sampled_from([None, None, 5]),
       group=st.sampled_from([[], ["priority"], ["team_id"], ["slot"]]))
def test_a_span_sums_what_the_day_rows_sum(facts_made, first, length, cuts, team, service,
                                           group):
    # Unfiltered or one dimension: month and day rollups at a coarse grain; team and
    # service together: the month rows of all four and the day rows.
    start = FIRST + timedelta(days=first)
    last = None if length is None else start + timedelta(days=length)
    cut_days = sorted({start + timedelta(days=1 + c) for c in cuts})
    filters = Filters(team=_Team(team) if team else None,
                      service=_Team(service) if service else None)
    by = _slot_by(cut_days) if group == ["slot"] else None
    expected = f.histograms(f.rows(f.HISTOGRAM, filters, start, last), group, METRICS, by=by)
    found = f.histograms(f.span(f.HISTOGRAM, filters, start, last, cuts=cut_days,
                                group=group), group, METRICS, by=by)
    assert found == expected


class _Team:
    def __init__(self, pk: int):
        self.pk = pk


def test_whole_months_skip_partial_months_and_months_a_cut_falls_inside():
    runs = f.whole_months(date(2026, 1, 15), date(2026, 7, 31),
                          cuts=[date(2026, 4, 10), date(2026, 6, 1)])
    # February and March; not April (a cut inside); May to July (a cut on a 1st is not
    # inside June), as one run.
    assert runs == [(date(2026, 2, 1), date(2026, 3, 31)), (date(2026, 5, 1),
                                                            date(2026, 7, 31))]
    assert f.whole_months(date(2026, 1, 1), None) == []
    assert f.whole_months(date(2026, 1, 1), None, cuts=[date(2026, 3, 1)]) == [
        (date(2026, 1, 1), date(2026, 2, 28))]


def test_a_long_period_reads_the_month_rows_in_one_statement(facts_made,
                                                            django_assert_num_queries):
    read = f.span(f.HISTOGRAM, Filters(), date(2025, 12, 1), date(2026, 11, 30),
                  group=["priority"])
    assert isinstance(read, f.Span)
    with django_assert_num_queries(1):
        assert f.histograms(read, ["priority"], METRICS)


def test_a_read_uses_the_smallest_grain_that_keeps_what_it_filters_and_groups_by():
    team = _Team(1)
    assert f.grain_for(Filters()) == 0
    assert f.grain_for(Filters(team=team)) == 1
    assert f.grain_for(Filters(), ["priority"]) == 8
    assert f.grain_for(Filters(team=team), ["team_id"]) == 1
    assert f.grain_for(Filters(team=team), ["priority"]) == 9
    assert f.grain_for(Filters(), ["priority", "team_id"]) == 9
    assert f.grain_for(Filters(team=team), ["service_id"]) == 15
    assert f.grain_for(Filters(kind="incident"), ["slot"]) == 4


def test_grouping_a_span_by_a_dimension_its_grain_dropped_is_refused(facts_made):
    read = f.span(f.HISTOGRAM, Filters(), date(2025, 12, 1), date(2026, 11, 30))
    with pytest.raises(ValueError, match="priority"):
        f.histograms(read, ["priority"], METRICS)
