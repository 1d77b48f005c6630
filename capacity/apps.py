"""The capacity app: host metrics in, robust forecasts out, one ticket before a disk fills."""

from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "capacity"
    verbose_name = "Capacity planning"
