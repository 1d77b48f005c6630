"""The rules a check's configuration must meet; used by the web form, the API and admin.

Raises ValidationError with a field -> messages dict, like every service in Tend.
"""

import ipaddress

from django.core.exceptions import ValidationError

from monitoring import conf, netguard, probes
from monitoring.models import Check, Kind


def _target_errors(check: Check) -> list[str]:
    target = (check.target or "").strip()
    if check.kind == Kind.HEARTBEAT:
        return []
    if not target:
        return ["Enter what to check."]
    try:
        if check.kind == Kind.HTTP:
            host, port = probes.url_host(target)
        elif check.kind == Kind.TCP:
            host, port = probes.split_host_port(target)
        elif check.kind == Kind.TLS:
            host, port = probes.split_host_port(target, 443)
        else:  # DNS: the name is what is tested; nothing connects to it
            if "/" in target or ":" in target or " " in target:
                return ["Enter a host name, e.g. www.example.com."]
            return []
    except ValueError as exc:
        example = {Kind.HTTP: "https://www.example.com/health",
                   Kind.TCP: "db.example.com:5432",
                   Kind.TLS: "www.example.com:443"}[check.kind]
        return [f"Enter a target like {example} ({exc})."]
    try:
        netguard.check_host(host, port)
    except netguard.BlockedAddress as exc:
        return [f"Refused: {exc}."]
    return []


def validate_check(check: Check) -> None:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if not (check.name or "").strip():
        add("name", "Give the check a name.")
    for message in _target_errors(check):
        add("target", message)
    if check.kind != Kind.HEARTBEAT:
        if check.interval is None or check.interval < conf.MIN_INTERVAL:
            add("interval", f"Run at most every {conf.MIN_INTERVAL} seconds.")
        if check.timeout is None or not 1 <= check.timeout <= conf.MAX_TIMEOUT:
            add("timeout", f"Between 1 and {conf.MAX_TIMEOUT} seconds.")
        elif check.interval and check.timeout >= check.interval:
            add("timeout", "The timeout must be shorter than the interval.")
    else:
        if not check.period or check.period < 60:
            add("period", "A heartbeat period is at least 60 seconds.")
        if check.grace is None or check.grace < 10:
            add("grace", "Allow at least 10 seconds of grace.")
    if not check.failure_threshold or check.failure_threshold > 100:
        add("failure_threshold", "Between 1 and 100.")
    if not check.recovery_threshold or check.recovery_threshold > 100:
        add("recovery_threshold", "Between 1 and 100.")
    if check.kind == Kind.HTTP:
        try:
            probes.parse_statuses(check.expected_status)
        except ValueError:
            add("expected_status", "Use codes and ranges from 100 to 599, e.g. 200-299,301.")
        if check.keyword_mode and not check.keyword:
            add("keyword", "Enter the keyword to look for.")
        if check.keyword and not check.keyword_mode:
            add("keyword_mode", "Say whether the keyword must be present or absent.")
        if check.http_method == "HEAD" and check.keyword_mode:
            add("keyword_mode", "A HEAD request has no body to search; use GET.")
    if check.kind == Kind.DNS and check.dns_expected:
        try:
            ipaddress.ip_address(check.dns_expected.strip())
        except ValueError:
            add("dns_expected", "Enter an IPv4 or IPv6 address.")
    if check.kind == Kind.TLS and not 1 <= (check.tls_warn_days or 0) <= 365:
        add("tls_warn_days", "Between 1 and 365 days.")
    if check.asset_id and check.service_id and check.asset.service_id not in (
            None, check.service_id):
        add("asset", f"{check.asset} belongs to {check.asset.service}, not {check.service}.")
    if errors:
        raise ValidationError(errors)
