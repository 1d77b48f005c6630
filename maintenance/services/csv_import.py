"""CSV imports for the admin: advisories, installed software, and patch states.

Every row is checked first. If any row is bad, the report lists each problem (row
number as a spreadsheet shows it, column, message) and nothing is applied; otherwise
everything is applied in one transaction.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, User
from maintenance.models.patch import (
    Advisory,
    AssetPatch,
    AssetPatchEvent,
    PatchState,
    Severity,
    Software,
)
from maintenance.services.advisories import CVE_RE, IDENTIFIER_RE
from maintenance.services.patching import (
    patch_apply_state,
    patch_deadlines_refresh,
    patch_policy_current,
    patch_state_errors,
)

MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Kind:
    label: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


KINDS = {
    "advisories": Kind("Advisories", ("identifier", "title", "severity", "released_on"),
                       ("cvss", "cve_ids", "package", "fixed_version", "url")),
    "software": Kind("Installed software", ("asset", "name"), ("version",)),
    "patches": Kind("Patch states per asset", ("asset", "advisory"),
                    ("state", "reason", "deferred_until")),
}


class _Rows:
    """Collects errors while parsing; `need`/`date`… return None after recording one."""

    def __init__(self, report: ImportReport, now: datetime):
        self.report = report
        self.now = now
        self.row = 0

    def error(self, column: str, message: str) -> None:
        self.report.errors.append(RowError(self.row, column, message))

    def text(self, values: dict, column: str, max_length: int, required: bool = False):
        value = (values.get(column) or "").strip()
        if required and not value:
            self.error(column, "This column is required.")
            return None
        if len(value) > max_length:
            self.error(column, f"At most {max_length} characters.")
            return None
        return value

    def date(self, values: dict, column: str, required: bool = False) -> date | None:
        value = (values.get(column) or "").strip()
        if not value:
            if required:
                self.error(column, "This column is required.")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(column, f"“{value}” is not a date like 2025-01-31.")
            return None


def csv_import_apply(*, kind: str, data: bytes, actor: User | None,
                     now: datetime | None = None) -> ImportReport:
    """Parse every row, then apply all of them in one transaction, or none if a row is bad."""
    now = now or timezone.now()
    report = ImportReport(kind=kind)
    spec = KINDS.get(kind)
    if spec is None:
        report.errors.append(RowError(0, "kind", f"Unknown import “{kind}”."))
        return report
    if len(data) > MAX_BYTES:
        report.errors.append(RowError(0, "file", "The file is larger than 20 MB."))
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append(RowError(0, "file", "The file is not UTF-8 text."))
        return report
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    for column in spec.required:
        if column not in header:
            report.errors.append(RowError(1, column, "Missing column."))
    for column in header:
        if column not in spec.columns:
            report.errors.append(RowError(1, column or "(empty)",
                                          f"Unknown column; expected {', '.join(spec.columns)}."))
    if report.errors:
        return report
    rows = []
    try:
        for values in reader:
            rows.append((reader.line_num, values))
            if len(rows) > MAX_ROWS:
                report.errors.append(RowError(reader.line_num, "file",
                                              f"More than {MAX_ROWS:,} rows; split the file."))
                return report
    except csv.Error as exc:
        report.errors.append(RowError(reader.line_num, "file", f"Not valid CSV: {exc}."))
        return report
    report.rows = len(rows)
    parse, apply = {"advisories": (_parse_advisories, _apply_advisories),
                    "software": (_parse_software, _apply_software),
                    "patches": (_parse_patches, _apply_patches)}[kind]
    parsed = parse(rows, _Rows(report, now))
    if report.errors:
        return report
    with transaction.atomic():
        apply(parsed, report, actor, now)
    return report


def _parse_advisories(rows, check: _Rows) -> list[dict]:
    parsed, seen = [], set()
    url_ok = URLValidator(schemes=["http", "https"])
    for line, values in rows:
        check.row = line
        before = len(check.report.errors)
        identifier = check.text(values, "identifier", 64, required=True)
        if identifier and not IDENTIFIER_RE.match(identifier):
            check.error("identifier", "Letters, digits and . _ : - only, e.g. DSA-5555-1.")
        elif identifier in seen:
            check.error("identifier", f"{identifier} appears twice in the file.")
        seen.add(identifier)
        title = check.text(values, "title", 300, required=True)
        severity = (values.get("severity") or "").strip().lower()
        if severity not in Severity.values:
            check.error("severity", "One of critical, high, medium, low.")
        released_on = check.date(values, "released_on", required=True)
        cvss = None
        raw = (values.get("cvss") or "").strip()
        if raw:
            try:
                cvss = Decimal(raw)
                if not (0 <= cvss <= 10) or cvss.as_tuple().exponent < -1:
                    raise InvalidOperation
            except InvalidOperation:
                check.error("cvss", "A score from 0.0 to 10.0.")
        cves = [c for c in re.split(r"[\s,;]+", (values.get("cve_ids") or "").strip()) if c]
        bad = [c for c in cves if not CVE_RE.match(c.upper())]
        if bad:
            check.error("cve_ids", f"Not CVE ids: {', '.join(bad[:5])}.")
        url = check.text(values, "url", 200)
        if url:
            try:
                url_ok(url)
            except ValidationError:
                check.error("url", "Not an http(s) address.")
        package = check.text(values, "package", 200)
        fixed = check.text(values, "fixed_version", 100)
        if len(check.report.errors) == before:
            parsed.append({"identifier": identifier, "title": title, "severity": severity,
                           "released_on": released_on, "cvss": cvss,
                           "cve_ids": [c.upper() for c in cves], "package": package,
                           "fixed_version": fixed, "url": url})
    return parsed


def _apply_advisories(parsed: list[dict], report: ImportReport, actor, now) -> None:
    existing = {a.identifier: a for a in Advisory.objects.filter(
        identifier__in=[p["identifier"] for p in parsed])}
    new, changed, redate = [], [], []
    fields = ["title", "severity", "released_on", "cvss", "cve_ids", "package",
              "fixed_version", "url"]
    for item in parsed:
        advisory = existing.get(item["identifier"])
        if advisory is None:
            new.append(Advisory(**item, created_at=now))
            continue
        if (advisory.severity, advisory.released_on) != (item["severity"], item["released_on"]):
            redate.append(advisory.pk)
        if any(getattr(advisory, f) != item[f] for f in fields):
            for f in fields:
                setattr(advisory, f, item[f])
            changed.append(advisory)
    Advisory.objects.bulk_create(new, batch_size=1000)
    Advisory.objects.bulk_update(changed, fields, batch_size=1000)
    if redate:
        patch_deadlines_refresh(advisory_ids=redate)
    report.created, report.updated = len(new), len(changed)


def _assets_by_name(rows, check: _Rows) -> dict[str, Asset]:
    names = {(values.get("asset") or "").strip() for _, values in rows}
    return {a.name: a for a in Asset.objects.filter(name__in=names - {""}).only("pk", "name")}


def _parse_software(rows, check: _Rows) -> list[tuple]:
    assets = _assets_by_name(rows, check)
    parsed, seen = [], set()
    for line, values in rows:
        check.row = line
        before = len(check.report.errors)
        asset_name = check.text(values, "asset", 120, required=True)
        if asset_name and asset_name not in assets:
            check.error("asset", f"No asset named “{asset_name}”.")
        name = check.text(values, "name", 200, required=True)
        version = check.text(values, "version", 100)
        if (asset_name, name) in seen:
            check.error("name", f"{name} on {asset_name} appears twice in the file.")
        seen.add((asset_name, name))
        if len(check.report.errors) == before:
            parsed.append((assets[asset_name], name, version))
    return parsed


def _apply_software(parsed: list[tuple], report: ImportReport, actor, now) -> None:
    asset_ids = {asset.pk for asset, _, _ in parsed}
    existing = {(s.asset_id, s.name): s for s in Software.objects.filter(asset_id__in=asset_ids)}
    new, changed = [], []
    for asset, name, version in parsed:
        item = existing.get((asset.pk, name))
        if item is None:
            new.append(Software(asset=asset, name=name, version=version, updated_at=now))
        elif item.version != version:
            item.version, item.updated_at = version, now
            changed.append(item)
    Software.objects.bulk_create(new, batch_size=1000)
    Software.objects.bulk_update(changed, ["version", "updated_at"], batch_size=1000)
    report.created, report.updated = len(new), len(changed)


def _parse_patches(rows, check: _Rows) -> list[tuple]:
    assets = _assets_by_name(rows, check)
    identifiers = {(values.get("advisory") or "").strip() for _, values in rows}
    advisories = {a.identifier: a for a in Advisory.objects.filter(identifier__in=identifiers)}
    today = timezone.localdate(check.now)
    parsed, seen = [], set()
    for line, values in rows:
        check.row = line
        before = len(check.report.errors)
        asset_name = check.text(values, "asset", 120, required=True)
        if asset_name and asset_name not in assets:
            check.error("asset", f"No asset named “{asset_name}”.")
        identifier = check.text(values, "advisory", 64, required=True)
        if identifier and identifier not in advisories:
            check.error("advisory", f"No advisory “{identifier}”; import advisories first.")
        if (asset_name, identifier) in seen:
            check.error("advisory", f"{identifier} on {asset_name} appears twice in the file.")
        seen.add((asset_name, identifier))
        state = (values.get("state") or "").strip().lower() or PatchState.MISSING
        reason = check.text(values, "reason", 2000) or ""
        until = check.date(values, "deferred_until")
        errors = patch_state_errors(state=state, reason=reason, deferred_until=until,
                                    today=today)
        for column, messages in errors.items():
            for message in messages:
                check.error(column, message)
        if len(check.report.errors) == before:
            parsed.append((assets[asset_name], advisories[identifier], state, reason, until))
    return parsed


def _apply_patches(parsed: list[tuple], report: ImportReport, actor, now) -> None:
    policy = patch_policy_current()
    asset_ids = {asset.pk for asset, *_ in parsed}
    existing = {(p.asset_id, p.advisory_id): p
                for p in AssetPatch.objects.filter(asset_id__in=asset_ids)}
    new, changed, events = [], [], []
    for asset, advisory, state, reason, until in parsed:
        patch = existing.get((asset.pk, advisory.pk))
        if patch is None:
            deadline = policy.deadline(advisory.severity, advisory.released_on)
            patch = AssetPatch(asset=asset, advisory=advisory, deadline=deadline,
                               detected_at=now, state=PatchState.MISSING)
            patch_apply_state(patch=patch, state=state, now=now, reason=reason,
                              deferred_until=until)
            new.append(patch)
            events.append((patch, "", reason))
        elif (patch.state, patch.reason, patch.deferred_until) != (state, reason, until):
            old = patch_apply_state(patch=patch, state=state, now=now, reason=reason,
                                    deferred_until=until)
            changed.append(patch)
            events.append((patch, old, reason))
    AssetPatch.objects.bulk_create(new, batch_size=1000)
    AssetPatch.objects.bulk_update(changed, ["state", "reason", "deferred_until", "installed_at",
                                             "due_on", "updated_at", "follow_up"],
                                   batch_size=1000)
    AssetPatchEvent.objects.bulk_create(
        [AssetPatchEvent(patch=p, asset_id=p.asset_id, at=now, actor=actor, source="import",
                         old_state=old, new_state=p.state, note=note) for p, old, note in events],
        batch_size=1000)
    report.created, report.updated = len(new), len(changed)
