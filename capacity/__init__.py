"""Capacity planning: metrics in (agent, scrape, Prometheus), series, forecasts, tickets."""
