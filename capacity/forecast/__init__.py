"""The forecaster, pure (numpy and scipy, no Django): points in, a Forecast out.

fit.py reads a series (level shifts, coverage, Theil–Sen with its interval, weekly peaks);
loop.py decides what a forecast does to the series' capacity ticket, so the sweep and
`capacity_simulate` take the same decisions."""

from capacity.forecast.fit import forecast
from capacity.forecast.model import (
           CRITICAL,
           FULL,
           LEARNING,
           OK,
           STATES,
           WARNING,
           Forecast,
           classify,
)

__all__ = ["CRITICAL", "FULL", "LEARNING", "OK", "STATES", "WARNING", "Forecast", "classify",
           "forecast"]
