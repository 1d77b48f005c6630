"""People and groups: the User who signs in and the Team a ticket can be routed to."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from itsm import roles


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
        return roles.can(self, roles.AGENT)

    @property
    def sees_all_tickets(self) -> bool:
        """Sees every ticket and the desk (DSE, manager, admin)."""
        return roles.can(self, roles.STAFF)


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
