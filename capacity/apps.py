"""The capacity app: host metrics in, robust forecasts out, one ticket before a disk fills."""

from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "capacity"
    verbose_name = "Capacity planning"

    def ready(self):
        from maintenance.web.desk.patches import asset_sections

        # The asset's capacity charts on maintenance's asset page (maintenance never
        # imports capacity): the section loads them from capacity:asset.
        asset_sections.register("capacity/_asset_slot.html")
