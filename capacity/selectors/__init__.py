"""Reads of the capacity app: what the pages, the API and the forecaster look at."""
