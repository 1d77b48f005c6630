"""Configuration cached per process: dropped on save/delete, expired after MAX_AGE."""

import time_machine

from itsm.performance import config_cache
from tickets import rules, sla
from tickets.models import Category, Level, PriorityRule, SlaPolicy


def test_the_matrix_is_read_once_and_follows_an_admin_change(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        rules.priority_for(Level.LOW, Level.LOW)
        rules.priority_for(Level.HIGH, Level.HIGH)
    rule = PriorityRule.objects.get(impact=Level.LOW, urgency=Level.LOW)
    rule.priority = 2
    rule.save()
    assert rules.priority_for(Level.LOW, Level.LOW) == 2
    rule.delete()
    assert rules.priority_for(Level.LOW, Level.LOW) == 4  # the built-in default


def test_writes_that_send_no_signal_are_seen_after_max_age(db):
    with time_machine.travel("2026-03-02 09:00Z", tick=False) as clock:
        assert rules.priority_for(Level.LOW, Level.LOW) == 4
        PriorityRule.objects.filter(impact=Level.LOW, urgency=Level.LOW).update(priority=1)
        clock.shift(config_cache.MAX_AGE / 2)
        assert rules.priority_for(Level.LOW, Level.LOW) == 4  # another process's view
        clock.shift(config_cache.MAX_AGE)
        assert rules.priority_for(Level.LOW, Level.LOW) == 1


def test_policies_follow_changes_to_their_calendar(db, django_assert_num_queries):
    policies = sla.active_policies()
    with django_assert_num_queries(0):
        assert sla.active_policies() == policies
    calendar = policies[0].calendar
    calendar.name = "Renamed"
    calendar.save()
    assert sla.active_policies()[0].calendar.name == "Renamed"
    SlaPolicy.objects.filter(pk=policies[0].pk).get().delete()
    assert policies[0] not in sla.active_policies()


def test_categories_offered_follows_new_categories(db):
    Category.objects.all().delete()
    assert not rules.categories_offered()
    Category.objects.create(name="Printers")
    assert rules.categories_offered()
