"""One duration formatter, rounding half up: nothing shown is truncated."""

from datetime import timedelta

import pytest

from itsm.durations import human, round_half_up, short
from monitoring.models.states import describe_duration
from tickets.sla import human as sla_human


@pytest.mark.parametrize(("value", "expected"), [(19.5, 20), (19.49, 19), (0.5, 1),
                                                 (2.5, 3), (-2.5, -3), (20, 20)])
def test_half_goes_up(value, expected):
    assert round_half_up(value) == expected


@pytest.mark.parametrize(("seconds", "text"), [
    (19.999, "20 s"), (20, "20 s"), (119.6, "2 min"), (149.5, "2 min"), (150, "3 min"),
    (7199.5, "2 h 0 min"), (7229.6, "2 h 0 min"), (7230, "2 h 1 min"), (3 * 86400 - 1, "3 days")])
def test_an_outage_reads_to_the_nearest_unit(seconds, text):
    assert short(seconds) == text
    assert describe_duration(seconds) == text  # incident timelines and monitoring pages


def test_every_page_duration_rounds_half_up():
    assert human(timedelta(seconds=89.5)) == "1 min"
    assert human(timedelta(seconds=90)) == "2 min"
    assert human(timedelta(hours=25, seconds=30)) == "1 d 1 h 1 min"
    assert human(timedelta(hours=25, seconds=30), days_too=False) == "25 h 1 min"
    assert sla_human(timedelta(minutes=4, seconds=59)) == "5 min"
