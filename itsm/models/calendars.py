"""Business calendars: a time zone, weekly working periods and closed dates."""

from django.db import models

from itsm import calendars


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
    # The calendar's version: itsm.services.calendars bumps it whenever a span or closed
    # date changes, so schedules cached per (calendar, updated_at) are rebuilt.
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
    """One span of working time on a weekday, in the calendar's time zone."""

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


class ClosedDate(models.Model):
    """A date the calendar is closed besides its public holidays (e.g. a company day off)."""

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
