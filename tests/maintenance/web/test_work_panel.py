"""Working a maintenance checklist on the desk, from first tick to resolution."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from maintenance.models import StepIncident
from maintenance.services import generation
from tests.maintenance.conftest import utc
from tickets.models import Kind, Status, Ticket


@pytest.fixture
def task(plan):
    generation.occurrences_generate(now=utc(2026, 3, 1, 12))
    return Ticket.objects.get(kind=Kind.MAINTENANCE)


def step_url(task, n, action=""):
    item = task.checklist.get(position=n)
    name = "maintenance:work_incident" if action == "incident" else "maintenance:work_step"
    return reverse(name, args=[task.ref, item.pk])


def test_the_panel_shows_the_plan_and_the_steps(client_for, task, dee):
    response = client_for(dee).get(reverse("maintenance:work_panel", args=[task.ref]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "From plan" in html and "Backup restore test" in html
    assert "Mon 2 Mar 2026, 09:00 CET" in html
    assert "0 of 3 done" in html and "3 steps to go" in html


def test_end_users_and_managers_cannot_work_the_checklist(client_for, task, alice, manny):
    assert client_for(alice).get(reverse("maintenance:work_panel", args=[task.ref])
                                 ).status_code == 403
    as_manager = client_for(manny).get(reverse("maintenance:work_panel", args=[task.ref]))
    assert as_manager.status_code == 200 and b"step-form" not in as_manager.content
    for user in (alice, manny):
        assert client_for(user).post(step_url(task, 1), {"done": "1"}).status_code == 403


def test_a_checklist_is_worked_to_resolution(client_for, task, dee):
    c = client_for(dee)
    c.post(step_url(task, 1), {"done": "1"})
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS  # the first tick starts the work
    response = c.post(step_url(task, 2), {"done": "1"}, HTTP_HX_REQUEST="true")
    assert "Record whether this step passed or failed." in response.content.decode()
    c.post(step_url(task, 2), {"done": "1", "result": "fail", "note": "Restore hung"})
    response = c.post(step_url(task, 3), {"done": "1"}, follow=True)
    assert "This step needs a note." in response.content.decode()
    response = c.post(reverse("maintenance:work_resolve", args=[task.ref]), follow=True)
    assert "1 checklist step still open" in response.content.decode()
    c.post(step_url(task, 3), {"done": "1", "note": "4 min 10 s"})
    response = c.post(reverse("maintenance:work_resolve", args=[task.ref]),
                      {"note": "Restore works after retry"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "resolved" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.RESOLVED
    assert list(task.checklist.values_list("result", flat=True)) == ["", "fail", ""]


def test_a_failed_step_raises_one_linked_incident(client_for, task, dee):
    c = client_for(dee)
    c.post(step_url(task, 2), {"done": "1", "result": "pass"})
    response = c.post(step_url(task, 2, "incident"), follow=True)
    assert "Only a failed step can raise an incident." in response.content.decode()
    c.post(step_url(task, 2), {"done": "0"})
    c.post(step_url(task, 2), {"done": "1", "result": "fail", "note": "Restore hung"})
    response = c.post(step_url(task, 2, "incident"), HTTP_HX_REQUEST="true")
    c.post(step_url(task, 2, "incident"))  # a double click
    incident = Ticket.objects.get(kind=Kind.INCIDENT)
    assert incident.parent == task and incident.asset == task.asset
    assert "Restore hung" in incident.description
    assert StepIncident.objects.get().incident == incident
    html = response.content.decode()
    assert f"{incident.ref} raised and linked" in html and 'hx-swap-oob="true"' in html
    assert task.events.filter(action="notice", message__contains=incident.ref).exists()


def test_the_template_tag_renders_the_panel_for_the_desk_ticket_page(rf, task, dee):
    request = rf.get("/")
    request.user = dee
    html = Template("{% load maintenance %}{% work_item_panel ticket %}").render(
        Context({"request": request, "ticket": task, "csrf_token": "x"}))
    assert 'id="maintenance-panel"' in html and "Restore one file" in html


def test_the_panel_is_empty_for_tickets_without_a_checklist(rf, dee, alice):
    from tests.factories import make_ticket

    request = rf.get("/")
    request.user = dee
    html = Template("{% load maintenance %}{% work_item_panel ticket %}").render(
        Context({"request": request, "ticket": make_ticket(alice)}))
    assert "maintenance-panel" not in html


def test_maintenance_registers_its_panel_on_the_desk_ticket_page(client_for, task, dee):
    from tickets.web.desk.panels import register_panel, registered_panels

    assert registered_panels().count("maintenance/_desk_ticket_panel.html") == 1
    register_panel("maintenance/_desk_ticket_panel.html")  # once, however often it is asked
    assert registered_panels().count("maintenance/_desk_ticket_panel.html") == 1
    html = client_for(dee).get(reverse("desk:ticket", args=[task.ref])).content.decode()
    assert html.count('id="maintenance-panel"') == 1 and "Restore one file" in html
    # The panel sits in the side column, above the SLA panel.
    tools = html.index('aria-label="Ticket tools"')
    assert tools < html.index('id="maintenance-panel"') < html.index('id="sla-panel"')


def test_ticking_a_step_over_htmx_refreshes_the_header_status_and_the_timeline(
        client_for, task, dee):
    assert task.status == Status.NEW
    response = client_for(dee).post(step_url(task, 1), {"done": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    head = html[html.index('<section id="ticket-head"'):]
    assert head.startswith('<section id="ticket-head" class="card mb-4" '
                           'aria-labelledby="ticket-title" hx-swap-oob="true">')
    assert "In progress" in head[:head.index("</section>")]
    timeline = html[html.index('<section id="timeline"'):]
    assert 'hx-swap-oob="true"' in timeline[:120]
    first_step = task.checklist.get(position=1).text
    assert first_step in timeline[:timeline.index("</section>")]  # the tick's own event
