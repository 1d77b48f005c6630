"""The shared core: people, teams, and the things support is about (services, assets)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone

from itsm import calendars, roles


class User(AbstractUser):
    """A person who signs in. Roles are Django groups (see itsm/roles.py)."""

    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_agent(self) -> bool:
        """Works tickets on the desk (DSE or admin)."""
        return roles.has_perm_cached(self, "tickets.work_ticket")

    @property
    def sees_all_tickets(self) -> bool:
        return roles.has_perm_cached(self, "tickets.view_all_tickets")


class Team(models.Model):
    """An assignment group: the people a ticket can be routed to."""

    name = models.CharField(max_length=100, unique=True)
    email = models.EmailField(blank=True, help_text="Optional shared mailbox for team notices.")
    members = models.ManyToManyField(User, related_name="teams", blank=True)
    lead = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="led_teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class NotificationLog(models.Model):
    """One row per e-mail Tend decided to send; the unique key makes sending idempotent."""

    key = models.CharField(max_length=160, unique=True)
    recipients = models.TextField()
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.key


class BusinessCalendar(models.Model):
    """When support works: a time zone, weekly working spans, holidays and closed dates."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC",
                                 validators=[calendars.validate_time_zone],
                                 help_text="IANA name, e.g. Europe/Berlin or America/New_York.")
    holiday_country = models.CharField(
        max_length=3, blank=True,
        help_text="ISO country code for public holidays (holidays package), e.g. DE. "
                  "Empty for none.")
    holiday_subdivision = models.CharField(max_length=10, blank=True,
                                           help_text="Optional state or region, e.g. BY.")
    # Bumped whenever a span or closed date changes, so cached schedules are rebuilt.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.time_zone})"

    def clean(self):
        calendars.validate_holiday_region(self.holiday_country, self.holiday_subdivision)

    def schedule(self):
        return calendars.schedule_for(self)


class WorkingPeriod(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE,
                                 related_name="periods")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        BusinessCalendar.objects.filter(pk=self.calendar_id).update(updated_at=timezone.now())

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        BusinessCalendar.objects.filter(pk=self.calendar_id).update(updated_at=timezone.now())
        return result


class ClosedDate(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE,
                                 related_name="closed_dates")
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"],
                                               name="closed_date_once_per_calendar")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        BusinessCalendar.objects.filter(pk=self.calendar_id).update(updated_at=timezone.now())

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        BusinessCalendar.objects.filter(pk=self.calendar_id).update(updated_at=timezone.now())
        return result
