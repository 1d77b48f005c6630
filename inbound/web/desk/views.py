"""The desk's mail pages: the mail overview (mailboxes' health, what needs an admin, the
mail received) and one message (headers, body, attachments, raw copy). Changes are in
inbound/web/desk/actions.py."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render

from inbound import selectors
from inbound.models import Mailbox, State
from itsm.web.access import desk_page
from itsm.web.paging import CappedPaginator

ADMIN_PERM = "inbound.view_inboundmessage"


def require_mail_admin(user) -> None:
    if not user.has_perm(ADMIN_PERM):
        raise PermissionDenied("The mail overview is for administrators.")


@desk_page
def mail_overview(request):
    require_mail_admin(request.user)
    return overview_page(request)


def overview_page(request, *, token: dict | None = None):
    """`token`: a new endpoint token, shown on this answer only (never stored in clear)."""
    state = request.GET.get("state", "")
    box = request.GET.get("mailbox", "")
    rows = selectors.recent_messages()
    if state in State.values:
        rows = rows.filter(state=state)
    if box.isdigit():
        rows = rows.filter(mailbox_id=int(box))
    page = CappedPaginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "inbound/desk/overview.html", {
        "mailboxes": list(selectors.mailboxes_with_counts()),
        "attention": list(selectors.messages_needing_attention()[:20]),
        "page": page, "states": State.choices,
        "filters": {"state": state, "mailbox": box},
        "all_mailboxes": Mailbox.objects.order_by("name").only("pk", "name"),
        "can_change": request.user.has_perm("inbound.change_inboundmessage"),
        "can_manage": request.user.has_perm("inbound.change_mailbox"),
        "token": token,
    })


def message_page(request, row, *, status: int = 200):
    return render(request, "inbound/desk/message.html", {
        "row": row, "view": selectors.message_view(row),
        "can_change": request.user.has_perm("inbound.change_inboundmessage"),
        "is_admin": request.user.has_perm(ADMIN_PERM),
    }, status=status)


@desk_page
def message_detail(request, pk):
    return message_page(request, selectors.visible_message(request.user, pk))


@desk_page
def message_raw(request, pk):
    """The message exactly as received, as a download (never shown inline: it is mail
    from outside, attachments and all)."""
    row = selectors.visible_message(request.user, pk)
    response = FileResponse(row.raw.open("rb"), content_type="message/rfc822",
                            as_attachment=True, filename=f"message-{row.pk}.eml")
    response["X-Content-Type-Options"] = "nosniff"
    return response
