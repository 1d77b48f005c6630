"""ProblemError: a business rule of problem management said no, with field → messages."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError


class ProblemError(ValidationError):
    """A ValidationError whose `.messages` is the field → messages dict (the API answers it
    as a 400 with those fields; forms add them as field errors)."""

    def __init__(self, messages: dict[str, list[str] | str]):
        super().__init__({field: text if isinstance(text, list) else [text]
                          for field, text in messages.items()})

    @property
    def messages(self) -> dict[str, list[str]]:  # type: ignore[override]
        return self.message_dict


@contextmanager
def as_problem_error() -> Iterator[None]:
    """Re-raise a lower app's ValidationError (tickets, knowledge, maintenance) as a
    ProblemError, so callers of problem services handle one kind of refusal."""
    try:
        yield
    except ProblemError:
        raise
    except ValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        raise ProblemError(detail) from exc
