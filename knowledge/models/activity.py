"""What people do with articles: feedback, links to tickets, searches and deflected filings."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from itsm.models import Service
from tickets.models import Ticket

from .article import Article


class ArticleFeedback(models.Model):
    """"Was this helpful?": one answer per user and article; answering again replaces it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    helpful = models.BooleanField()
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="article_feedback_once"),
        ]
        # The knowledge report reads a period's answers (reports/figures/knowledge.py).
        indexes = [models.Index(fields=["at"], name="article_feedback_at")]

    def __str__(self) -> str:
        return f"{'yes' if self.helpful else 'no'} on {self.article_id} by {self.user_id}"


class ArticleTicketLink(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="article_links")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], name="article_ticket_once"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ↔ {self.ticket_id}"


class Where(models.TextChoices):
    PORTAL = "portal", "Portal (new ticket)"
    HELP = "help", "Help centre"
    DESK = "desk", "Desk"
    API = "api", "API"


class SearchLog(models.Model):
    """One search or suggestion request: reports list the top searches with no good result."""

    query = models.CharField(max_length=200)
    results = models.PositiveIntegerField()
    top_score = models.FloatField(null=True, blank=True)
    where = models.CharField(max_length=10, choices=Where.choices)
    role = models.CharField(max_length=20, help_text="anonymous, end_user or agent")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["at"], name="searchlog_at")]

    def __str__(self) -> str:
        return f"{self.query!r} ({self.results})"


class Deflection(models.Model):
    """A filing that showed suggestions; `solved_by` is set when it ended in "This solved it"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    query = models.CharField(max_length=200)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    shown = models.JSONField(default=list, help_text="Ids of the articles suggested.")
    solved_by = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="deflections")
    at = models.DateTimeField(default=timezone.now)
    solved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["at"], name="deflection_at")]

    def __str__(self) -> str:
        return f"{self.query!r}: {'solved' if self.solved_at else 'filed'}"
