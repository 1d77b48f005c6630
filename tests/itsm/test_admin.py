"""The core's admin pages save and delete through itsm.services: calendars keep their
untouched rows, get a new version, and the history says what changed; users (with a
password and roles), teams, services and assets are added, changed and deleted as before;
the notification log is read-only."""

from datetime import time

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from itsm.models import Asset, BusinessCalendar, NotificationLog, Service, Team, User


def _office():
    return BusinessCalendar.objects.get(name="Office hours")


def _change_post(calendar, **overrides):
    periods = list(calendar.periods.all())
    data = {
        "name": calendar.name, "time_zone": calendar.time_zone, "holiday_country": "",
        "holiday_subdivision": "",
        "periods-TOTAL_FORMS": str(len(periods)), "periods-INITIAL_FORMS": str(len(periods)),
        "closed_dates-TOTAL_FORMS": "0", "closed_dates-INITIAL_FORMS": "0",
    }
    for i, period in enumerate(periods):
        data.update({f"periods-{i}-id": str(period.pk), f"periods-{i}-calendar": str(calendar.pk),
                     f"periods-{i}-weekday": str(period.weekday),
                     f"periods-{i}-start": f"{period.start:%H:%M}",
                     f"periods-{i}-end": f"{period.end:%H:%M}"})
    data.update(overrides)
    return data


