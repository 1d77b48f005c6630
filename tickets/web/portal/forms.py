"""Forms of the end-user portal. They parse input; tickets.services decides and writes."""

from django import forms
from django.conf import settings

from itsm.models import Service
from itsm.web.forms import MultipleFileField
from tickets import rules, uploads
from tickets.models import Category, Kind, Level
from tickets.rules import IMPACT_WORDS, URGENCY_WORDS
from tickets.web.fields import TitleField

MARKDOWN_HINT = "You can use Markdown: **bold**, *italic*, lists, `code`, [links](https://…)."


def files_field() -> MultipleFileField:
    # Checked by the same rules as the service.
    return MultipleFileField(
        label="Attachments", check=uploads.validate_files,
        help_text=f"Screenshots, logs or documents; up to {uploads.MAX_FILES} files.")


def accept_uploads(field: forms.Field) -> None:
    # Read at form creation, not import, so a changed setting is honoured.
    field.widget.attrs["accept"] = ",".join(f".{ext}" for ext in settings.TEND_UPLOAD_EXTENSIONS)
    limit = settings.TEND_UPLOAD_MAX_BYTES // (1024 * 1024)
    if limit:
        field.help_text = f"{field.help_text} At most {limit} MB each."


def _ladder(words: dict) -> list[tuple[int, str]]:
    # Smallest first: people read the list upwards until one fits.
    return [(int(level), words[level]) for level in (Level.LOW, Level.MEDIUM, Level.HIGH)]


class TicketForm(forms.Form):
    """What an end user can say when filing a ticket. Anything else posted is ignored."""

    kind = forms.ChoiceField(
        label="What kind of help do you need?", widget=forms.RadioSelect,
        choices=[(Kind.INCIDENT, "Something is broken"), (Kind.REQUEST, "I need something")],
        initial=Kind.INCIDENT)
    title = TitleField(
        label="Summary", max_length=200,
        help_text="One line, e.g. “Cannot print on floor 3” or “New laptop for Sam”.",
        error_messages={"required": "Give it a short summary."},
        widget=forms.TextInput(attrs={"autofocus": True}))
    description = forms.CharField(
        label="Details", required=False, help_text=MARKDOWN_HINT,
        widget=forms.Textarea(attrs={
            "rows": 6,
            "placeholder": "What happened, what you expected, and any error message.",
        }))
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True), required=False,
        empty_label="Not sure")
    service = forms.ModelChoiceField(
        label="Which service?", queryset=Service.objects.filter(is_active=True),
        required=False, empty_label="Not sure / none")
    impact = forms.TypedChoiceField(
        label="Who is affected?", coerce=int, widget=forms.RadioSelect,
        choices=_ladder(IMPACT_WORDS), initial=int(Level.LOW))
    urgency = forms.TypedChoiceField(
        label="How much does it stop your work?", coerce=int, widget=forms.RadioSelect,
        choices=_ladder(URGENCY_WORDS), initial=int(Level.MEDIUM))
    files = files_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accept_uploads(self.fields["files"])
        if not rules.categories_offered():
            del self.fields["category"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply", required=False, help_text=MARKDOWN_HINT,
        widget=forms.Textarea(attrs={"rows": 4}))
    files = files_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accept_uploads(self.fields["files"])

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not cleaned.get("files") \
                and "files" not in self.errors:
            self.add_error("body", "Write a message or attach a file.")
        return cleaned


class ReopenForm(forms.Form):
    note = forms.CharField(
        label="What is still wrong?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Tell us what is still wrong so we can help."})


RATING_CHOICES = [(n, f"{n} star{'s' if n > 1 else ''}") for n in (5, 4, 3, 2, 1)]


class RatingForm(forms.Form):
    # Listed 5 to 1: .rating-stars lays them out right to left (CSS-only stars).
    rating = forms.TypedChoiceField(
        label="How was the help you got?", coerce=int, choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose from 1 to 5 stars.",
                        "invalid_choice": "Choose from 1 to 5 stars."})
    comment = forms.CharField(
        label="Anything to add? (optional)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}))
