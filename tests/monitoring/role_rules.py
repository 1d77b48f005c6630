"""The monitoring rows of tests/test_role_matrix.py, and the objects its URLs need.

tests/test_role_matrix.py adds them with:

    from tests.monitoring.role_rules import monitoring_rules, monitoring_world
    RULES.update(monitoring_rules(Rule, who, LOGIN, OK))
    # in the `world` fixture:
    "pk": {..., **monitoring_world()}
    # and in _url's fill(), so /ping/<uuid:uuid> gets a real heartbeat's UUID:
    if key in ("pk", "uuid"): return str(world["pk"][name])
"""


def monitoring_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    staff_page = who(LOGIN, 403, 403, 200, 200)
    agent_form = who(LOGIN, 403, 403, 200, 403)
    agent_post = who(LOGIN, 403, 403, OK, 403)
    post_only = who(LOGIN, 405, 405, 405, 405)
    anyone = who(200, 200, 200, 200, 200)  # heartbeats: the UUID is the secret
    api_read = who(401, 403, 403, 200, 200)
    api_write = who(401, 403, 403, 400, 403)  # dee: allowed, the empty body is refused
    api_get_on_post = who(401, 403, 403, 405, 405)
    rules = {
        "monitoring:board": Rule(get=staff_page),
        "monitoring:check": Rule(get=staff_page),
        "monitoring:new": Rule(get=agent_form, post=agent_post),
        "monitoring:edit": Rule(get=agent_form, post=agent_post),
        "monitoring:status": Rule(get=who(LOGIN, 200, 200, 200, 200)),
        "monitoring:ping": Rule(get=anyone, post=anyone),
        "monitoring:ping_start": Rule(get=anyone, post=anyone),
        "monitoring:ping_fail": Rule(get=anyone, post=anyone),
        "api-check-list": Rule(get=api_read, post=api_write, api=True),
        "api-check-detail": Rule(get=api_read, post=who(401, 403, 403, 405, 403), api=True),
        "api-check-pause": Rule(get=api_get_on_post, post=who(401, 403, 403, 200, 403),
                                api=True),
        "api-check-resume": Rule(get=api_get_on_post, post=who(401, 403, 403, 200, 403),
                                 api=True),
        "api-check-results": Rule(get=api_read, api=True),
        "api-check-state-changes": Rule(get=api_read, api=True),
        "api-check-availability": Rule(get=api_read, api=True),
        # Without ?check= or ?service= the question is incomplete: 400 for staff.
        "api-availability-list": Rule(get=who(401, 403, 403, 400, 400), api=True),
    }
    for name in ("pause", "resume", "delete", "test"):
        rules[f"monitoring:{name}"] = Rule(get=post_only, post=agent_post)
    return rules


def monitoring_world() -> dict:
    """pk (or UUID, for pings) of the object each monitoring URL is tried on."""
    from monitoring import services

    check = services.check_create(actor=None, kind="dns", name="Role matrix DNS",
                                  target="localhost")
    beat = services.check_create(actor=None, kind="heartbeat", name="Role matrix job")
    world = {f"monitoring:{name}": check.pk
             for name in ("check", "edit", "pause", "resume", "delete", "test")}
    world.update({f"api-check-{name}": check.pk
                  for name in ("detail", "pause", "resume", "results", "state-changes",
                               "availability")})
    world.update({f"monitoring:{name}": beat.uuid
                  for name in ("ping", "ping_start", "ping_fail")})
    return world
