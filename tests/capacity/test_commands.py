"""`capacity_forecast` runs one sweep and prints counts; `capacity_simulate` prints a
shape's ticket events and refuses an unknown shape with a message and non-zero exit."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from capacity.models import Kind, Series, Unit


def test_capacity_forecast_prints_counts(asset):
    Series.objects.create(asset=asset, kind=Kind.MEMORY, key="memory", unit=Unit.PERCENT)
    out = StringIO()
    call_command("capacity_forecast", stdout=out)
    text = out.getvalue()
    assert "1 series forecast" in text and "learning: 1" in text
    assert Series.objects.get(asset=asset).forecast_at is not None


def test_capacity_simulate_resize_prints_open_and_resolve():
    out = StringIO()
    call_command("capacity_simulate", "--shape", "resize", "--days", "20", stdout=out)
    text = out.getvalue()
    assert "opened (forecast)" in text and "resolved: Resized" in text


def test_capacity_simulate_flat_prints_no_events():
    out = StringIO()
    call_command("capacity_simulate", "--shape=flat", "--days=10", stdout=out)
    assert "no ticket events" in out.getvalue()


@pytest.mark.parametrize("args", [["--shape", "bogus"], ["--shape", "flat", "--days", "0"]])
def test_capacity_simulate_bad_input(args):
    with pytest.raises(CommandError):
        call_command("capacity_simulate", *args, stdout=StringIO())
