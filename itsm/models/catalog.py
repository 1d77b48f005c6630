"""What support is about: business services and the assets (configuration items) behind them."""

from django.db import models
from django.urls import reverse

from itsm.models.people import Team


class Service(models.Model):
    """A business service users recognise, e.g. "Email" or "VPN"."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    owner_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="services")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """A configuration item: a server, device or application instance behind a service."""

    class Kind(models.TextChoices):
        SERVER = "server", "Server"
        VM = "vm", "Virtual machine"
        WORKSTATION = "workstation", "Workstation"
        NETWORK = "network", "Network device"
        APPLICATION = "application", "Application"
        DATABASE = "database", "Database"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SERVER)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="assets")
    hostname = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    location = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_admin_url(self) -> str:
        return reverse("admin:itsm_asset_change", args=[self.pk])
