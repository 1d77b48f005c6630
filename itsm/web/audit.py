"""/desk/audit/: the audit log for admins: filter it, page through it, export it as CSV.

The filters are one form for the page, the CSV and the API (itsm/api/audit.py), so an
export holds exactly the rows the page shows. The CSV is streamed (years of sign-ins are
never held in memory) and safe to open in a spreadsheet: a cell a spreadsheet would run
as a formula (a failed sign-in's "username" is whatever someone typed) is quoted.
"""

import csv
import json
from datetime import UTC, date

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from itsm import selectors
from itsm.services.audit import ACTIONS
from itsm.services.sign_in_audit import REASONS
from itsm.web.access import desk_page
from itsm.web.paging import CappedPaginator

PAGE_SIZE = 50
EARLIEST, LATEST = date(2000, 1, 1), date(9000, 12, 31)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("When (UTC)", "Who", "Action", "Action code", "Target", "IP address",
               "Browser", "Summary", "Detail (JSON)")


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, label="Action",
                               choices=[("", "Any"), *ACTIONS.items()])
    person = forms.CharField(required=False, max_length=150, label="Person",
                             help_text="Username, name or e-mail, or what was typed.")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(
        attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(
        attrs={"type": "date"}))
    ip = forms.GenericIPAddressField(required=False, label="IP address", unpack_ipv4=True)

    def clean(self):
        cleaned = super().clean()
        for name in ("since", "until"):
            day = cleaned.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"A day between {EARLIEST:%Y} and {LATEST:%Y}.")
                cleaned[name] = None
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The last day cannot be before the first.")
        return cleaned

    def filters(self) -> dict:
        """What the selector takes; only call after is_valid()."""
        data = self.cleaned_data
        return {"action": data.get("action") or "", "person": data.get("person") or "",
                "since": data.get("since"), "until": data.get("until"),
                "ip": data.get("ip") or ""}


def summary(entry) -> str:
    """The detail in a few words: "reason: wrong password · via: web"."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    parts = []
    # PostgreSQL's jsonb keeps keys in its own order: the reason first, then by name.
    for key, value in sorted(detail.items(), key=lambda item: (item[0] != "reason", item[0])):
        if key == "reason" and value in REASONS:
            value = REASONS[value]
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value[:5]) + ("…" if len(value) > 5 else "")
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif value is None or value == "":
            continue
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return " · ".join(parts)


def require_audit_admin(user) -> None:
    if not user.has_perm(selectors.AUDIT_PERM):
        raise PermissionDenied("The audit log is for administrators.")


def _filtered(request) -> tuple[AuditFilterForm, object]:
    form = AuditFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    return form, selectors.audit_entries(**(form.filters() if request.GET else {}))


@desk_page
def audit_log(request):
    require_audit_admin(request.user)
    return _page(request, *_filtered(request))


def _page(request, form, rows):
    """The page; with filters it cannot use (rows None), their messages and a 400."""
    page = None if rows is None else CappedPaginator(rows, PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "itsm/audit.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "retention_days": settings.TEND_AUDIT_RETENTION_DAYS,
        "entries": [(entry, ACTIONS.get(entry.action, entry.action), summary(entry))
                    for entry in (page.object_list if page else [])],
    }, status=400 if page is None else 200)


class _Echo:
    """csv.writer writes into this; each row comes back as the string to stream."""

    def write(self, value: str) -> str:
        return value


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_rows(rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in rows.iterator(chunk_size=2000):
        yield writer.writerow([cell(v) for v in (
            entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_name, ACTIONS.get(entry.action, entry.action), entry.action,
            entry.target, entry.ip, entry.user_agent, summary(entry),
            json.dumps(entry.detail, sort_keys=True, ensure_ascii=False))])


@desk_page
def audit_export(request):
    """The rows the page shows with the same filters, every page of them."""
    require_audit_admin(request.user)
    form, rows = _filtered(request)
    if rows is None:
        return _page(request, form, rows)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tend-audit-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
