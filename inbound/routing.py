"""Where a received message goes: the four threading rules, in order.

1. In-Reply-To/References naming a Message-ID Tend stored or sent: a reply on that
   ticket, whoever sends it (a Message-ID of Tend's is not guessable; whoever has it was
   on the thread, and becomes a participant).
2. A ticket reference in the subject ("[INC-1042]") and a sender who is the requester,
   a participant or staff: a reply on that ticket.
3. A reference in the subject and a sender unrelated to that ticket: a new ticket that
   mentions the other one. A stranger's mail is never appended to someone's ticket.
4. Otherwise a new ticket.
"""

from dataclasses import dataclass

from inbound.mail import TICKET_REF, Mail
from itsm.models import User
from tickets import selectors
from tickets.models import Participant, Ticket


@dataclass
class Route:
    rule: int
    ticket: Ticket | None = None  # the ticket a reply goes on (rules 1 and 2)
    mentioned: Ticket | None = None  # rule 3: the ticket the subject named


def related(ticket: Ticket, address: str, user: User | None) -> bool:
    """The sender is on this ticket: its requester, a participant, or staff."""
    if user is not None and (user.pk == ticket.requester_id or user.is_agent):
        return True
    if ticket.requester.email and ticket.requester.email.lower() == address:
        return True
    return Participant.objects.filter(ticket=ticket, email=address).exists()


def route(mail: Mail, sender: User | None) -> Route:
    ticket = selectors.mail_reference_ticket(mail.thread_ids)
    if ticket is not None:
        return Route(rule=1, ticket=ticket)
    named = None
    for prefix, number in TICKET_REF.findall(mail.subject):
        named = selectors.ticket_by_ref(f"{prefix}-{number}")
        if named is not None:
            break
    if named is None:
        return Route(rule=4)
    if related(named, mail.sender, sender):
        return Route(rule=2, ticket=named)
    return Route(rule=3, mentioned=named)
