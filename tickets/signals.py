"""Deleting a team, service, category or person sets the tickets' reference to none in
the database (SET_NULL), past the services that keep the report facts. The day facts keep
the old id until `rebuild_report_facts` re-attributes them (history, README); the open
ticket counts are exact badges, so they are recounted in the deleting transaction, and
only when an open ticket referred to what went."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete

from itsm.models import Service, Team
from tickets.models import Category, OpenTicketFact
from tickets.services.rebuild import facts_open_rebuild

# The model deleted -> the OpenTicketFact column that refers to it.
REFERRED_BY = {Team: "team_id", Service: "service_id", Category: "category_id"}


def _recount(sender, instance, **kwargs) -> None:
    column = REFERRED_BY.get(sender, "assignee_id")
    if OpenTicketFact.objects.filter(**{column: instance.pk}).exists():
        facts_open_rebuild()


def connect() -> None:
    for model in (*REFERRED_BY, get_user_model()):
        post_delete.connect(_recount, sender=model, dispatch_uid=f"open-facts-{model.__name__}")
