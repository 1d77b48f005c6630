"""Writes with rules for security advisories (DSA, USN, KB…) entered one at a time.

The API and the admin call these; CSV imports and agents' inventories create advisories
in bulk (csv_import.py, inventory.py). Changing an advisory's severity or release date
recomputes the deadline of its patch on every asset.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from itsm.models import User
from maintenance.models.patch import Advisory, Severity
from maintenance.services.access import require_agent
from maintenance.services.patching import patch_deadlines_refresh

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{1,63}$")
CVE_RE = re.compile(r"^CVE-\d{4}-\d{4,7}$")
FIELDS = ("identifier", "title", "severity", "cvss", "cve_ids", "released_on", "package",
          "fixed_version", "url")
DUPLICATE = "An advisory with this identifier already exists."


def advisory_errors(advisory: Advisory) -> dict:
    """Field → messages for an advisory as set on `advisory`; empty when it is good."""
    errors: dict[str, list[str]] = {}
    advisory.identifier = (advisory.identifier or "").strip()
    if not IDENTIFIER_RE.match(advisory.identifier):
        errors["identifier"] = ["Letters, digits and . _ : - only, e.g. DSA-5555-1."]
    elif Advisory.objects.filter(identifier=advisory.identifier).exclude(
            pk=advisory.pk).exists():
        errors["identifier"] = [DUPLICATE]
    advisory.title = (advisory.title or "").strip()
    if not advisory.title:
        errors["title"] = ["A title is required."]
    elif len(advisory.title) > 300:
        errors["title"] = ["A title is at most 300 characters."]
    if advisory.severity not in Severity.values:
        errors["severity"] = ["One of critical, high, medium, low."]
    if not isinstance(advisory.released_on, date):
        errors["released_on"] = ["Give the release date."]
    if advisory.cvss is not None and not (0 <= Decimal(advisory.cvss) <= 10):
        errors["cvss"] = ["A score from 0.0 to 10.0."]
    advisory.cve_ids = [c.upper() for c in advisory.cve_ids or []]
    bad = [c for c in advisory.cve_ids if not CVE_RE.match(c)]
    if bad:
        errors["cve_ids"] = [f"Not CVE ids: {', '.join(bad[:5])}."]
    if advisory.url:
        try:
            URLValidator(schemes=["http", "https"])(advisory.url)
        except ValidationError:
            errors["url"] = ["Not an http(s) address."]
    return errors


def _save(advisory: Advisory) -> Advisory:
    errors = advisory_errors(advisory)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            advisory.save()
    except IntegrityError as exc:  # another request saved the same identifier meanwhile
        raise ValidationError({"identifier": [DUPLICATE]}) from exc
    return advisory


def advisory_create(*, actor: User | None, identifier: str, title: str, severity: str,
                    released_on: date, cvss: Decimal | None = None,
                    cve_ids: list[str] | None = None, package: str = "",
                    fixed_version: str = "", url: str = "",
                    now: datetime | None = None) -> Advisory:
    """Record a new advisory. An identifier already on record is refused."""
    require_agent(actor)
    advisory = Advisory(identifier=identifier, title=title, severity=severity,
                        released_on=released_on, cvss=cvss, cve_ids=list(cve_ids or []),
                        package=package or "", fixed_version=fixed_version or "",
                        url=url or "", created_at=now or timezone.now())
    with transaction.atomic():
        return _save(advisory)


def advisory_update(*, advisory: Advisory, actor: User | None, changes: dict) -> Advisory:
    """Change fields of an advisory (`changes`: field → value, from FIELDS).

    A new severity or release date recomputes its patches' deadlines in the same transaction.
    """
    require_agent(actor)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not advisory fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        advisory = Advisory.objects.select_for_update().get(pk=advisory.pk)
        before = (advisory.severity, advisory.released_on)
        for name, value in changes.items():
            setattr(advisory, name, value)
        _save(advisory)
        if (advisory.severity, advisory.released_on) != before:
            patch_deadlines_refresh(advisory_ids=[advisory.pk])
    return advisory


@transaction.atomic
def advisory_delete(*, advisory: Advisory, actor: User | None) -> None:
    """Delete an advisory and its patches on every asset (their history goes with them)."""
    require_agent(actor)
    advisory.delete()
