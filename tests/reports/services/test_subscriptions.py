"""weekly_subscription_set: a manager turns the weekly summary on and off for themselves;
subscription_save/delete: the admin edits anyone's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.models import ReportSubscription
from reports.services import weekly_subscription_set
from reports.services.subscriptions import subscription_delete, subscription_save
from tests.factories import UserFactory


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


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_admin_subscribes_someone_changes_and_deletes_it(root, manny):
    subscription = subscription_save(actor=root, subscription=ReportSubscription(user=manny))
    subscription.weekly = False
    subscription_save(actor=root, subscription=subscription)
    assert list(ReportSubscription.objects.values_list("user", "weekly")) == [(manny.pk, False)]
    subscription_delete(actor=root, subscription=subscription)
    assert not ReportSubscription.objects.exists()


def test_a_second_subscription_for_one_person_is_refused(root, manny):
    subscription_save(actor=root, subscription=ReportSubscription(user=manny))
    with pytest.raises(ValidationError) as refused:
        subscription_save(actor=root, subscription=ReportSubscription(user=manny, weekly=False))
    assert "user" in refused.value.message_dict
    assert list(ReportSubscription.objects.values_list("weekly", flat=True)) == [True]


def test_only_people_with_the_permission_edit_others_subscriptions(manny, ada):
    for actor in (manny, ada):
        with pytest.raises(PermissionDenied):
            subscription_save(actor=actor, subscription=ReportSubscription(user=manny))
    assert not ReportSubscription.objects.exists()
