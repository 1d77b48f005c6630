"""Properties of any forecast: the ETA range is ordered, and no ETA comes from a slope
that does not grow."""

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.forecast import FULL
from capacity.forecast.fit import forecast_arrays

NOW = datetime(2026, 3, 1, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(days=st.integers(min_value=1, max_value=30), slope=st.floats(-5, 5),
       start=st.floats(0, 80), noise=st.floats(0, 3), seed=st.integers(0, 2**16),
       threshold=st.floats(50, 100), kind=st.sampled_from(["fs_used", "memory", "swap"]))
def test_eta_range_ordered_and_only_from_growth(days, slope, start, noise, seed, threshold,
                                                kind):
    rng = np.random.default_rng(seed)
    t = NOW.timestamp() - np.arange(days * 24, 0, -1) * 3600.0
    x = (t - t[0]) / 86400.0
    v = start + slope * x + rng.normal(0, noise, len(t))
    fc = forecast_arrays(t, v, v + noise, v, threshold=threshold, kind=kind, now=NOW,
                         lead_time=timedelta(days=14))
    if fc.state == FULL:
        return
    etas = [e for e in (fc.eta_earliest, fc.eta_likely, fc.eta_latest) if e is not None]
    assert etas == sorted(etas)
    assert all(e >= NOW for e in etas)
    if fc.slope is None or fc.slope <= 0:
        assert not etas
    if fc.eta_likely is not None:
        assert fc.eta_earliest is not None
