"""Garbage-collector tuning for web workers: freeze what is loaded, collect less often.

A web worker holds a few hundred thousand long-lived objects (modules, models, URL
patterns) and makes thousands of short-lived ones per request. Freezing the former keeps
full collections from walking them again and again, and a larger first generation runs
the collector less often; together about a tenth of a request's CPU (bench/run.py, pages
and filing, with and without it).
"""

import gc


def tune_collector() -> None:
    """Call once per worker process, after Django is set up (itsm/config/wsgi.py)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view now, so they are frozen
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
