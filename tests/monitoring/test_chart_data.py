"""The data behind the monitoring charts: runs of segments, summaries, latency series."""

from datetime import UTC, datetime, timedelta

from monitoring.chart_data import (
    DaySegment,
    Segment,
    bar,
    days_summary,
    downsample,
    hours_summary,
    latency_chart,
    runs,
    sparkline,
)
from monitoring.templatetags.monitoring_tags import chart_json


def test_quiet_segments_merge_into_one_run_and_a_failure_stands_apart():
    segments = [Segment(f"{h:02}:00", 60) for h in range(20)]
    segments += [Segment("20:00", 60, failures=30), Segment("21:00", 60, degraded=2),
                 Segment("22:00"), Segment("23:00")]
    assert runs(segments) == [
        [20, "up", "00:00 – 19:00: 100.00% up"],
        [1, "down", "20:00: 50.00% up, 30 of 60 runs failed"],
        [1, "degraded", "21:00: 100.00% up, 2 slow"],
        [2, "none", "22:00 – 23:00: no data"],
    ]


def test_segment_states_follow_the_uptime_grades():
    states = [Segment("h", 1000, failures=f).state for f in (0, 5, 50, 200)]
    assert states == ["up", "minor", "partial", "down"]


def test_a_day_down_inside_maintenance_reads_as_maintenance_not_as_down():
    day = DaySegment("Tue 3 Nov", monitored=86400, down=3600, planned=3600)
    assert day.state == "maint" and day.ratio == 1
    assert day.title == "Tue 3 Nov: 100.00% up, 60 min planned maintenance"
    assert DaySegment("Wed 4 Nov", monitored=86400, down=7200).state == "partial"


def test_summaries_say_the_figure_and_the_failures():
    segments = [Segment("00:00", 100, failures=1), Segment("01:00", 100), Segment("02:00")]
    percent, text = hours_summary(segments)
    assert percent == 99.5
    assert text == "Uptime by hour, last 3 hours: 99.50% up, 1 hour with failed runs"
    assert hours_summary([Segment("00:00")]) == (None, "Uptime by hour, last 1 hours: no data yet")
    assert days_summary(90, 99.95, 2) == "Uptime by day, last 90 days: 99.950% up, 2 outages"
    assert days_summary(90, None, 0) == "Uptime by day, last 90 days: no data yet"


def test_a_sparkline_needs_two_values_and_joins_the_bar_spec_as_compact_json():
    assert sparkline([None, 12.0, None]) is None
    values = sparkline([None, 12.04, 30.0])
    assert values == [None, 12.0, 30.0]
    spec = bar([Segment("00:00", 1)])
    assert chart_json(spec, values) == ('{"kind":"uptime","runs":[[1,"up","00:00: 100.00% up"]],'
                                        '"latency":[null,12.0,30.0]}')
    assert chart_json(spec) == '{"kind":"uptime","runs":[[1,"up","00:00: 100.00% up"]]}'


def test_the_latency_chart_keeps_times_values_and_failed_runs():
    start = datetime(2026, 11, 3, 12, tzinfo=UTC)
    points = [(start, 10.0, "up"), (start + timedelta(minutes=1), None, "down"),
              (start + timedelta(minutes=2), 30.0, "up")]
    chart = latency_chart(points)
    assert chart["spec"] == {"kind": "latency", "offset": 0, "start": int(start.timestamp()),
                             "x": [0, 60, 120], "ms": [10.0, None, 30.0], "down": [1]}
    assert chart["top"] == 30 and chart["failed"] == 1
    assert chart["summary"] == ("Latency over the last 24 hours, up to 30 ms, 30 ms median, "
                                "1 failed run marked")
    assert latency_chart([]) == {}


def test_downsampling_keeps_failures_and_averages_latency():
    start = datetime(2026, 11, 3, tzinfo=UTC)
    points = [(start + timedelta(seconds=i), float(i), "down" if i == 3 else "up")
              for i in range(10)]
    out = downsample(points, buckets=2)
    assert [(p[1], p[2]) for p in out] == [(2.0, "down"), (7.0, "up")]
