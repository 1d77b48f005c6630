"""Safe query parameters for every list, web and API alike: search text and date-times.

Every search box and `?q=` goes through `SearchField` (or `SearchFilter` in a FilterSet):
control characters such as NUL are refused with a field message (Postgres cannot store
them in a query, so they were 500s), tabs and line breaks become spaces. Every date-time
filter goes through `SafeDateTimeField` (`DateTimeFilter`): any ISO 8601 / RFC 3339 value
is turned into UTC (Postgres refuses offsets such as -20:00), and moments that do not
exist in UTC (year 9999 at -20:00) are a field message, not an OverflowError.
"""

import re
from datetime import UTC, datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

SEARCH_MAX_LENGTH = 200
MAX_ID = 2**63 - 1  # bigint: larger ids cannot exist (and overflow SQLite)
# C0 and C1 controls and DEL, apart from the whitespace a paste can bring along.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
WHITESPACE_CONTROL = re.compile(r"[\t\n\r]+")
CONTROL_MESSAGE = "Remove the control characters (such as NUL) from the search."
DATETIME_MESSAGE = "Use an ISO 8601 date-time, e.g. 2025-01-31T09:00:00Z."
RANGE_MESSAGE = "This moment is outside the range Tend can store."


def clean_search_text(value: str | None) -> str:
    """The one cleaning of search text: refuse control characters, fold whitespace."""
    value = value or ""
    if CONTROL.search(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")
    return WHITESPACE_CONTROL.sub(" ", value).strip()


class SearchField(forms.CharField):
    """A search box: optional, at most 200 characters, no control characters."""

    def __init__(self, *, required=False, max_length=SEARCH_MAX_LENGTH, **kwargs):
        super().__init__(required=required, max_length=max_length, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and isinstance(value, str) and CONTROL.search(value):
            raise ValidationError(CONTROL_MESSAGE, code="control_characters")
        return clean_search_text(super().to_python(value))


# What the schema says of every `q`: the same refusal, as a pattern.
SEARCH_SCHEMA = {"type": "string", "maxLength": SEARCH_MAX_LENGTH,
                 "pattern": r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"}


@extend_schema_field(SEARCH_SCHEMA)
class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class IdField(forms.IntegerField):
    """An object id in a query: a whole number from 1 (an unknown one simply matches none)."""

    def __init__(self, *, min_value=1, max_value=MAX_ID, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """Filter by a related object's id without loading it: no query to validate, and an id
    nobody has is an empty list (not a 400 as with ModelChoiceFilter)."""

    field_class = IdField


def to_utc(moment: datetime) -> datetime:
    """An aware moment in UTC (a naive one is read as UTC); out of range is a message."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError(RANGE_MESSAGE, code="overflow") from None


def parse_moment(value: str, *, dates: bool = True) -> datetime:
    """An ISO 8601 date-time (or, with `dates`, a date: its midnight UTC) in UTC."""
    if CONTROL.search(value):
        raise ValidationError(DATETIME_MESSAGE, code="invalid")
    try:
        moment = parse_datetime(value)
        if moment is None and dates:
            day = parse_date(value)
            moment = None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
    except (ValueError, OverflowError):  # well-formed but impossible: month 13, offset 25:00
        moment = None
    if moment is None:
        raise ValidationError(DATETIME_MESSAGE, code="invalid")
    return to_utc(moment)


class SafeDateTimeField(IsoDateTimeField):
    """django-filter's ISO 8601 field, normalised to UTC and never raising past a 400."""

    default_error_messages = {"invalid": DATETIME_MESSAGE}

    def to_python(self, value):
        if isinstance(value, str) and CONTROL.search(value):
            raise ValidationError(DATETIME_MESSAGE, code="invalid")
        try:
            moment = super().to_python(value)
        except (OverflowError, ValueError):
            raise ValidationError(DATETIME_MESSAGE, code="invalid") from None
        return None if moment is None else to_utc(moment)


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = SafeDateTimeField


def search_param(params, name: str = "q", *, max_length: int = 100) -> tuple[str, list[str]]:
    """For pages without a form: the cleaned search text and its messages ("" if refused)."""
    try:
        return clean_search_text(params.get(name))[:max_length], []
    except ValidationError as error:
        return "", error.messages
