"""Panels other apps add to the side column of the desk ticket page, above the SLA panel,
and controls they add to the queue's bulk bar (posting the ticked `ticket` ids elsewhere).

A slot (itsm/web/slots.py): the page includes each registered template with its context
(`ticket`, `request`, `can_work`, …).
"""

from itsm.web.slots import TemplateSlot

_panels = TemplateSlot()
register_panel = _panels.register
registered_panels = _panels.registered

_bulk_actions = TemplateSlot()
register_bulk_action = _bulk_actions.register
registered_bulk_actions = _bulk_actions.registered
