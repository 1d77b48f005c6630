"""Capacity models, one module per aggregate."""

from capacity.models.series import Bucket, FollowUp, Kind, Series, SeriesEvent, Source, State, Unit
from capacity.models.sources import PrometheusSource, ScrapeTarget

__all__ = ["Bucket", "FollowUp", "Kind", "PrometheusSource", "ScrapeTarget", "Series",
           "SeriesEvent", "Source", "State", "Unit"]
