"""Parts other apps add to the portal's new-ticket form, below the title.

A slot (itsm/web/slots.py): the form includes each registered template with the page's
context (`form`, `request`); knowledge adds its suggestions this way.
"""

from itsm.web.slots import TemplateSlot

_parts = TemplateSlot()
register_form_part = _parts.register
registered_form_parts = _parts.registered
