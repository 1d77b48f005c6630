"""The duration histogram: percentiles read back within 1 % of the exact ones."""

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.sql import interpolate
from tickets.facts import ZERO_BUCKET, bucket, bucket_value, percentile

# Durations from a second to two years, in microseconds, drawn log-uniformly.
DURATIONS = st.lists(st.floats(0, math.log(2 * 365 * 86400)).map(
    lambda x: int(math.exp(x) * 1_000_000)), min_size=1, max_size=300)


def test_a_bucket_reads_back_within_one_percent_of_every_value_in_it():
    for seconds in (1, 1.5, 59.9, 3600, 86400 * 3.3, 365 * 86400):
        us = int(seconds * 1_000_000)
        assert abs(bucket_value(bucket(us)) - us / 1e6) <= 0.01 * us / 1e6
    assert bucket(0) == bucket(-5) == ZERO_BUCKET
    assert bucket_value(ZERO_BUCKET) == 0


def test_a_year_spans_fewer_than_nine_hundred_buckets():
    assert bucket(365 * 86400 * 10**6) - bucket(10**6) < 900


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(durations=DURATIONS, fraction=st.sampled_from([0.5, 0.9, 0.25, 0.99]))
def test_median_and_p90_from_the_histogram_are_within_one_percent(durations, fraction):
    exact = interpolate(sorted(us / 1e6 for us in durations), fraction)
    approximate = percentile(Counter(bucket(us) for us in durations), fraction)
    assert abs(approximate - exact) <= 0.01 * exact


def test_an_empty_histogram_has_no_percentile():
    assert percentile({}, 0.5) is None
