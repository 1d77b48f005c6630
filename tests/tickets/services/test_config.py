"""Configuration services: categories, the priority matrix, SLA policies and escalation
rules run the model's rules whoever saves them, a refused save writes nothing, only admins
may change them, and a save drops the cached configuration at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from itsm.models import BusinessCalendar
from tickets import rules
from tickets.models import Category, EscalationRule, PriorityRule, SlaPolicy
from tickets.services import config


def _policy(**fields):
    values = {"name": "P1 fast", "calendar": BusinessCalendar.objects.get(name="Office hours"),
              "priorities": [1], "response_minutes": 15, "resolution_minutes": 240}
    return SlaPolicy(**{**values, **fields})


def test_a_category_is_created_changed_and_deleted(ada, team):
    category = config.category_save(actor=ada, category=Category(name="Phones",
                                                                  default_team=team))
    category.is_active = False
    config.category_save(actor=ada, category=category)
    assert not Category.objects.get(pk=category.pk).is_active
    config.category_delete(actor=ada, category=category)
    assert not Category.objects.filter(name="Phones").exists()


def test_a_changed_matrix_cell_applies_to_the_next_ticket_at_once(ada):
    cell = PriorityRule.objects.get(impact=1, urgency=1)
    before = rules.priority_for(1, 1)  # cached now
    cell.priority = 4 if before != 4 else 3
    config.priority_rule_save(actor=ada, rule=cell)
    assert rules.priority_for(1, 1) == cell.priority


def test_a_matrix_cell_given_twice_is_refused(ada):
    with pytest.raises(ValidationError):
        config.priority_rule_save(actor=ada, rule=PriorityRule(impact=1, urgency=1, priority=2))
    assert PriorityRule.objects.filter(impact=1, urgency=1).count() == 1


def test_an_sla_policy_is_saved_and_deleted(ada):
    policy = config.sla_policy_save(actor=ada, policy=_policy())
    assert SlaPolicy.objects.get(pk=policy.pk).priorities == [1]
    config.sla_policy_delete(actor=ada, policy=policy)
    assert not SlaPolicy.objects.filter(name="P1 fast").exists()


def test_an_sla_policy_breaking_its_rules_is_refused_with_field_messages(ada):
    with pytest.raises(ValidationError) as refused:
        config.sla_policy_save(actor=ada, policy=_policy(
            resolution_minutes=5, warning_percent=100, kinds=["nonsense"]))
    assert set(refused.value.message_dict) == {"resolution_minutes", "warning_percent",
                                               "kinds"}
    assert "Resolution cannot be due before the first response." in refused.value.messages
    assert not SlaPolicy.objects.filter(name="P1 fast").exists()


def test_an_escalation_rule_must_do_something(ada, team):
    rule = EscalationRule(name="Quiet", trigger="resolution_breach", notify_assignee=False)
    with pytest.raises(ValidationError) as refused:
        config.escalation_rule_save(actor=ada, rule=rule)
    assert refused.value.messages == ["Choose at least one action."]
    rule.notify_team = True
    config.escalation_rule_save(actor=ada, rule=rule)
    assert EscalationRule.objects.filter(name="Quiet", notify_team=True).exists()
    config.escalation_rule_delete(actor=ada, rule=rule)
    assert not EscalationRule.objects.filter(name="Quiet").exists()


def test_only_people_with_the_permission_change_configuration(dee, manny, category):
    cell = PriorityRule.objects.get(impact=1, urgency=1)
    refused = [
        lambda: config.category_save(actor=dee, category=Category(name="Mine")),
        lambda: config.category_delete(actor=manny, category=category),
        lambda: config.priority_rule_save(actor=dee, rule=cell),
        lambda: config.sla_policy_save(actor=manny, policy=_policy()),
        lambda: config.escalation_rule_save(actor=dee, rule=EscalationRule(
            name="x", trigger="response_breach")),
    ]
    for attempt in refused:
        with pytest.raises(PermissionDenied):
            attempt()
    assert list(Category.objects.values_list("name", flat=True)) == ["Hardware"]
    assert not SlaPolicy.objects.filter(name="P1 fast").exists()
    assert not EscalationRule.objects.filter(name="x").exists()
