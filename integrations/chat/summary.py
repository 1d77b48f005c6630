"""What a chat message says about an event: the ticket, what happened, and a link.

The event's `data` is the standard ticket payload of tickets/events.py (under "ticket",
or flat for events about one ticket); anything missing is left out rather than guessed.
"""

from dataclasses import dataclass, field

from django.conf import settings

from itsm.events import EVENTS

PRIORITY_LABELS = {1: "P1 Critical", 2: "P2 High", 3: "P3 Medium", 4: "P4 Low"}
HEADLINES = {
    "ticket.created": "New ticket",
    "ticket.updated": "Ticket updated",
    "ticket.commented": "New comment",
    "ticket.resolved": "Resolved",
    "sla.warning": "SLA at risk",
    "sla.breached": "SLA breached",
    "incident.opened": "Incident opened by a failing check",
    "incident.resolved": "Check recovered: incident resolved",
    "maintenance.due": "Maintenance due",
    "capacity.forecast": "Capacity forecast raised a ticket",
    "problem.known_error": "Known error published",
    "chat.test": "Test message from Tend",
}
# Events that close a story: in a Slack thread they are also shown in the channel.
CLOSING = {"ticket.resolved", "incident.resolved"}


@dataclass(frozen=True)
class Summary:
    event: str
    headline: str
    ref: str = ""
    title: str = ""
    priority: int | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    detail: str = ""
    url: str = ""

    @property
    def heading(self) -> str:
        return " · ".join(part for part in (self.ref, self.title) if part) or self.headline

    @property
    def fallback(self) -> str:
        """One line for notifications and clients that show no cards."""
        prefix = f"[P{self.priority}] " if self.priority else ""
        return f"{prefix}{self.heading}: {self.headline}"


def _name(value) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("label") or value.get("ref") or ""
    return str(value or "").strip()


def _label(value) -> str:
    return _name(value).replace("_", " ").capitalize()


def desk_url(ref: str) -> str:
    base = settings.TEND_BASE_URL.rstrip("/")
    return f"{base}/desk/tickets/{ref}/" if ref else f"{base}/desk/"


def _url(given, ref: str) -> str:
    """The payload's desk link when it is one of ours (it is built from TEND_BASE_URL)."""
    base = settings.TEND_BASE_URL.rstrip("/")
    if isinstance(given, str) and given.startswith(base + "/"):
        return given
    return desk_url(ref)


def summarize(name: str, data: dict, *, priority: int | None = None) -> Summary:
    ticket = data.get("ticket") if isinstance(data.get("ticket"), dict) else data
    ref = _name(ticket.get("ref"))
    priority = ticket.get("priority") if priority is None else priority
    priority = priority if isinstance(priority, int) and priority in PRIORITY_LABELS else None
    facts = []
    if priority:
        facts.append(("Priority", PRIORITY_LABELS[priority]))
    for label, key in (("Status", "status"), ("Team", "team"), ("Service", "service"),
                       ("Assignee", "assignee")):
        value = _label(ticket.get(key)) if key == "status" else _name(ticket.get(key))
        if value:
            facts.append((label, value))
    return Summary(event=name, headline=HEADLINES.get(name) or EVENTS.get(name, name), ref=ref,
                   title=_name(ticket.get("title")), priority=priority, facts=facts,
                   detail=_detail(name, data), url=_url(ticket.get("url"), ref))


def _detail(name: str, data: dict) -> str:
    """A short second line: who commented, which SLA target, which check, what changed.
    Never the comment's text: an internal note is for the desk only."""
    if name == "chat.test":
        return "If you can read this, the channel is set up."
    comment, sla, check = (data.get(key) if isinstance(data.get(key), dict) else None
                           for key in ("comment", "sla", "check"))
    if comment:
        author = _name(comment.get("author"))
        kind = "Internal note" if comment.get("internal") else "Public reply"
        return f"{kind} by {author}" if author else kind
    if sla:
        return _name(sla.get("label")) or f"{_label(sla.get('target'))} target"
    if check:
        line = " ".join(part for part in (_name(check.get("name")),
                                          f"({_name(check.get('target'))})"
                                          if check.get("target") else "") if part)
        message = _name(check.get("message"))
        return f"{line}: {message}"[:300] if message else line
    changed = data.get("changed")
    if isinstance(changed, list) and changed and name == "ticket.updated":
        return "Changed: " + ", ".join(str(item).replace("_", " ") for item in changed[:8])
    return ""
