"""An asset's capacity: each series as a chart (threshold, fitted trend, forecast cone up to
the ETA, resizes and clean-ups marked) with the same numbers in a table.

One URL, two shapes: the maintenance asset page loads it with htmx into its capacity
section (a fragment); opened directly it is a page of its own.
"""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from capacity.selectors import board as selectors
from capacity.web.desk.charts import asset_charts
from itsm.models import Asset
from itsm.web.access import desk_page


@desk_page
def asset(request, pk):
    found = get_object_or_404(Asset.objects.select_related("service__owner_team"), pk=pk)
    now = timezone.now()
    charts = asset_charts(found, now=now)
    by_pk = {c["series"].pk: c for c in charts}
    for row in (selectors.row(s, now=now) for s in selectors.board_series()
                .filter(asset=found, pk__in=list(by_pk))):
        by_pk[row["series"].pk]["row"] = row
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, "capacity/_asset_section.html" if fragment else "capacity/asset.html",
                  {"asset": found, "charts": charts, "now": now, "section": "board"})
