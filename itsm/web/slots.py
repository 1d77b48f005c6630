"""A place in a page that apps higher on the ladder fill with templates of their own.

The app that owns the page keeps a TemplateSlot; an app above it registers a template in
its AppConfig.ready(), so the page's app never imports it. The page includes each
registered template in registration order, with the page's context.
"""


class TemplateSlot:
    def __init__(self) -> None:
        self._templates: list[str] = []

    def register(self, template_name: str) -> None:
        """Add a template to the slot. Registering a template twice adds it once."""
        if template_name not in self._templates:
            self._templates.append(template_name)

    def registered(self) -> tuple[str, ...]:
        return tuple(self._templates)
