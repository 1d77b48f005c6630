"""Tick-box lists for the plan and window editors: services and assets.

A bare <select multiple> needs Ctrl-click and loses every choice to one stray click; a
plain list of tick boxes is unusable with thousands of assets. `TickList` draws the boxes
in a box that scrolls, the ticked ones first, and past FILTER_AFTER choices a filter box
over them (static/js/ticklist.js; without JavaScript the whole list still works).

Templates: templates/maintenance/_ticklist.html (the widget) inside
templates/maintenance/_tick_field.html (its fieldset, legend and errors). The field is
rendered by that include, not by crispy's as_crispy_field, whose bootstrap5 pack draws
every CheckboxSelectMultiple with its own radio_checkbox_select.html and would drop the
box, the order and the filter.
"""

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

FILTER_AFTER = 12


class TickList(forms.CheckboxSelectMultiple):
    template_name = "maintenance/_ticklist.html"

    def __init__(self, *, noun: str, attrs=None):
        super().__init__(attrs)
        self.noun = noun  # "assets": the filter's label and placeholder

    def get_context(self, name, value, attrs):
        # Not ChoiceWidget.get_context: it builds a dict and renders a template per option,
        # which costs seconds for thousands of assets. One template loops over plain rows.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        chosen = set(widget["value"])
        base = widget["attrs"].get("id") or f"id_{name}"
        options = [{"value": str(v), "label": label, "checked": str(v) in chosen,
                    "id": f"{base}_{n}"} for n, (v, label) in enumerate(self.choices)]
        options.sort(key=lambda o: not o["checked"])  # stable: ticked first, then in order
        widget.update(options=options, id=base, noun=self.noun,
                      chosen=sum(o["checked"] for o in options),
                      filter=len(options) > FILTER_AFTER)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The site's template engine (templates/), not the form renderer's, which only looks
        # in Django's own widget templates.
        return mark_safe(render_to_string(self.template_name,  # noqa: S308 - autoescaped
                                          self.get_context(name, value, attrs)))
