"""Scrape targets of an asset: add, change and remove the endpoints Tend scrapes.

Validation happens here, so the desk form, the admin and any API get the same answers:
an http(s) URL, an interval of at least 15 s, a timeout up to 30 s, and a host that
monitoring's netguard lets Tend reach (no metadata, link-local or, unless allowed,
private addresses). Raises ValidationError with field messages.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from capacity.models import ScrapeTarget
from itsm.models import Asset, User
from monitoring import netguard, probes

MIN_INTERVAL, MAX_TIMEOUT = 15, 30


def _errors(*, asset: Asset, url: str, interval: int, timeout: int,
            target: ScrapeTarget | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not url:
        errors["url"] = ["Enter the endpoint's URL, e.g. http://host:9100/metrics."]
    elif len(url) > 500:
        errors["url"] = ["Keep the URL under 500 characters."]
    else:
        try:
            host, port = probes.url_host(url)
        except ValueError:
            errors["url"] = ["Enter an http:// or https:// URL, e.g. http://host:9100/metrics."]
        else:
            try:
                netguard.check_host(host, port)
            except netguard.BlockedAddress as exc:
                errors["url"] = [f"Refused: {exc}."]
    if "url" not in errors:
        clash = ScrapeTarget.objects.filter(asset=asset, url=url)
        if target is not None:
            clash = clash.exclude(pk=target.pk)
        if clash.exists():
            errors["url"] = ["This asset already has a target with this URL."]
    if interval is None or interval < MIN_INTERVAL:
        errors["interval"] = [f"Scrape at most every {MIN_INTERVAL} seconds."]
    if timeout is None or not 1 <= timeout <= MAX_TIMEOUT:
        errors["timeout"] = [f"Choose a timeout from 1 to {MAX_TIMEOUT} seconds."]
    return errors


def _may_write(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_agent:
        raise PermissionDenied("Only support engineers change scrape targets.")


@transaction.atomic
def target_save(*, asset: Asset, actor: User, url: str, interval: int = 60, timeout: int = 10,
                enabled: bool = True, target: ScrapeTarget | None = None,
                now: datetime | None = None) -> ScrapeTarget:
    """Create a target (target=None) or change one of `asset`'s; due at once either way."""
    now = now or timezone.now()
    _may_write(actor)
    if target is not None and target.asset_id != asset.pk:
        raise ValidationError({"target": ["No such target on this asset."]})
    url = (url or "").strip()
    errors = _errors(asset=asset, url=url, interval=interval, timeout=timeout, target=target)
    if errors:
        raise ValidationError(errors)
    if target is None:
        target = ScrapeTarget(asset=asset, created_by=actor)
    target.url, target.interval, target.timeout = url, interval, timeout
    target.enabled, target.next_run_at = enabled, now
    target.save()
    return target


@transaction.atomic
def target_delete(*, target: ScrapeTarget, actor: User) -> None:
    _may_write(actor)
    target.delete()
