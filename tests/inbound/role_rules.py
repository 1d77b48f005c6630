"""The mail rows of tests/test_role_matrix.py, and the objects its URLs need.

The mail overview and mailbox changes are for admins (none of the matrix's personas);
support staff open the mail of a ticket and engineers change its participants. The
inbound endpoint takes only a mailbox's token: every session and user token is a 401.
"""


def inbound_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    post_only = who(LOGIN, 405, 405, 405, 405)
    nobody = who(LOGIN, 403, 403, 403, 403)
    staff_page = who(LOGIN, 403, 403, 200, 200)
    rules = {
        "inbound:overview": Rule(get=nobody),
        "inbound:message": Rule(get=staff_page),
        "inbound:message_raw": Rule(get=staff_page),
        "inbound:participant_add": Rule(get=post_only, post=who(LOGIN, 403, 403, OK, 403)),
        "inbound:participant_remove": Rule(get=post_only,
                                           post=who(LOGIN, 403, 403, OK, 403)),
        "inbound-email": Rule(get=who(401, 401, 401, 401, 401),
                              post=who(401, 401, 401, 401, 401), api=True),
    }
    for name in ("message_retry", "message_release", "mailbox_poll", "mailbox_token"):
        rules[f"inbound:{name}"] = Rule(get=post_only, post=nobody)
    api_nobody = who(401, 403, 403, 403, 403)
    for name in ("list", "detail", "rotate-token", "poll"):
        rules[f"api-mailbox-{name}"] = Rule(get=api_nobody, post=api_nobody, api=True)
    return rules


def inbound_world(*, ticket) -> dict[str, int]:
    """pk of the mailbox, the message (on the sample ticket) and its participant."""
    from inbound.models import Mailbox
    from inbound.services.receive import message_receive
    from tests.inbound.imapserver import mail
    from tickets.services.mail import participant_add

    box = Mailbox.objects.create(name="Role matrix", address="rm@tend.example",
                                 host="imap.example", username="rm", password="x")
    row = message_receive(mailbox=box, raw=mail(
        sender=ticket.requester.email, subject=f"[{ticket.ref}] more", cc="cc@x.example"))
    person = participant_add(ticket=ticket, actor=None, email="extra@x.example")
    return {**{f"inbound:{name}": row.pk for name in (
        "message", "message_raw", "message_retry", "message_release")},
        **{f"inbound:{name}": box.pk for name in ("mailbox_poll", "mailbox_token")},
        **{f"api-mailbox-{name}": box.pk for name in ("detail", "rotate-token", "poll")},
        "inbound:participant_remove": person.pk}
