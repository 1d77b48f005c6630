"""Parts other apps add to the portal's new-ticket form, below the title.

An app higher on the ladder registers a template in its AppConfig.ready(), so tickets
never imports it (knowledge adds its suggestions this way); the form includes each
registered template, in registration order, with the page's context (`form`, `request`).
"""

_parts: list[str] = []


def register_form_part(template_name: str) -> None:
    """Add a part to the new-ticket form. Registering a template twice adds it once."""
    if template_name not in _parts:
        _parts.append(template_name)


def registered_form_parts() -> tuple[str, ...]:
    return tuple(_parts)
