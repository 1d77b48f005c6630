"""Every writable API field backed by a unique column checks uniqueness itself: a field
declared by hand loses DRF's UniqueValidator, and the duplicate became a 500."""

from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from itsm.config.router import router


def _serializer_classes():
    for _, viewset, _ in router.registry:
        found = getattr(viewset, "serializer_class", None)
        if found is not None and issubclass(found, serializers.ModelSerializer):
            yield found


def test_writable_unique_fields_keep_their_unique_validator(db):
    missing = []
    for serializer_class in set(_serializer_classes()):
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            if field.read_only or field.source == "*" or "." in field.source:
                continue
            try:
                column = model._meta.get_field(field.source)
            except Exception:  # noqa: BLE001, S112 - not a model field
                continue
            if getattr(column, "unique", False) and not column.primary_key and not any(
                    isinstance(v, UniqueValidator) for v in field.validators):
                missing.append(f"{serializer_class.__name__}.{name}")
    assert missing == []
