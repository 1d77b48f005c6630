"""Input fields that take only what the schema says: strings as strings, decimals as text.

DRF's CharField turns 123 into "123", BooleanField reads 0 and "no" as false, and
DecimalField reads "" as null and " 7.5 " as 7.5, so a client whose JSON has the wrong type
is never told. Every API serializer uses these instead (ModelSerializers through
`StrictModelSerializer`): a number where the schema says string is a 400 naming the field,
a boolean is true or false (in a form, "true" or "false"), and a decimal is a string in the
documented pattern.
"""

import re
from decimal import Decimal

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.utils import html

NOT_A_STRING = "Send text (a JSON string), not a {kind}."
DECIMAL_MESSAGE = 'Send a number as text, e.g. "7.5".'
NO_NUL = r"^[^\u0000]+$"
JSON_NAMES = {bool: "boolean", int: "number", float: "number", list: "list", dict: "object"}


class StrictString:
    """For any CharField: refuse a value that is not already a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(
                NOT_A_STRING.format(kind=JSON_NAMES.get(type(data), "value")), code="invalid")
        return super().to_internal_value(data)


class StrictStringSchema(OpenApiSerializerFieldExtension):
    """The schema says what DRF refuses in any text: NUL (Postgres cannot store it).

    `+`, not `*`: spectacular offers "" as a separate choice where blank is allowed, and
    the two must not both match (oneOf)."""

    target_class = StrictString
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction,
                                                   bypass_extensions=True)
        if direction == "request" and not {"pattern", "format", "enum"} & set(schema):
            schema["pattern"] = NO_NUL
        return schema


class StrictCharField(StrictString, serializers.CharField):
    pass


class StrictRegexField(StrictString, serializers.RegexField):
    pass


class StrictURLField(StrictString, serializers.URLField):
    pass


class StrictEmailField(StrictString, serializers.EmailField):
    pass


class StrictSlugField(StrictString, serializers.SlugField):
    pass


class StrictBooleanField(serializers.BooleanField):
    """true or false: a JSON boolean, or in a form (where everything is text) "true"/"false"."""

    default_error_messages = {"invalid": "Send true or false."}
    from_form = False

    def get_value(self, dictionary):
        self.from_form = html.is_html_input(dictionary)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if self.from_form and data in ("true", "false"):
            return data == "true"
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def _decimal_pattern(field: serializers.DecimalField) -> str:
    whole = field.max_digits - field.decimal_places
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    places = rf"(\.\d{{1,{field.decimal_places}}})?" if field.decimal_places else ""
    return rf"^{sign}\d{{1,{whole}}}{places}$"


class StrictDecimalField(serializers.DecimalField):
    """A decimal as text in the documented pattern; null (when allowed) but never ""."""

    def __init__(self, *args, pattern: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pattern = re.compile(pattern or _decimal_pattern(self))

    def validate_empty_values(self, data):
        return serializers.Field.validate_empty_values(self, data)  # "" is not null

    def to_internal_value(self, data) -> Decimal:
        if not isinstance(data, str) or not self.pattern.match(data):
            raise serializers.ValidationError(DECIMAL_MESSAGE, code="invalid")
        return super().to_internal_value(data)


class StrictDecimalSchema(OpenApiSerializerFieldExtension):
    """What the schema says of a StrictDecimalField: text in its pattern (spectacular's own
    pattern for decimals also matches "", "-" and ".")."""

    target_class = StrictDecimalField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "decimal", "pattern": self.target.pattern.pattern}


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated text, boolean and decimal fields are strict."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.EmailField: StrictEmailField,
        models.URLField: StrictURLField,
        models.DecimalField: StrictDecimalField,
        models.BooleanField: StrictBooleanField,
    }
