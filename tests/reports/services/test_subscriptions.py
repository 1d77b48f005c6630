"""weekly_subscription_set: a manager turns the weekly summary on and off for themselves."""

import pytest
from django.core.exceptions import PermissionDenied

from reports.models import ReportSubscription
from reports.services import weekly_subscription_set


def test_a_manager_turns_the_weekly_summary_on_and_off(manny):
    on = weekly_subscription_set(actor=manny, weekly=True)
    assert (on.user, on.weekly) == (manny, True)
    off = weekly_subscription_set(actor=manny, weekly=False)
    assert off.pk == on.pk and off.weekly is False
    assert ReportSubscription.objects.filter(user=manny).count() == 1


def test_setting_the_same_choice_twice_changes_nothing(manny):
    weekly_subscription_set(actor=manny, weekly=True)
    weekly_subscription_set(actor=manny, weekly=True)
    assert list(ReportSubscription.objects.values_list("user", "weekly")) == [(manny.pk, True)]


def test_only_people_who_see_reports_may_subscribe(dee, alice):
    for user in (dee, alice):
        with pytest.raises(PermissionDenied):
            weekly_subscription_set(actor=user, weekly=True)
    assert not ReportSubscription.objects.exists()
