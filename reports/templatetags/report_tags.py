"""Rendering report values: table cells, summary figures and their trend."""

from django import template
from django.utils.html import format_html

from reports import formatting
from reports import tables as t

register = template.Library()


@register.simple_tag
def cell(row: dict, column: t.Column) -> str:
    value = row.get(column.key)
    text = formatting.display(value, column.kind)
    if column.approximate and value is not None:
        return format_html("{}{}", approximately(), text)
    url = row.get(f"{column.key}_url")
    if column.kind == t.REF and url:
        return format_html('<a class="ticket-ref" href="{}">{}</a>', url, text)
    if column.kind == t.TEXT and url:
        return format_html('<a href="{}">{}</a>', url, text)
    return text


@register.filter
def shown(figure: t.Figure) -> str:
    text = formatting.display(figure.value, figure.kind)
    if figure.approximate and figure.value is not None:
        return format_html("{}{}", approximately(), text)
    return text


def approximately() -> str:
    """The mark of a figure read from the duration histograms (reports/definitions)."""
    return format_html('<abbr class="approx" title="{}"><span aria-hidden="true">≈</span>'
                       '<span class="visually-hidden">{}</span></abbr>',
                       "Approximate: within 1 % (see Definitions)", "approximately ")


@register.filter
def shown_previous(figure: t.Figure) -> str:
    return formatting.display(figure.previous, figure.kind)


@register.filter
def change(figure: t.Figure) -> str:
    return formatting.change(figure)


@register.filter
def trend_class(figure: t.Figure) -> str:
    """Green when the change is good news, red when bad, grey when neither."""
    return {True: "trend-good", False: "trend-bad"}.get(figure.good, "trend-neutral")


@register.filter
def trend_arrow(figure: t.Figure) -> str:
    return {"up": "▲", "down": "▼", "flat": "■"}.get(figure.trend, "")


@register.filter
def trend_words(figure: t.Figure) -> str:
    """For screen readers: the arrow and its colour in words."""
    if not figure.trend:
        return "no previous value to compare"
    if figure.trend == "flat":
        return "unchanged from the previous period"
    verdict = {True: ", better", False: ", worse"}.get(figure.good, "")
    return f"{'up' if figure.trend == 'up' else 'down'} {formatting.change(figure)} " \
           f"on the previous period{verdict}"


@register.inclusion_tag("reports/_spark.html")
def sparkline(figure: t.Figure, buckets, key: str) -> dict:
    """A figure's trend over the period's buckets: a small line drawn by charts.js from a
    JSON block, and the same trend in words for screen readers."""
    series = figure.series or []
    if not any(v is not None for v in series):
        return {"chart_id": None}
    return {"chart_id": f"spark-{key}-{figure.key}",
            "words": formatting.series_summary(figure, buckets),
            "spec": {"kind": "spark", "labels": [b.label for b in buckets], "data": series,
                     "shown": [formatting.display(v, figure.kind) for v in series]}}


@register.filter
def folds(table: t.Table, under_chart) -> bool:
    """Rows a chart already shows fold away past a dozen (and do not print); lists with no
    chart stay open: they are the content."""
    return bool(under_chart) and len(table.rows) > 12
