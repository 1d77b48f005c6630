"""Form fields shared by the portal and the desk."""

from django import forms

from tickets.rules import title_normalise


class TitleField(forms.CharField):
    """A ticket title: one line. Line breaks and other whitespace runs become one space
    before validation, so the form shows (and saves) what the ticket will be called."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(title_normalise(value) if value is not None else value)
