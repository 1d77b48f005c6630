"""Thin Celery tasks for capacity: fetch by id or claim, call a service; safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, expires=10, ignore_result=True)
def scrape_dispatch() -> dict:
    """Beat, every 10 s: claim due scrape targets and scrape them (services/scrape.py).

    Redelivered or run twice, it claims nothing already claimed; a run killed mid-batch
    leaves its claims to run out and be taken over (the same slots, stored once)."""
    from capacity.services.scrape import capacity_scrape_dispatch

    return capacity_scrape_dispatch()


@shared_task(acks_late=True, expires=600, ignore_result=True)
def prometheus_discover() -> dict:
    """Beat, every 15 minutes: each enabled Prometheus source's series, new hosts included.
    A source that does not answer records why and leaves the others to run."""
    from capacity.models import PrometheusSource
    from capacity.services.prometheus import PrometheusError
    from capacity.services.prometheus import prometheus_discover as discover

    report = {}
    for source in PrometheusSource.objects.filter(enabled=True):
        try:
            report[source.name] = discover(source=source)["series"]
        except PrometheusError as exc:
            report[source.name] = str(exc)
    return report


@shared_task(acks_late=True, expires=3600, ignore_result=True)
def buckets_rollup() -> dict:
    """Beat, daily: 5-minute buckets past TEND_METRICS_RAW_DAYS become hourly, hourly ones
    past TEND_METRICS_KEEP_DAYS go. Slice by slice, so a second run finds nothing twice."""
    from capacity.services.rollup import buckets_rollup as rollup

    return rollup()


@shared_task(acks_late=True, expires=900, ignore_result=True)
def forecast_sweep() -> dict:
    """Beat, every 15 minutes: forecast every series and drive its capacity ticket.
    Run twice, the second run finds the follow-ups the first opened (one open per series)."""
    from capacity.services.forecasting import capacity_forecast_sweep

    return capacity_forecast_sweep()
