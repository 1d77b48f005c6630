"""Ticket configuration in the admin saves through tickets.services.config: bad SLA
configuration is refused with a clear message; categories, matrix cells, SLA policies,
escalation rules and stuck notifications are added, changed and deleted as before;
tickets themselves are read-only."""

from django.urls import reverse

from itsm.models import BusinessCalendar
from tests.factories import make_ticket
from tickets.models import Category, EscalationRule, PendingNotification, PriorityRule, SlaPolicy


def _calendar_post(**overrides):
    data = {
        "name": "Berlin office", "time_zone": "Europe/Berlin", "holiday_country": "DE",
        "holiday_subdivision": "BY",
        "periods-TOTAL_FORMS": "2", "periods-INITIAL_FORMS": "0",
        "periods-0-weekday": "0", "periods-0-start": "08:00", "periods-0-end": "12:00",
        "periods-1-weekday": "0", "periods-1-start": "13:00", "periods-1-end": "17:00",
        "closed_dates-TOTAL_FORMS": "0", "closed_dates-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_an_admin_can_make_a_calendar_with_a_lunch_break(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"), _calendar_post())
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Berlin office")
    assert calendar.periods.count() == 2


def test_overlapping_spans_are_refused_naming_the_day(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"),
                                    _calendar_post(**{"periods-1-start": "11:00"}))
    assert response.status_code == 200
    assert "Monday: 08:00–12:00 overlaps the span starting 11:00." in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Berlin office").exists()


def test_a_calendar_without_working_time_is_refused(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"),
                                    _calendar_post(**{"periods-TOTAL_FORMS": "0"}))
    assert "needs at least one working period" in response.content.decode()


def test_unknown_time_zones_and_holiday_regions_are_refused(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"), _calendar_post(
        time_zone="Europe/Atlantis", holiday_country="XX"))
    body = response.content.decode()
    assert "is not a known time zone" in body
    assert "is not a country the holidays package knows" in body
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"),
                                    _calendar_post(holiday_subdivision="ZZ"))
    assert "is not a subdivision of DE" in response.content.decode()


def test_zero_or_negative_targets_are_refused(client_for, ada):
    calendar = BusinessCalendar.objects.get(name="Office hours")
    base = {"name": "Broken", "order": "1", "is_active": "on", "calendar": calendar.pk,
            "warning_percent": "75", "pause_statuses": ["waiting"]}
    client = client_for(ada)
    response = client.post(reverse("admin:tickets_slapolicy_add"),
                           {**base, "response_minutes": "0", "resolution_minutes": "60"})
    assert "The response target must be at least one minute." in response.content.decode()
    response = client.post(reverse("admin:tickets_slapolicy_add"),
                           {**base, "response_minutes": "-5", "resolution_minutes": "60"})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    response = client.post(reverse("admin:tickets_slapolicy_add"),
                           {**base, "response_minutes": "60", "resolution_minutes": "30",
                            "warning_percent": "100"})
    body = response.content.decode()
    assert "Resolution cannot be due before the first response." in body
    assert "between 1 and 99" in body


def test_a_category_is_added_changed_and_deleted(client_for, ada, team):
    client = client_for(ada)
    data = {"name": "Phones", "description": "", "default_team": team.pk, "is_active": "on"}
    response = client.post(reverse("admin:tickets_category_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    phones = Category.objects.get(name="Phones")
    response = client.post(reverse("admin:tickets_category_change", args=[phones.pk]),
                           {**data, "is_active": ""})
    assert response.status_code == 302 and not Category.objects.get(pk=phones.pk).is_active
    response = client.post(reverse("admin:tickets_category_delete", args=[phones.pk]),
                           {"post": "yes"})
    assert response.status_code == 302 and not Category.objects.filter(name="Phones").exists()


def test_a_matrix_cell_is_changed_on_the_changelist(client_for, ada):
    cells = list(PriorityRule.objects.all())
    data = {"form-TOTAL_FORMS": str(len(cells)), "form-INITIAL_FORMS": str(len(cells)),
            "_save": "Save"}
    for i, cell in enumerate(cells):
        data.update({f"form-{i}-id": str(cell.pk), f"form-{i}-priority": str(cell.priority)})
    data["form-0-priority"] = "1"
    response = client_for(ada).post(reverse("admin:tickets_priorityrule_changelist"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PriorityRule.objects.get(pk=cells[0].pk).priority == 1


def test_an_sla_policy_is_added_reordered_and_deleted(client_for, ada):
    calendar = BusinessCalendar.objects.get(name="Office hours")
    client = client_for(ada)
    response = client.post(reverse("admin:tickets_slapolicy_add"), {
        "name": "P1 fast", "order": "5", "is_active": "on", "priorities": ["1"],
        "calendar": calendar.pk, "response_minutes": "15", "resolution_minutes": "240",
        "warning_percent": "75", "pause_statuses": ["waiting"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SlaPolicy.objects.get(name="P1 fast")
    assert (policy.priorities, policy.pause_statuses) == ([1], ["waiting"])
    policies = list(SlaPolicy.objects.all())
    data = {"form-TOTAL_FORMS": str(len(policies)), "form-INITIAL_FORMS": str(len(policies)),
            "_save": "Save"}
    for i, row in enumerate(policies):
        data.update({f"form-{i}-id": str(row.pk), f"form-{i}-order": str(row.order),
                     f"form-{i}-is_active": "on" if row.is_active else ""})
        if row.pk == policy.pk:
            data[f"form-{i}-order"] = "7"
    response = client.post(reverse("admin:tickets_slapolicy_changelist"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SlaPolicy.objects.get(pk=policy.pk).order == 7
    response = client.post(reverse("admin:tickets_slapolicy_delete", args=[policy.pk]),
                           {"post": "yes"})
    assert response.status_code == 302 and not SlaPolicy.objects.filter(name="P1 fast").exists()


def test_an_escalation_rule_without_an_action_is_refused(client_for, ada):
    base = {"name": "Breach", "order": "1", "is_active": "on", "trigger": "resolution_breach",
            "business_hours_only": "on"}
    client = client_for(ada)
    response = client.post(reverse("admin:tickets_escalationrule_add"), base)
    assert "Choose at least one action." in response.content.decode()
    response = client.post(reverse("admin:tickets_escalationrule_add"),
                           {**base, "notify_managers": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert EscalationRule.objects.filter(name="Breach", notify_managers=True).exists()


def test_a_stuck_notification_is_reset_or_dropped(client_for, ada, alice):
    make_ticket(alice)
    PendingNotification.objects.update(attempts=10, last_error="SMTP down")
    row = PendingNotification.objects.get()
    client = client_for(ada)
    response = client.post(reverse("admin:tickets_pendingnotification_change", args=[row.pk]),
                           {"attempts": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PendingNotification.objects.get(pk=row.pk).attempts == 0
    response = client.post(reverse("admin:tickets_pendingnotification_delete", args=[row.pk]),
                           {"post": "yes"})
    assert response.status_code == 302 and not PendingNotification.objects.exists()


def test_tickets_are_read_only_in_the_admin(client_for, ada, alice):
    ticket = make_ticket(alice)
    client = client_for(ada)
    assert client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).status_code == 200
    assert client.post(reverse("admin:tickets_ticket_delete", args=[ticket.pk]),
                       {"post": "yes"}).status_code == 403
