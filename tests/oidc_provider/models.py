"""What the provider asserts about a user beyond Django's User: e-mail verified, groups."""

from django.conf import settings
from django.db import models


class Claims(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    email_verified = models.BooleanField(default=True)
    groups = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"claims of {self.user}"
