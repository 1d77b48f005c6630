"""One report table as a CSV download, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse

from reports import formatting
from reports.tables import Report, Table


def filename(report: Report, table: Table) -> str:
    period = report.period
    return f"tend-{report.key}-{table.name}-{period.first_day}-{period.last_day}.csv"


def response(report: Report, table: Table) -> HttpResponse:
    out = HttpResponse(content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="{filename(report, table)}"'
    out["X-Content-Type-Options"] = "nosniff"
    writer = csv.writer(out)
    writer.writerow([formatting.formula_safe(formatting.csv_header(c)) for c in table.columns])
    for row in table.rows:
        writer.writerow([formatting.csv_value(row.get(c.key), c.kind) for c in table.columns])
    return out
