"""The maintenance rows of tests/test_role_matrix.py, and the objects its URLs need.

tests/test_role_matrix.py adds them with:

    from tests.maintenance.role_rules import maintenance_rules, maintenance_world
    RULES.update(maintenance_rules(Rule, who, LOGIN, OK))
    # in the `world` fixture, with the sample ticket made with a checklist:
    "pk": {..., **maintenance_world(dee=dee, team=team, ticket=ticket)}
"""

from datetime import timedelta

from django.utils import timezone


def maintenance_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    staff_page = who(LOGIN, 403, 403, 200, 200)
    agent_form = who(LOGIN, 403, 403, 200, 403)
    agent_post = who(LOGIN, 403, 403, OK, 403)
    post_only = who(LOGIN, 405, 405, 405, 405)
    api_read = who(401, 403, 403, 200, 200)
    api_write = who(401, 403, 403, 400, 403)
    api_not_here = who(401, 403, 403, 405, 405)  # method not offered; roles checked first
    api_detail_post = who(401, 403, 403, 405, 403)
    rules = {
        "maintenance:home": Rule(get=who(302, 302, 302, 302, 302)),
        "maintenance:public_windows": Rule(get=who(LOGIN, 200, 200, 200, 200)),
        "maintenance:banner_dismiss": Rule(get=who(LOGIN, 405, 405, 405, 405),
                                           post=who(LOGIN, 302, 302, 302, 302)),
        "maintenance:plan_preview": Rule(get=staff_page, post=staff_page),
        "maintenance:plan_step_row": Rule(get=staff_page),
        "api-maintenance-plan-list": Rule(get=api_read, post=api_write, api=True),
        "api-maintenance-plan-detail": Rule(get=api_read, post=api_detail_post, api=True),
        "api-maintenance-plan-upcoming": Rule(get=api_read, api=True),
        "api-maintenance-plan-preview": Rule(get=api_not_here, post=api_write, api=True),
        "api-maintenance-occurrence-list": Rule(get=api_read, api=True),
        "api-maintenance-occurrence-detail": Rule(get=api_read, api=True),
        "api-maintenance-window-list": Rule(get=api_read, post=api_write, api=True),
        "api-maintenance-window-detail": Rule(get=api_read, post=api_detail_post, api=True),
        "api-advisory-list": Rule(get=api_read, post=api_write, api=True),
        "api-advisory-detail": Rule(get=api_read, post=api_detail_post, api=True),
        "api-asset-patch-list": Rule(get=api_read, api=True),
        "api-asset-patch-detail": Rule(get=api_read, api=True),
        "api-patch-compliance-list": Rule(get=api_read, api=True),
        "api-asset-inventory-list": Rule(get=who(401, 403, 403, 405, 403),
                                         post=who(401, 403, 403, 400, 403), api=True),
    }
    for name in ("plans", "plan", "calendar", "windows", "compliance", "overdue", "assets",
                 "asset", "work_panel"):
        rules[f"maintenance:{name}"] = Rule(get=staff_page)
    for name in ("plan_new", "plan_edit", "window_new", "window_edit"):
        rules[f"maintenance:{name}"] = Rule(get=agent_form, post=agent_post)
    for name in ("plan_active", "occurrence_skip", "occurrence_move", "window_delete",
                 "patch_state", "work_step", "work_incident", "work_resolve"):
        rules[f"maintenance:{name}"] = Rule(get=post_only, post=agent_post)
    for name in ("skip", "move"):
        rules[f"api-maintenance-plan-{name}"] = Rule(get=api_not_here, post=api_write, api=True)
        rules[f"api-maintenance-occurrence-{name}"] = Rule(get=api_not_here, post=api_write,
                                                           api=True)
    return rules


def maintenance_world(*, dee, team, ticket) -> dict[str, int]:
    """pk of the object each maintenance URL with a <pk> is tried on."""
    from maintenance import services
    from maintenance.models import Advisory, AssetPatch, MaintenancePlan, MaintenanceWindow
    from maintenance.services import generation
    from tests.factories import AssetFactory

    asset = AssetFactory(name="role-matrix-host")
    now = timezone.now()
    plan = services.plan_save(
        plan=MaintenancePlan(title="Role matrix plan", rrule="FREQ=DAILY",
                             starts_on=now.date(), at_time=now.time(), time_zone="UTC",
                             lead_time=timedelta(days=2), team=team),
        actor=dee, steps=[{"text": "Look"}], assets=[asset], services=[])
    generation.occurrences_generate(now=now)
    occurrence = plan.occurrences.first()
    window = MaintenanceWindow.objects.create(reason="Role matrix", starts_at=now,
                                              ends_at=now + timedelta(hours=1))
    advisory = Advisory.objects.create(identifier="DSA-1-1", title="x", severity="low",
                                       released_on=now.date())
    patch = AssetPatch.objects.create(asset=asset, advisory=advisory, deadline=now.date(),
                                      due_on=now.date())
    item = ticket.checklist.first()
    pks = {"plan": plan.pk, "window": window.pk, "asset": asset.pk, "patch": patch.pk,
           "advisory": advisory.pk, "occurrence": occurrence.pk, "item": item.pk if item else 0}
    by_name = {
        "maintenance:plan": "plan", "maintenance:plan_edit": "plan",
        "maintenance:plan_active": "plan", "maintenance:occurrence_skip": "plan",
        "maintenance:occurrence_move": "plan", "maintenance:window_edit": "window",
        "maintenance:window_delete": "window", "maintenance:asset": "asset",
        "maintenance:patch_state": "patch", "maintenance:work_step": "item",
        "maintenance:work_incident": "item", "api-maintenance-plan-detail": "plan",
        "api-maintenance-plan-upcoming": "plan", "api-maintenance-plan-skip": "plan",
        "api-maintenance-plan-move": "plan", "api-maintenance-occurrence-detail": "occurrence",
        "api-maintenance-occurrence-skip": "occurrence",
        "api-maintenance-occurrence-move": "occurrence",
        "api-maintenance-window-detail": "window", "api-advisory-detail": "advisory",
        "api-asset-patch-detail": "patch", "api-asset-inventory-list": "asset",
    }
    return {name: pks[kind] for name, kind in by_name.items()}
