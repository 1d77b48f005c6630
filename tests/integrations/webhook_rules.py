"""The webhook rows of tests/test_role_matrix.py, and the objects its URLs need.

Webhooks are for admins only (none of the matrix's personas): every page, change and
API operation answers them 403 (anon: sign in, or 401 from the API).
"""


def webhook_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    nobody = who(LOGIN, 403, 403, 403, 403)
    post_only = who(LOGIN, 405, 405, 405, 405)
    rules = {f"integrations:{name}": Rule(get=nobody, post=nobody)
             for name in ("webhook_new", "webhook_edit")}
    rules.update({f"integrations:{name}": Rule(get=nobody, post=post_only)
                  for name in ("webhooks", "webhook", "delivery")})
    rules.update({f"integrations:{name}": Rule(get=post_only, post=nobody) for name in (
        "webhook_delete", "webhook_rotate", "webhook_test", "webhook_enable",
        "delivery_redeliver")})
    api_nobody = who(401, 403, 403, 403, 403)
    for name in ("list", "detail", "rotate-secret", "deliveries", "redeliver", "test"):
        rules[f"api-webhook-{name}"] = Rule(get=api_nobody, post=api_nobody, api=True)
    return rules


def webhook_world(*, admin=None) -> dict[str, int]:
    """pk of an endpoint and of one of its deliveries."""
    from integrations.models import Endpoint
    from integrations.services.endpoints import endpoint_save
    from integrations.services.outbox import delivery_create

    endpoint = endpoint_save(endpoint=Endpoint(), actor=admin, name="Role matrix",
                             url="http://127.0.0.1:9/hook", events=["ticket.created"])
    delivery = delivery_create(endpoint=endpoint, name="ticket.created", data={"n": 1})
    # One failed attempt, so the log and the detail page show an answer.
    from integrations.http import Sent
    from integrations.services.delivery import deliveries_claim, delivery_record

    for claim in deliveries_claim(ids=[delivery.pk]):
        delivery_record(claim=claim, sent=Sent(status_code=500, latency_ms=42,
                                               excerpt="Internal Server Error"))
    return {**{f"integrations:{name}": endpoint.pk for name in (
        "webhook", "webhook_edit", "webhook_delete", "webhook_rotate", "webhook_test",
        "webhook_enable")},
        **{f"integrations:{name}": delivery.pk for name in ("delivery", "delivery_redeliver")},
        **{f"api-webhook-{name}": endpoint.pk for name in (
            "detail", "rotate-secret", "deliveries", "redeliver", "test")}}
