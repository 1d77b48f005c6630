"""Strict API input fields: what the schema says is the only thing taken."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from rest_framework import serializers

from itsm.api.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
    StrictModelSerializer,
)
from tickets.models import SlaPolicy


class Probe(serializers.Serializer):
    name = StrictCharField(required=False)
    flag = StrictBooleanField(required=False)
    score = StrictDecimalField(max_digits=3, decimal_places=1, min_value=0, required=False,
                               allow_null=True)


def errors(data) -> dict:
    probe = Probe(data=data)
    assert not probe.is_valid()
    return probe.errors


@pytest.mark.parametrize("value", [123, 1.5, True, ["a"], {"a": 1}])
def test_text_fields_refuse_what_is_not_text(value):
    assert "name" in errors({"name": value})


@pytest.mark.parametrize("value", [0, 1, "true", "no", "", None])
def test_booleans_in_json_are_true_or_false_only(value):
    assert "flag" in errors({"flag": value})


def test_a_form_says_true_or_false_in_words():
    form = QueryDict(mutable=True)
    form.update({"flag": "true"})
    probe = Probe(data=form)
    assert probe.is_valid(), probe.errors
    assert probe.validated_data["flag"] is True
    form["flag"] = "on"
    assert "flag" in errors(form)


@pytest.mark.parametrize("value", ["", "-", ".", " 7.5", "7.", ".5", "-1", 7.5, 7, "1e1"])
def test_decimals_are_text_in_the_pattern(value):
    assert "score" in errors({"score": value})


def test_a_decimal_in_the_pattern_and_null_are_taken():
    probe = Probe(data={"score": "7.5", "name": "x", "flag": False})
    assert probe.is_valid(), probe.errors
    assert probe.validated_data == {"score": Decimal("7.5"), "name": "x", "flag": False}
    probe = Probe(data={"score": None})
    assert probe.is_valid() and probe.validated_data["score"] is None


def test_model_serializers_get_strict_fields_for_text_and_booleans():
    class PolicyInput(StrictModelSerializer):
        class Meta:
            model = SlaPolicy
            fields = ["name", "is_active"]

    fields = PolicyInput().fields
    assert isinstance(fields["name"], StrictCharField)
    assert isinstance(fields["is_active"], StrictBooleanField)
