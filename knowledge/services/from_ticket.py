"""From ticket to article: a resolved ticket becomes a linked internal draft in one step."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import User
from knowledge.models import Article, Audience, Confidence
from knowledge.selectors import draft_from_ticket
from knowledge.services.activity import article_link_ticket
from knowledge.services.articles import article_create
from tickets.models import Status, Ticket


@transaction.atomic
def article_create_from_ticket(*, ticket: Ticket, actor: User,
                               now: datetime | None = None) -> Article:
    """An internal draft prefilled from `ticket` (knowledge.selectors.draft_from_ticket),
    owned by `actor` and linked to the ticket; the DSE edits and publishes it from there."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_related("asset").get(pk=ticket.pk)  # its status now
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"ticket": [f"{ticket.ref} is not resolved yet: an article "
                                          "starts from a solved ticket."]})
    fields = draft_from_ticket(ticket)
    services = fields.pop("services")
    article = Article(**fields, audience=Audience.INTERNAL, confidence=Confidence.DRAFT,
                      owner=actor)
    article_create(actor=actor, article=article, services=services, now=now)
    article_link_ticket(article=article, ticket=ticket, actor=actor, now=now)
    return article
