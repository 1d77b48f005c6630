import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from tests.factories import mail_settled, make_ticket
from tickets import services
from tickets.models import Attachment, Kind, Level, Status, Ticket, TicketEvent


def png_bytes() -> bytes:
    """A real 1×1 PNG, so the bytes are what a browser would send."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def upload(name: str, content: bytes = b"some text\n", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def form_data(**overrides):
    data = {"kind": Kind.INCIDENT, "title": "VPN drops every hour",
            "description": "It **drops** at :00.", "impact": Level.LOW,
            "urgency": Level.MEDIUM}
    data.update(overrides)
    return data


def url(name: str, ticket=None) -> str:
    return reverse(f"portal:{name}", args=[ticket.ref] if ticket else [])


# Filing a ticket

def test_it_files_a_ticket_with_two_attachments_and_redirects_to_it(
        alice, category, service, client_for, settings, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    files = [upload("error.log"), upload("screen.png", png_bytes(), "image/png")]
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("new"), form_data(
            category=category.pk, service=service.pk, files=files))

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("ticket", ticket)
    assert (ticket.requester, ticket.source, ticket.title) == (alice, "portal",
                                                               "VPN drops every hour")
    assert (ticket.category, ticket.service) == (category, service)
    assert ticket.team == category.default_team
    names = sorted(ticket.attachments.values_list("original_name", flat=True))
    assert names == ["error.log", "screen.png"]
    assert len(stored_files(settings)) == 2
    actions = list(ticket.events.values_list("action", flat=True))
    assert actions.count(TicketEvent.Action.ATTACHED) == 2
    assert TicketEvent.Action.CREATED in actions
    assert "alice@example.com" in [address for m in mail.outbox for address in m.to]

    page = client.get(response["Location"])
    assert f"We received {ticket.ref}" in page.content.decode()
    assert "error.log" in page.content.decode()


def test_a_service_request_gets_its_own_numbering(alice, client_for):
    response = client_for(alice).post(url("new"), form_data(kind=Kind.REQUEST))
    ticket = Ticket.objects.get()
    assert ticket.kind == Kind.REQUEST
    assert response["Location"] == reverse("portal:ticket", args=[ticket.ref])
    assert ticket.ref.startswith("REQ-")


def test_the_form_asks_impact_and_urgency_in_plain_words(alice, client_for):
    from tickets.rules import IMPACT_WORDS, URGENCY_WORDS

    html = client_for(alice).get(url("new")).content.decode()
    for words in [*IMPACT_WORDS.values(), *URGENCY_WORDS.values()]:
        assert words in html
    assert re.search(r'<input[^>]*type="file"[^>]*multiple', html)
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"impact": "7"}, "impact"),
    ({"urgency": "soon"}, "urgency"),
    ({"kind": "problem"}, "kind"),
    ({"files": [upload("tool.exe", b"MZ\x90\x00")]}, "files"),
    ({"files": [upload("logo.svg", b"<svg onload=alert(1)>", "image/svg+xml")]}, "files"),
    ({"files": [upload("page.html", b"<script>alert(1)</script>", "text/html")]}, "files"),
    ({"files": [upload("ok.txt"), upload("empty.txt", b"")]}, "files"),
])
def test_bad_input_rerenders_with_a_field_error_and_writes_nothing(
        alice, client_for, settings, overrides, field):
    response = client_for(alice).post(url("new"), form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_an_oversize_file_is_refused_and_nothing_is_stored(alice, client_for, settings):
    settings.TEND_UPLOAD_MAX_BYTES = 1024
    files = [upload("small.txt"), upload("big.log", b"x" * 2048)]
    response = client_for(alice).post(url("new"), form_data(files=files))
    assert response.status_code == 200
    assert "big.log" in " ".join(response.context["form"].errors["files"])
    assert not Ticket.objects.exists()
    assert stored_files(settings) == []


def test_a_file_the_service_refuses_is_shown_on_the_files_field(
        alice, client_for, settings, monkeypatch):
    # The service is the last word: if its rules are stricter than the form's, its error
    # still lands on the field and nothing is written.
    from django.core.exceptions import ValidationError

    from tickets.web.portal import forms as portal_forms

    monkeypatch.setattr(portal_forms.uploads, "validate_files", lambda files, **kw: None)

    def refuse(files, **kwargs):
        raise ValidationError({"files": ["Not today."]})

    from tickets.services import ticket as ticket_services

    monkeypatch.setattr(ticket_services.uploads, "validate_files", refuse)
    response = client_for(alice).post(url("new"), form_data(files=[upload("a.txt")]))
    assert response.context["form"].errors["files"] == ["Not today."]
    assert not Ticket.objects.exists()
    assert stored_files(settings) == []


def test_fields_a_user_may_not_set_are_ignored(alice, bob, dee, team, client_for):
    response = client_for(alice).post(url("new"), form_data(
        requester=bob.pk, status=Status.RESOLVED, priority=1, assignee=dee.pk, team=team.pk,
        number=999_999, source="monitoring", created_by=dee.pk, impact=Level.LOW,
        urgency=Level.LOW))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.requester == alice
    assert ticket.status == Status.NEW
    assert ticket.priority == 4  # from the matrix for low × low, not the posted 1
    assert ticket.assignee is None and ticket.team is None
    assert ticket.number != 999_999 and ticket.source == "portal"


def test_only_active_categories_and_services_are_offered(alice, category, service, client_for):
    from tests.factories import CategoryFactory, ServiceFactory

    CategoryFactory(name="Retired category", is_active=False)
    ServiceFactory(name="Retired service", is_active=False)
    html = client_for(alice).get(url("new")).content.decode()
    assert category.name in html and service.name in html
    assert "Retired category" not in html and "Retired service" not in html
    retired = ServiceFactory(name="Old fax", is_active=False)
    response = client_for(alice).post(url("new"), form_data(service=retired.pk))
    assert response.context["form"].errors["service"]


# My tickets

def test_my_tickets_lists_only_my_own_tickets_newest_first(alice, bob, dee, client_for):
    older = make_ticket(alice, title="Alice older")
    newer = make_ticket(alice, title="Alice newer")
    make_ticket(bob, title="Bob's printer")
    make_ticket(dee, title="Dee's own laptop")

    response = client_for(alice).get(url("home"))
    assert [t.title for t in response.context["page"]] == [newer.title, older.title]
    html = response.content.decode()
    assert html.index(newer.title) < html.index(older.title)
    assert "printer" not in html and "laptop" not in html

    dee_page = client_for(dee).get(url("home"))
    assert [t.title for t in dee_page.context["page"]] == ["Dee's own laptop"]


def test_my_tickets_can_show_open_or_resolved_ones(alice, dee, client_for):
    open_ticket = make_ticket(alice, title="Still broken")
    done = make_ticket(alice, title="All good now")
    services.ticket_transition(ticket=done, actor=dee, to=Status.RESOLVED)
    client = client_for(alice)

    def titles(show):
        return [t.title for t in client.get(url("home"), {"show": show}).context["page"]]

    assert titles("open") == [open_ticket.title]
    assert titles("resolved") == [done.title]
    assert set(titles("all")) == {open_ticket.title, done.title}
    assert set(titles("nonsense")) == {open_ticket.title, done.title}


def test_my_tickets_pages_by_25(alice, client_for):
    for n in range(27):
        make_ticket(alice, title=f"Ticket {n}")
    first = client_for(alice).get(url("home"))
    second = client_for(alice).get(url("home"), {"page": 2})
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 2
    assert "page=2" in first.content.decode()


def test_an_empty_list_invites_to_report_a_problem(alice, client_for):
    response = client_for(alice).get(url("home"))
    html = response.content.decode()
    assert "You have not reported anything yet" in html
    assert f'href="{url("new")}"' in html


def test_an_empty_filter_offers_to_show_all(alice, client_for):
    make_ticket(alice)
    html = client_for(alice).get(url("home"), {"show": "resolved"}).content.decode()
    assert "No resolved or closed tickets" in html
    assert "You have not reported anything yet" not in html


def test_my_tickets_query_count_does_not_grow_with_the_number_of_tickets(
        alice, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(alice)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("home")).status_code == 200
        return len(captured)

    queries_for_list()  # fills the per-process caches (itsm.performance.config_cache)
    for _ in range(5):
        make_ticket(alice)
    with_5 = queries_for_list()
    for _ in range(25):
        make_ticket(alice)
    with_30 = queries_for_list()
    assert with_30 == with_5
    with django_assert_max_num_queries(with_5):
        client.get(url("home"))


# Access

PORTAL_GETS = ["home", "new", "ticket"]
TICKET_POSTS = ["reply", "confirm", "reopen", "rate", "cancel"]


@pytest.mark.parametrize("name", PORTAL_GETS + TICKET_POSTS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in_from_every_portal_url(alice, client, name, method):
    ticket = make_ticket(alice)
    target = url(name, ticket if name not in ("home", "new") else None)
    response = getattr(client, method)(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]
    assert Ticket.objects.get().status == Status.NEW


@pytest.mark.parametrize("name", TICKET_POSTS)
def test_another_users_ticket_is_404_for_every_action(alice, bob, dee, client_for, name):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(bob).post(url(name, ticket), {
        "body": "hi", "note": "hi", "rating": 5})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.rating is None
    assert not ticket.comments.filter(author=bob).exists()


def test_another_users_ticket_page_is_404_like_a_missing_one(alice, bob, client_for):
    ticket = make_ticket(alice)
    client = client_for(bob)
    assert client.get(url("ticket", ticket)).status_code == 404
    assert client.get(reverse("portal:ticket", args=["INC-999999999"])).status_code == 404
    assert client.get(reverse("portal:ticket", args=["nonsense"])).status_code == 404


@pytest.mark.parametrize("name", TICKET_POSTS)
def test_actions_are_post_only(alice, client_for, name):
    ticket = make_ticket(alice)
    assert client_for(alice).get(url(name, ticket)).status_code == 405


def test_support_staff_see_any_ticket_in_the_portal(alice, dee, manny, client_for):
    ticket = make_ticket(alice)
    assert client_for(dee).get(url("ticket", ticket)).status_code == 200
    assert client_for(manny).get(url("ticket", ticket)).status_code == 200


def test_a_manager_can_read_but_not_reply_and_sees_no_forms(alice, manny, client_for):
    ticket = make_ticket(alice)
    client = client_for(manny)
    html = client.get(url("ticket", ticket)).content.decode()
    assert url("reply", ticket) not in html
    assert url("cancel", ticket) not in html
    response = client.post(url("reply", ticket), {"body": "Manager says hi"})
    assert response.status_code == 403
    assert not ticket.comments.exists()


@pytest.mark.parametrize("name", ["confirm", "reopen", "rate", "cancel"])
def test_requester_only_actions_are_403_for_staff_on_a_ticket_they_can_see(
        alice, dee, manny, client_for, name):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    for user in (dee, manny):
        response = client_for(user).post(url(name, ticket), {"note": "x", "rating": 5})
        assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.rating is None


# The ticket page and its actions

def test_the_page_shows_the_ticket_and_its_public_history(alice, dee, client_for):
    ticket = make_ticket(alice, description="Steps:\n\n1. open\n2. **crash**")
    services.comment_add(ticket=ticket, author=dee, body="Which *model*?")
    html = client_for(alice).get(url("ticket", ticket)).content.decode()
    assert ticket.ref in html and ticket.title in html
    assert "<strong>crash</strong>" in html
    assert "<em>model</em>" in html
    assert "New" in html and "In progress" in html  # the status change in the history
    assert url("reply", ticket) in html


def test_internal_notes_are_hidden_from_the_requester_but_shown_to_a_dse(
        alice, dee, client_for):
    ticket = make_ticket(alice)
    services.comment_add(ticket=ticket, author=dee, body="Secret: user is on old firmware",
                         internal=True, files=[upload("internal.txt")])
    services.comment_add(ticket=ticket, author=dee, body="We are on it")
    note_file = Attachment.objects.get(original_name="internal.txt")

    alice_html = client_for(alice).get(url("ticket", ticket)).content.decode()
    assert "We are on it" in alice_html
    assert "old firmware" not in alice_html
    assert "internal.txt" not in alice_html
    assert note_file.get_absolute_url() not in alice_html
    assert "Internal note" not in alice_html

    dee_html = client_for(dee).get(url("ticket", ticket)).content.decode()
    assert "old firmware" in dee_html and "internal.txt" in dee_html


def test_a_reply_by_the_requester_is_added_and_mails_the_assignee(
        alice, dee, client_for, settings, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice, assignee=dee)
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(url("reply", ticket), {
            "body": "Here is the log", "files": [upload("vpn.log")]})
    comment = ticket.comments.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url('ticket', ticket)}#c{comment.pk}"
    assert comment.author == alice and not comment.is_internal
    assert comment.attachments.get().original_name == "vpn.log"
    assert [m.to for m in mail.outbox] == [["dee@example.com"]]
    assert len(stored_files(settings)) == 1


def test_an_empty_reply_is_refused_on_the_form(alice, client_for):
    ticket = make_ticket(alice)
    response = client_for(alice).post(url("reply", ticket), {"body": "  "})
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"]
    assert not ticket.comments.exists()


def test_a_reply_with_a_bad_file_stores_nothing(alice, client_for, settings):
    ticket = make_ticket(alice)
    response = client_for(alice).post(url("reply", ticket), {
        "body": "see file", "files": [upload("run.exe", b"MZ")]})
    assert response.status_code == 200
    assert response.context["reply_form"].errors["files"]
    assert not ticket.comments.exists()
    assert stored_files(settings) == []


def test_a_closed_ticket_has_no_reply_form_and_refuses_replies(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    services.ticket_transition(ticket=ticket, actor=alice, to=Status.CLOSED)
    client = client_for(alice)
    html = client.get(url("ticket", ticket)).content.decode()
    assert url("reply", ticket) not in html
    response = client.post(url("reply", ticket), {"body": "one more thing"})
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"]
    assert not ticket.comments.filter(author=alice).exists()


def test_a_resolved_ticket_asks_is_it_fixed(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    html = client_for(alice).get(url("ticket", ticket)).content.decode()
    assert "Is it fixed?" in html
    assert url("confirm", ticket) in html and url("reopen", ticket) in html
    assert url("rate", ticket) in html


def test_confirm_closes_a_resolved_ticket(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(alice).post(url("confirm", ticket))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None


def test_confirm_on_an_unresolved_ticket_shows_why_not(alice, client_for):
    ticket = make_ticket(alice)
    response = client_for(alice).post(url("confirm", ticket))
    assert response.status_code == 200
    assert response.context["action_errors"]
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_reopen_needs_a_note(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(alice).post(url("reopen", ticket), {"note": "  "})
    assert response.status_code == 200
    assert response.context["reopen_form"].errors["note"]
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_reopen_with_a_note_sends_the_ticket_back_to_work(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(alice).post(url("reopen", ticket), {"note": "Still drops"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.IN_PROGRESS, 1)
    assert ticket.comments.get().body == "Still drops"


def test_a_rating_from_1_to_5_is_stored_and_can_be_changed(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    client = client_for(alice)
    assert client.post(url("rate", ticket), {"rating": 2}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.rating == 2
    client.post(url("rate", ticket), {"rating": 5, "comment": "Fast, thanks"})
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (5, "Fast, thanks")
    html = client.get(url("ticket", ticket)).content.decode()
    assert "Your rating" in html and "Fast, thanks" in html
    assert re.search(r'value="5"[^>]*checked', html)


@pytest.mark.parametrize("rating", ["0", "6", "x", ""])
def test_a_rating_outside_1_to_5_is_refused(alice, dee, client_for, rating):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(alice).post(url("rate", ticket), {"rating": rating})
    assert response.status_code == 200
    assert response.context["rating_form"].errors["rating"]
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_an_open_ticket_cannot_be_rated_yet(alice, client_for):
    ticket = make_ticket(alice)
    client = client_for(alice)
    assert url("rate", ticket) not in client.get(url("ticket", ticket)).content.decode()
    response = client.post(url("rate", ticket), {"rating": 4})
    assert response.context["rating_form"].errors
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_withdraw_cancels_an_open_ticket_after_a_confirmation(alice, client_for):
    ticket = make_ticket(alice)
    client = client_for(alice)
    html = client.get(url("ticket", ticket)).content.decode()
    assert re.search(r'data-confirm="Withdraw ' + ticket.ref, html)
    response = client.post(url("cancel", ticket))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED
    html = client.get(url("ticket", ticket)).content.decode()
    assert url("cancel", ticket) not in html and url("reply", ticket) not in html


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as the browser would build them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data


def assert_inert(html: str) -> None:
    parser = TagCollector()
    parser.feed(html)
    assert "<script>alert" not in html
    assert parser.script_text.strip() == ""
    for tag, attrs in parser.tags:
        assert tag != "svg"
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), attrs


def test_user_text_comes_back_inert(alice, dee, client_for):
    ticket = make_ticket(
        alice, title="<script>alert(1)</script>",
        description="[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        files=[upload('"><svg onload=alert(1)>.txt')])
    services.comment_add(ticket=ticket, author=alice,
                         body="<script>alert(2)</script> [y](javascript:alert(2))",
                         files=[upload('x" onerror="alert(3).png', png_bytes(), "image/png")])
    for viewer in (alice, dee):
        for page in (url("ticket", ticket), url("home")):
            html = client_for(viewer).get(page).content.decode()
            assert_inert(html)
    html = client_for(alice).get(url("ticket", ticket)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not dropped
    assert "&lt;svg onload=alert(1)&gt;.txt" in html


def test_the_pages_carry_no_inline_script_or_style(alice, dee, client_for):
    ticket = make_ticket(alice, files=[upload("a.png", png_bytes(), "image/png")])
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    for page in (url("home"), url("new"), url("ticket", ticket)):
        html = client_for(alice).get(page).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_a_support_engineer_can_answer_from_the_portal(alice, dee, client_for):
    ticket = make_ticket(alice)
    response = client_for(dee).post(url("reply", ticket), {"body": "Rebooting the switch"})
    assert response.status_code == 302
    comment = ticket.comments.get()
    assert (comment.author, comment.is_internal) == (dee, False)


def test_the_shared_conversation_skips_internal_items_unless_asked(alice, dee):
    from django.template.loader import render_to_string

    ticket = make_ticket(alice)
    services.comment_add(ticket=ticket, author=dee, body="Internal guess", internal=True)
    services.comment_add(ticket=ticket, author=dee, body="Public answer")
    context = {"ticket": ticket, "comments": ticket.comments.all(),
               "events": ticket.events.all()}
    hidden = render_to_string("partials/ticket_conversation.html",
                              {**context, "show_internal": False})
    shown = render_to_string("partials/ticket_conversation.html",
                             {**context, "show_internal": True})
    assert "Public answer" in hidden and "Internal guess" not in hidden
    assert "added an internal note" not in hidden
    assert "Internal guess" in shown and "added an internal note" in shown


def test_filing_takes_a_fixed_handful_of_queries(alice, client_for, django_assert_num_queries):
    # Filing is the hottest write: the user, the savepoint, the number, the ticket, its
    # timeline, the outbox row. Configuration comes from the per-process cache.
    client = client_for(alice)
    client.post(url("new"), form_data())  # fills the per-process caches
    # PostgreSQL takes the number inside the INSERT; SQLite bumps a counter row first.
    with django_assert_num_queries(6 + (connection.vendor == "sqlite")):
        assert client.post(url("new"), form_data()).status_code == 302