def test_editing_a_calendar_keeps_untouched_rows_and_bumps_its_version(client_for, ada):
    calendar = _office()
    before = calendar.updated_at
    ids = list(calendar.periods.values_list("pk", flat=True))
    response = client_for(ada).post(
        reverse("admin:itsm_businesscalendar_change", args=[calendar.pk]),
        _change_post(calendar, **{
            "periods-0-end": "12:00", "periods-4-DELETE": "on",
            "periods-TOTAL_FORMS": "6", "periods-5-weekday": "5", "periods-5-start": "10:00",
            "periods-5-end": "14:00",
            "closed_dates-TOTAL_FORMS": "1", "closed_dates-0-date": "2026-12-24",
            "closed_dates-0-name": "Christmas Eve"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = _office()
    assert calendar.updated_at > before
    rows = list(calendar.periods.values_list("pk", "weekday", "start", "end"))
    assert rows[:4] == [(ids[0], 0, time(9), time(12)), *[
        (ids[d], d, time(9), time(17)) for d in (1, 2, 3)]]
    assert rows[4][1:] == (5, time(10), time(14)) and len(rows) == 5
    assert list(calendar.closed_dates.values_list("name", flat=True)) == ["Christmas Eve"]
    history = LogEntry.objects.filter(object_id=str(calendar.pk)).latest("action_time")
    message = history.get_change_message()
    assert "Added working period" in message and "Deleted working period" in message


def test_saving_an_unchanged_calendar_keeps_its_rows(client_for, ada):
    calendar = _office()
    ids = list(calendar.periods.values_list("pk", flat=True))
    response = client_for(ada).post(
        reverse("admin:itsm_businesscalendar_change", args=[calendar.pk]), _change_post(calendar))
    assert response.status_code == 302
    assert list(_office().periods.values_list("pk", flat=True)) == ids


def _add(client, name):
    response = client.post(reverse("admin:itsm_businesscalendar_add"), {
        "name": name, "time_zone": "UTC", "holiday_country": "", "holiday_subdivision": "",
        "periods-TOTAL_FORMS": "1", "periods-INITIAL_FORMS": "0", "periods-0-weekday": "0",
        "periods-0-start": "09:00", "periods-0-end": "17:00",
        "closed_dates-TOTAL_FORMS": "0", "closed_dates-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    return BusinessCalendar.objects.get(name=name)


def test_deleting_calendars_in_the_admin_one_or_several_at_once(client_for, ada):
    client = client_for(ada)
    spare = _add(client, "Spare")
    response = client.post(reverse("admin:itsm_businesscalendar_delete", args=[spare.pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert not BusinessCalendar.objects.filter(name="Spare").exists()
    pks = [_add(client, "Spare 2").pk, _add(client, "Spare 3").pk]
    response = client.post(reverse("admin:itsm_businesscalendar_changelist"),
                           {"action": "delete_selected", "_selected_action": pks, "post": "yes"})
    assert response.status_code == 302
    assert not BusinessCalendar.objects.filter(pk__in=pks).exists()


def _history(obj):
    return LogEntry.objects.filter(object_id=str(obj.pk)).latest("action_time")


def test_adding_a_user_with_a_password_then_giving_them_a_role(client_for, ada):
    client = client_for(ada)
    response = client.post(reverse("admin:itsm_user_add"), {
        "username": "erin", "usable_password": "true", "password1": "Corr3ct-horse-battery",
        "password2": "Corr3ct-horse-battery"})
    assert response.status_code == 302, response.content.decode()[:2000]
    erin = User.objects.get(username="erin")
    assert erin.check_password("Corr3ct-horse-battery")
    assert _history(erin).action_flag == ADDITION
    dse = Group.objects.get(name="DSE")
    response = client.post(reverse("admin:itsm_user_change", args=[erin.pk]), {
        "username": "erin", "first_name": "Erin", "last_name": "", "email": "erin@example.com",
        "is_active": "on", "groups": [dse.pk], "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00", "job_title": "Support engineer", "phone": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    erin = User.objects.get(pk=erin.pk)
    assert list(erin.groups.all()) == [dse] and erin.job_title == "Support engineer"
    assert erin.check_password("Corr3ct-horse-battery")
    assert "Changed" in _history(erin).get_change_message()


def test_a_mismatched_password_adds_nobody(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_user_add"), {
        "username": "erin", "usable_password": "true", "password1": "Corr3ct-horse-battery",
        "password2": "something-else"})
    assert response.status_code == 200
    assert not User.objects.filter(username="erin").exists()


def test_changing_a_users_password_in_the_admin(client_for, ada, alice):
    response = client_for(ada).post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"usable_password": "true", "password1": "N3w-and-long-enough",
         "password2": "N3w-and-long-enough"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=alice.pk).check_password("N3w-and-long-enough")
    assert _history(alice).get_change_message() == "Changed password."


def test_deleting_a_user(client_for, ada, bob):
    response = client_for(ada).post(reverse("admin:itsm_user_delete", args=[bob.pk]),
                                    {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(username="bob").exists()


def test_a_team_is_added_with_members_changed_and_deleted(client_for, ada, dee, dan):
    client = client_for(ada)
    response = client.post(reverse("admin:itsm_team_add"), {
        "name": "Network", "email": "", "lead": dee.pk, "members": [dee.pk, dan.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    team = Team.objects.get(name="Network")
    assert set(team.members.all()) == {dee, dan}
    response = client.post(reverse("admin:itsm_team_change", args=[team.pk]), {
        "name": "Network", "email": "net@example.com", "lead": dee.pk, "members": [dan.pk]})
    assert response.status_code == 302
    assert list(team.members.all()) == [dan] and _history(team).action_flag == CHANGE
    response = client.post(reverse("admin:itsm_team_delete", args=[team.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Team.objects.filter(name="Network").exists()


def test_services_and_assets_are_added_changed_and_deleted(client_for, ada, team):
    client = client_for(ada)
    response = client.post(reverse("admin:itsm_service_add"), {
        "name": "VPN", "description": "", "owner_team": team.pk, "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    vpn = Service.objects.get(name="VPN")
    asset = {"name": "vpn-gw-1", "kind": "network", "service": vpn.pk, "hostname": "",
             "ip_address": "10.0.0.5", "location": "", "notes": "", "is_active": "on"}
    response = client.post(reverse("admin:itsm_asset_add"), asset)
    assert response.status_code == 302, response.content.decode()[:2000]
    gateway = Asset.objects.get(name="vpn-gw-1")
    response = client.post(reverse("admin:itsm_asset_change", args=[gateway.pk]),
                           {**asset, "ip_address": "not an address"})
    assert response.status_code == 200 and "Enter a valid IPv4 or IPv6 address" in (
        response.content.decode())
    response = client.post(reverse("admin:itsm_asset_change", args=[gateway.pk]),
                           {**asset, "location": "DC1"})
    assert response.status_code == 302 and Asset.objects.get(pk=gateway.pk).location == "DC1"
    response = client.post(reverse("admin:itsm_asset_changelist"), {
        "action": "delete_selected", "_selected_action": [gateway.pk], "post": "yes"})
    assert response.status_code == 302
    response = client.post(reverse("admin:itsm_service_delete", args=[vpn.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Asset.objects.exists() and not Service.objects.filter(name="VPN").exists()


def test_the_notification_log_is_read_only(client_for, ada):
    entry = NotificationLog.objects.create(key="reply:1", recipients="a@example.com",
                                           subject="Re: printer")
    client = client_for(ada)
    page = client.get(reverse("admin:itsm_notificationlog_change", args=[entry.pk]))
    assert page.status_code == 200 and "Re: printer" in page.content.decode()
    assert client.post(reverse("admin:itsm_notificationlog_delete", args=[entry.pk]),
                       {"post": "yes"}).status_code == 403
    assert NotificationLog.objects.filter(pk=entry.pk).exists()
