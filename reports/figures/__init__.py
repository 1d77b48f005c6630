"""One module per report. Each offers `build(period, filters, *, limit, now) -> Report`
(pages, CSV, API) and `headline_figures(current, previous, filters, now) -> [Figure]`
(dashboard, weekly mail): plain functions over the database that aggregate in SQL.
Ticket reports also declare `needs()` and `from_found()`, so the dashboard reads each
ticket population once for all of them (figures/headline.py)."""
