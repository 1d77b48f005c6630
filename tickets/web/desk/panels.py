"""Panels other apps add to the side column of the desk ticket page, above the SLA panel.

An app higher on the ladder registers a template in its AppConfig.ready(), so tickets
never imports it; the page includes each registered template, in registration order,
with the page's context (`ticket`, `request`, `can_work`, …).
"""

_panels: list[str] = []


def register_panel(template_name: str) -> None:
    """Add a panel to every desk ticket page. Registering a template twice adds it once."""
    if template_name not in _panels:
        _panels.append(template_name)


def registered_panels() -> tuple[str, ...]:
    return tuple(_panels)
