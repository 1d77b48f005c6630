"""Patch compliance on the desk: figures, the overdue list, and each asset's patches."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from itsm.filters import search_param
from itsm.models import Asset, Service, Team
from itsm.web.access import desk_action, desk_page
from itsm.web.forms import error_text
from itsm.web.paging import CappedPaginator
from itsm.web.slots import TemplateSlot
from maintenance import compliance
from maintenance.models.patch import (
    OPEN_PATCH_STATES,
    Advisory,
    AssetPatch,
    AssetPatchEvent,
    PatchState,
    Severity,
)
from maintenance.services import patching
from maintenance.web.desk.forms import PatchStateForm

# Sections apps above maintenance add to the asset page (capacity's charts), with its context.
asset_sections = TemplateSlot()


def _int(value) -> int | None:
    return int(value) if (value or "").isdigit() else None


@desk_page
def compliance_page(request):
    today = timezone.localdate()
    figures = compliance.patch_compliance(today)
    worst = list(compliance.overdue_patches(today).select_related("asset", "advisory")
                 .order_by(*compliance.INDEX_ORDER)[:10])
    return render(request, "maintenance/compliance.html", {
        "c": figures, "worst": worst, "today": today, "buckets": compliance.AGE_BUCKETS,
        "overdue_total": sum(row["total"] for row in figures.by_severity),
        "section": "patches"})


@desk_page
def overdue(request):
    today = timezone.localdate()
    params = request.GET
    severity = params.get("severity") if params.get("severity") in Severity.values else None
    service_id, team_id = _int(params.get("service")), _int(params.get("team"))
    # Ordered like the covering index (due_on, advisory, asset), unique per patch, so a page
    # is read in index order and stops after 50 rows.
    patches = compliance.overdue_patches(today).select_related(
        "asset__service", "advisory", "follow_up").order_by(*compliance.INDEX_ORDER)
    # Filters as id lists or subqueries on the small tables: the scan stays on that index.
    if severity:
        patches = patches.filter(advisory_id__in=list(Advisory.objects.filter(
            severity=severity).values_list("pk", flat=True)))
    if service_id:
        patches = patches.filter(asset_id__in=Asset.objects.filter(
            service_id=service_id).values("pk"))
    if team_id:
        patches = patches.filter(asset_id__in=Asset.objects.filter(
            service__owner_team_id=team_id).values("pk"))
    page = CappedPaginator(patches, 50).get_page(params.get("page"))
    rows = list(page.object_list)
    for patch in rows:
        patch.days_overdue = (today - patch.due_on).days
    return render(request, "maintenance/overdue.html", {
        "patches": rows, "page": page, "severities": Severity.choices,
        "services": Service.objects.all(), "teams": Team.objects.all(),
        "filters": {"severity": severity, "service": service_id, "team": team_id},
        "filtered": bool(severity or service_id or team_id), "section": "patches"})


@desk_page
def assets(request):
    today = timezone.localdate()
    params = request.GET
    service_id = _int(params.get("service"))
    q, refused = search_param(params)
    for message in refused:
        messages.warning(request, f"Search ignored: {message}")
    only_overdue = params.get("overdue") == "1"
    queryset = Asset.objects.filter(is_active=True).select_related("service").order_by("name")
    if service_id:
        queryset = queryset.filter(service_id=service_id)
    if q:
        queryset = queryset.filter(name__icontains=q)
    if only_overdue:
        queryset = queryset.filter(pk__in=AssetPatch.objects.filter(
            due_on__lt=today).values("asset_id"))
    page = CappedPaginator(queryset, 50).get_page(params.get("page"))
    rows = list(page.object_list)
    # Counts for this page only: one grouped query over the page's assets.
    counts = {r["asset_id"]: r for r in AssetPatch.objects
              .filter(asset_id__in=[a.pk for a in rows], due_on__isnull=False)
              .values("asset_id").order_by()
              .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))}
    for asset in rows:
        asset.open_patches = counts.get(asset.pk, {}).get("open", 0)
        asset.overdue_patches = counts.get(asset.pk, {}).get("overdue", 0)
    return render(request, "maintenance/assets.html", {
        "assets": rows, "page": page, "services": Service.objects.all(),
        "filters": {"service": service_id, "q": q, "overdue": only_overdue},
        "filtered": bool(service_id or q or only_overdue), "section": "assets"})


@desk_page
def asset_detail(request, pk):
    asset = get_object_or_404(Asset.objects.select_related("service__owner_team"), pk=pk)
    today = timezone.localdate()
    show_all = request.GET.get("all") == "1"
    patches = asset.patches.select_related("advisory", "follow_up").order_by("due_on", "pk")
    if not show_all:
        patches = patches.filter(state__in=OPEN_PATCH_STATES)
    patches = list(patches[:500])
    for patch in patches:
        patch.overdue = patch.is_overdue(today)
        patch.days_overdue = (today - patch.due_on).days if patch.overdue else 0
    events = list(AssetPatchEvent.objects.filter(asset=asset)
                  .select_related("actor", "patch__advisory")[:100])
    return render(request, "maintenance/asset.html", {
        "asset": asset, "patches": patches, "events": events, "show_all": show_all,
        "software": list(asset.software.order_by("name")[:1000]),
        "states": PatchState.choices, "can_work": request.user.is_agent, "today": today,
        "asset_sections": asset_sections.registered(), "section": "assets"})


@desk_action
def patch_state(request, pk):
    patch = get_object_or_404(AssetPatch.objects.select_related("advisory", "asset"), pk=pk)
    form = PatchStateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            patching.patch_set_state(patch=patch, state=data["state"], actor=request.user,
                                     reason=data["reason"],
                                     deferred_until=data["deferred_until"])
        except ValidationError as error:
            messages.error(request, f"{patch.advisory.identifier}: {error_text(error)}")
        else:
            messages.success(request, f"{patch.advisory.identifier} on {patch.asset.name} is "
                                      f"now {PatchState(data['state']).label.lower()}.")
    else:
        messages.error(request, "Choose a valid state.")
    return redirect("maintenance:asset", pk=patch.asset_id)
