"""Who wants the weekly summary e-mail. Reports themselves store nothing: they are read
from the other apps' tables."""

from django.conf import settings
from django.db import models


class ReportSubscription(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="report_subscription")
    weekly = models.BooleanField(default=True,
                                 help_text="Send the weekly summary on Monday morning.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "report subscription"

    def __str__(self) -> str:
        return f"{self.user}: {'weekly' if self.weekly else 'off'}"
