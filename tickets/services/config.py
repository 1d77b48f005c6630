"""Writing ticket configuration: categories, the priority matrix, SLA policies, escalation
rules; the admin edits these rows and `demo/` seeds categories.

Each save runs the model's full_clean() (so its clean() rules hold whoever calls), and the
save or delete sends the signals that drop cached configuration in this process
(itsm.performance.config_cache). `actor` None is Tend itself (seeding) and skips the
permission check; everyone else needs the model's add/change/delete permission.
"""

from django.db import models, transaction

from itsm.models import User
from itsm.services.access import require_model_perm
from tickets.models import Category, EscalationRule, PriorityRule, SlaPolicy


def _save(actor: User | None, obj: models.Model) -> None:
    require_model_perm(actor, obj)
    obj.full_clean()
    obj.save()


def _delete(actor: User | None, obj: models.Model) -> None:
    require_model_perm(actor, obj, "delete")
    obj.delete()


@transaction.atomic
def category_save(*, actor: User | None, category: Category) -> Category:
    """Create or change `category` as set on the instance (ValidationError if invalid)."""
    _save(actor, category)
    return category


@transaction.atomic
def category_delete(*, actor: User | None, category: Category) -> None:
    _delete(actor, category)


@transaction.atomic
def priority_rule_save(*, actor: User | None, rule: PriorityRule) -> PriorityRule:
    """Create or change one cell of the impact × urgency matrix; tickets filed from then
    on get the new priority. A cell given twice is refused (ValidationError)."""
    _save(actor, rule)
    return rule


@transaction.atomic
def sla_policy_save(*, actor: User | None, policy: SlaPolicy) -> SlaPolicy:
    """Create or change `policy`; targets and value lists are checked (SlaPolicy.clean)."""
    _save(actor, policy)
    return policy


@transaction.atomic
def sla_policy_delete(*, actor: User | None, policy: SlaPolicy) -> None:
    _delete(actor, policy)


@transaction.atomic
def escalation_rule_save(*, actor: User | None, rule: EscalationRule) -> EscalationRule:
    """Create or change `rule`; it must do something (EscalationRule.clean)."""
    _save(actor, rule)
    return rule


@transaction.atomic
def escalation_rule_delete(*, actor: User | None, rule: EscalationRule) -> None:
    _delete(actor, rule)
