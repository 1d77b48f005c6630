"""Panels other apps add to the side column of the desk ticket page, above the SLA panel.

A slot (itsm/web/slots.py): the page includes each registered template with its context
(`ticket`, `request`, `can_work`, …).
"""

from itsm.web.slots import TemplateSlot

_panels = TemplateSlot()
register_panel = _panels.register
registered_panels = _panels.registered
