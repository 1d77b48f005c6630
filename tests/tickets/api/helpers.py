"""Shared by the /api/v1/tickets tests: clients, URLs, and a check that HTML is inert."""

from html.parser import HTMLParser

from django.urls import reverse
from rest_framework.test import APIClient

XSS = ('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n'
       '[click](javascript:alert(1)) <a href="javascript:alert(2)">a</a>')


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(ticket=None, action=None) -> str:
    if ticket is None:
        return reverse("api-ticket-list")
    if action is None:
        return reverse("api-ticket-detail", args=[ticket.ref])
    return reverse(f"api-ticket-{action}", args=[ticket.ref])


class Tags(HTMLParser):
    """Collects (tag, attributes) so tests judge markup, not text that merely mentions it."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    for tag, attrs in Tags(html).tags:
        assert tag not in {"script", "img", "iframe", "object"}
        assert not [name for name in attrs if name.startswith("on")]
        assert not (attrs.get("href") or "").strip().lower().startswith("javascript:")


# Who sees what -----------------------------------------------------------------------
