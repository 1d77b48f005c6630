"""Form plumbing every app's pages share: service errors onto forms, several files in one
field, and the support engineers an assignee picker offers."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from itsm import roles
from itsm.models import User


def add_service_errors(form, error: ValidationError, *, fallback: str | None = None) -> None:
    """Show a service's ValidationError on the form: on its field if the form has one, else
    on `fallback` (a field name; None puts it on top of the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(fallback, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else fallback, messages)


def error_text(error: ValidationError) -> str:
    """Every message of a ValidationError in one line (for flash messages)."""
    if hasattr(error, "error_dict"):
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return " ".join(error.messages)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files (possibly empty).

    `check`, if given, is called with the cleaned list and may raise a ValidationError; the
    service checks again, but checking here shows every error in one round trip.
    """

    widget = MultipleFileInput

    def __init__(self, *args, check: Callable[[list], None] | None = None, **kwargs):
        kwargs.setdefault("required", False)
        self.check = check
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        cleaned = [single(f, initial) for f in files if f]
        if self.check is not None:
            try:
                self.check(cleaned)
            except ValidationError as error:
                # A check written for a service names its field; here the field is this one.
                raise ValidationError(_messages(error)) from error
        return cleaned


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return error.messages


def agents():
    """Active users who can work tickets (DSEs, admins, superusers), for assignee pickers."""
    can_work = Q(is_superuser=True)
    perm = roles.permission_for(roles.AGENT)
    if perm:
        app_label, codename = perm.split(".", 1)
        can_work |= (Q(groups__permissions__codename=codename,
                       groups__permissions__content_type__app_label=app_label)
                     | Q(user_permissions__codename=codename,
                         user_permissions__content_type__app_label=app_label))
    # A subquery instead of DISTINCT over joins keeps the ordering and one plain query.
    return User.objects.filter(is_active=True, pk__in=User.objects.filter(can_work).values("pk"))
