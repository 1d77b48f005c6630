"""Query filters for API lists that refuse what the schema does not allow.

django-filter's BooleanFilter reads `?active=maybe` as "not given" and lists everything;
a client with a typo is never told. Here only `true` and `false` (or nothing) are read.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

BOOLEAN_MESSAGE = "Use true or false."


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise ValidationError(BOOLEAN_MESSAGE, code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """`?name=true` or `?name=false`; anything else is a 400 naming the parameter."""

    field_class = StrictBooleanField
