"""Form helpers every app's pages share."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from itsm.web.forms import MultipleFileField, add_service_errors, agents, error_text
from tests.factories import UserFactory


class _Form(forms.Form):
    title = forms.CharField(required=False)
    files = MultipleFileField()


def _bound(**data):
    form = _Form(data or {"title": "x"})
    assert form.is_valid()
    return form


def test_service_errors_land_on_their_field_or_on_top():
    form = _bound()
    add_service_errors(form, ValidationError({"title": "Too short.", "status": "Not now."}))
    assert form.errors["title"] == ["Too short."]
    assert form.non_field_errors() == ["Not now."]
    form = _bound()
    add_service_errors(form, ValidationError("Ticket is closed."))
    assert form.non_field_errors() == ["Ticket is closed."]


def test_a_fallback_field_takes_what_has_no_field_of_its_own():
    form = _bound()
    add_service_errors(form, ValidationError({"status": "Not now."}), fallback="title")
    add_service_errors(form, ValidationError("Closed."), fallback="title")
    assert form.errors["title"] == ["Not now.", "Closed."]


def test_error_text_is_every_message_on_one_line():
    assert error_text(ValidationError({"a": ["One."], "b": "Two."})) == "One. Two."
    assert error_text(ValidationError(["One.", "Two."])) == "One. Two."


def _file(name="log.txt", content=b"x"):
    return SimpleUploadedFile(name, content)


def test_several_files_come_back_as_a_list_and_none_as_an_empty_one():
    field = MultipleFileField()
    assert field.clean(None) == []
    assert [f.name for f in field.clean([_file("a.txt"), None, _file("b.txt")])] == [
        "a.txt", "b.txt"]
    assert [f.name for f in field.clean(_file("one.txt"))] == ["one.txt"]
    assert field.widget.allow_multiple_selected


def test_a_check_refuses_files_with_its_messages_on_this_field():
    def check(files):
        raise ValidationError({"files": [f"“{f.name}” is not accepted." for f in files]})

    with pytest.raises(ValidationError) as refused:
        MultipleFileField(check=check).clean([_file("a.exe"), _file("b.exe")])
    assert refused.value.messages == ["“a.exe” is not accepted.", "“b.exe” is not accepted."]


def test_agents_are_the_active_people_who_work_tickets(alice, dee, manny, ada):
    root = UserFactory(username="root", is_superuser=True)
    UserFactory(username="gone", role="DSE", is_active=False)
    assert set(agents().values_list("username", flat=True)) == {"dee", "ada", "root"}
    assert root.is_agent
