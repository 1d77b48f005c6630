"""The reactive journey in real headless Chromium, against a live server:

an end user files a ticket with an attachment → a DSE finds it in the queue, assigns it,
replies and resolves it → the end user sees the reply, confirms and rates the help.
"""

import pytest

from tests.factories import UserFactory
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(browser, live_server, username, errors):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("main button[type=submit]")
    return page


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_a_ticket_goes_from_the_portal_through_the_desk_and_back(browser, live_server, shots):
    from tests.factories import TeamFactory

    team = TeamFactory(name="Service Desk")
    UserFactory(username="alice", first_name="Alice", role="End user")
    dee = UserFactory(username="dee", first_name="Dee", role="DSE")
    team.members.add(dee)
    errors = []

    alice = sign_in(browser, live_server, "alice", errors)
    alice.goto(f"{live_server.url}/new/")
    alice.check("input[name=kind][value=incident]", force=True)
    alice.fill("input[name=title]", "Laptop will not start after update")
    alice.fill("textarea[name=description]", "The screen stays **black** after the logo.")
    alice.check("input[name=impact][value='3']", force=True)
    alice.check("input[name=urgency][value='1']", force=True)
    alice.set_input_files("input[name=files]", files=[{
        "name": "boot-log.txt", "mimeType": "text/plain", "buffer": b"BIOS error 0x42"}])
    alice.screenshot(path=f"{shots}/1-portal-new.png", full_page=True)
    alice.click("main form button[type=submit]")
    alice.wait_for_url("**/t/INC-*/")
    assert "We received" in alice.content()
    ticket = Ticket.objects.get()
    assert ticket.attachments.get().original_name == "boot-log.txt"

    desk = sign_in(browser, live_server, "dee", errors)
    desk.goto(f"{live_server.url}/desk/?view=open")
    desk.screenshot(path=f"{shots}/2-desk-queue.png", full_page=True)
    desk.click(f"a[href='/desk/tickets/{ticket.ref}/']")
    desk.wait_for_url(f"**/desk/tickets/{ticket.ref}/")
    desk.click("#ticket-head button:has-text('Assign to me')")
    expect(desk.locator("#ticket-head")).to_contain_text("Assignee")
    expect(desk.locator("#ticket-head")).to_contain_text(str(dee))
    desk.fill("#reply-box textarea[name=body]", "Hold the power button for 30 seconds, then "
                                                  "start again.")
    desk.click("#reply-box button[name=internal][value='0']")
    expect(desk.locator("#comments")).to_contain_text("Hold the power button")
    desk.click("#ticket-head button[name=to][value=resolved]")
    expect(desk.locator("#ticket-head")).to_contain_text("Resolved")
    desk.screenshot(path=f"{shots}/3-desk-ticket.png", full_page=True)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (dee, Status.RESOLVED)

    alice.reload()
    assert "Hold the power button" in alice.content()
    alice.click("button:has-text('Yes, close it')")
    expect(alice.locator("main")).to_contain_text("Closed")
    alice.click("label[for=id_rating_0]")  # the first star label is 5 (stars run right to left)
    alice.fill("textarea[name=comment]", "Back to work in five minutes, thanks!")
    alice.click("button:has-text('Send rating')")
    expect(alice.locator("main")).to_contain_text("Back to work in five minutes")
    alice.screenshot(path=f"{shots}/4-portal-rated.png", full_page=True)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == (Status.CLOSED, 5)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
