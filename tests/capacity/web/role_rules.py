"""The capacity rows of tests/test_role_matrix.py, and the objects its URLs need.

tests/test_role_matrix.py adds them with:

    from tests.capacity.web.role_rules import capacity_rules, capacity_world
    RULES.update(capacity_rules(Rule, who, LOGIN, OK))
    # in the `world` fixture:
    "pk": {..., **capacity_world(dee=dee)}
"""


def capacity_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    staff_page = who(LOGIN, 403, 403, 200, 200)
    agent_post = who(LOGIN, 403, 403, OK, 403)
    post_only = who(LOGIN, 405, 405, 405, 405)
    rules = {f"capacity:{name}": Rule(get=staff_page)
             for name in ("board", "asset", "agents", "agent_asset")}
    for name in ("token_create", "token_revoke", "target_add", "target_delete"):
        rules[f"capacity:{name}"] = Rule(get=post_only, post=agent_post)
    # API: support staff and managers read; a push needs capacity.push_metrics (or the
    # asset's own token); the matrix's form-encoded body is refused as 415 (text or JSON).
    api_staff_read = who(401, 403, 403, 200, 200)
    rules.update({
        "api-asset-metrics-list": Rule(get=who(401, 403, 403, 405, 403),
                                       post=who(401, 403, 403, 415, 403), api=True),
        "api-asset-series-list": Rule(get=api_staff_read, api=True),
        "api-asset-series-points": Rule(get=api_staff_read, api=True),
        "api-capacity-list": Rule(get=api_staff_read, api=True),
    })
    return rules


def capacity_world(*, dee) -> dict[str, int]:
    """pk of the object each capacity URL with a <pk> is tried on."""
    from datetime import timedelta

    from django.utils import timezone

    from capacity.services.targets import target_save
    from itsm.services import asset_tokens
    from tests.capacity.web.data import GB, event, hourly, make_asset, make_series

    now = timezone.now()
    asset = make_asset("role-matrix-capacity")
    make_series(asset, kind="memory", name="", unit="percent", state="learning")
    # A series with a forecast, so the chart, its cone and its table are drawn and audited.
    disk = make_series(asset, state="warning", threshold_value=450 * GB, last_value=400 * GB,
                       slope=2 * GB, slope_low=GB, slope_high=3 * GB,
                       window_start=now - timedelta(days=3), window_end=now, last_at=now,
                       eta_earliest=now + timedelta(days=17), eta_likely=now + timedelta(days=25),
                       eta_latest=now + timedelta(days=50))
    hourly(disk, start=now - timedelta(days=3), hours=72)
    event(disk, kind="cleanup", at=now - timedelta(days=2))
    token, _plaintext = asset_tokens.asset_token_create(asset=asset, actor=dee, name="matrix")
    # Private targets are allowed by default (TEND_MONITORING_ALLOW_PRIVATE).
    target = target_save(asset=asset, actor=dee, url="http://127.0.0.1:9100/metrics")
    by_kind = {"asset": asset.pk, "token": token.pk, "target": target.pk}
    series = asset.series.order_by("pk").first()
    return {"api-asset-metrics-list": asset.pk, "api-asset-series-list": asset.pk,
            "api-asset-series-points": asset.pk, "api-asset-series-points:series_id": series.pk,
            "capacity:asset": by_kind["asset"], "capacity:agent_asset": by_kind["asset"],
            "capacity:token_create": by_kind["asset"], "capacity:target_add": by_kind["asset"],
            "capacity:token_revoke": by_kind["token"],
            "capacity:target_delete": by_kind["target"]}
