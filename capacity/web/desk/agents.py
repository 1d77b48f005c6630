"""The agent set-up page: which assets report, and for one asset its tokens (created and
shown once, listed by prefix, revoked), the commands that install the agent, and the
scrape targets. Staff read; support engineers create, revoke, add and remove."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from capacity.models import PrometheusSource, ScrapeTarget, Series
from capacity.selectors import board as selectors
from capacity.services import targets as target_services
from capacity.web.desk.forms import TargetForm, TokenForm
from itsm.models import Asset
from itsm.models.asset_token import AssetToken
from itsm.services import asset_tokens
from itsm.web.access import desk_action, desk_page
from itsm.web.forms import add_service_errors, error_text
from itsm.web.paging import CappedPaginator


def _sources_admin() -> str:
    """The admin's list of Prometheus sources ("" while the admin does not offer it)."""
    try:
        return reverse("admin:capacity_prometheussource_changelist")
    except NoReverseMatch:
        return ""


@desk_page
def agents(request):
    now = timezone.now()
    q = request.GET.get("q", "").strip()[:120]
    assets = Asset.objects.filter(is_active=True).order_by("name")
    if q:
        assets = assets.filter(Q(name__icontains=q) | Q(hostname__icontains=q))
    page = CappedPaginator(assets, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    ids = [a.pk for a in rows]
    # One grouped query per table for the page's assets, not one per row.
    tokens = dict(AssetToken.objects.filter(asset_id__in=ids, revoked_at__isnull=True)
                  .values("asset_id").order_by().annotate(n=Count("pk"))
                  .values_list("asset_id", "n"))
    scrapes = dict(ScrapeTarget.objects.filter(asset_id__in=ids).values("asset_id").order_by()
                   .annotate(n=Count("pk")).values_list("asset_id", "n"))
    seen = {r["asset_id"]: r for r in Series.objects.filter(asset_id__in=ids)
            .values("asset_id").order_by().annotate(n=Count("pk"), last=Max("last_at"))}
    for asset in rows:
        asset.token_count = tokens.get(asset.pk, 0)
        asset.scrape_count = scrapes.get(asset.pk, 0)
        asset.series_count = seen.get(asset.pk, {}).get("n", 0)
        asset.last_at = seen.get(asset.pk, {}).get("last")
    quiet: dict = {}
    for series in selectors.quiet_series(now=now)[:500]:
        quiet.setdefault(series.asset, []).append(series)
    return render(request, "capacity/agents.html", {
        "assets": rows, "page": page, "q": q, "quiet": list(quiet.items()),
        "sources": list(PrometheusSource.objects.order_by("name")), "now": now,
        "sources_admin": _sources_admin() if request.user.is_staff else "",
        "section": "agents"})


def _install(request, asset: Asset) -> dict:
    base = (getattr(settings, "TEND_BASE_URL", "") or request.build_absolute_uri("/")).rstrip("/")
    wheel = getattr(settings, "TEND_AGENT_WHEEL_URL", "")
    return {"base": base, "wheel": wheel,
            "pip": f"pip install {wheel}" if wheel else "pip install ./agent",
            "systemd": "systemctl enable --now tend-agent",
            "cron": "* * * * * tend-agent /usr/local/bin/tend-agent once "
                    "--config /etc/tend-agent.toml >/dev/null 2>&1"}


def _config(install: dict, asset: Asset, token: str) -> str:
    return (f'[tend]\nurl = "{install["base"]}"\nasset_id = {asset.pk}\n'
            f'token = "{token}"\ninterval = 60\n')


def _asset_page(request, asset: Asset, *, plaintext: str = "", token_form=None,
                target_form=None, status: int = 200):
    install = _install(request, asset)
    response = render(request, "capacity/agent_asset.html", {
        "asset": asset, "install": install, "plaintext": plaintext,
        "config": _config(install, asset, plaintext or "tend_asset_… (create a token above)"),
        "tokens": list(AssetToken.objects.filter(asset=asset).select_related("created_by")
                       .order_by("revoked_at", "-created_at")),
        "targets": list(ScrapeTarget.objects.filter(asset=asset).order_by("url")),
        "series": list(Series.objects.filter(asset=asset).order_by("kind", "name")),
        "token_form": token_form or TokenForm(), "target_form": target_form or TargetForm(),
        "can_work": request.user.is_agent, "section": "agents"}, status=status)
    if plaintext:
        # The token is on this page only: never cached, never shown again.
        response["Cache-Control"] = "no-store"
    return response


def _asset(pk) -> Asset:
    return get_object_or_404(Asset.objects.select_related("service"), pk=pk, is_active=True)


@desk_page
def agent_asset(request, pk):
    return _asset_page(request, _asset(pk))


@desk_action
def token_create(request, pk):
    asset = _asset(pk)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _asset_page(request, asset, token_form=form, status=400)
    try:
        _token, plaintext = asset_tokens.asset_token_create(
            asset=asset, actor=request.user, name=form.cleaned_data["name"] or "agent")
    except ValidationError as error:
        add_service_errors(form, error, fallback="name")
        return _asset_page(request, asset, token_form=form, status=400)
    # Rendered, not redirected: the plaintext exists in this response and nowhere else.
    return _asset_page(request, asset, plaintext=plaintext)


@desk_action
def token_revoke(request, pk):
    token = get_object_or_404(AssetToken.objects.select_related("asset"), pk=pk)
    asset = token.asset
    if token.revoked_at is None:
        asset_tokens.asset_token_revoke(token=token, actor=request.user)
        messages.success(request, f"Token {token.prefix}… is revoked; agents using it stop "
                                  "at their next push.")
    return redirect("capacity:agent_asset", pk=asset.pk)


@desk_action
def target_add(request, pk):
    asset = _asset(pk)
    form = TargetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            target = target_services.target_save(
                asset=asset, actor=request.user, url=data["url"], interval=data["interval"],
                timeout=data["timeout"])
        except ValidationError as error:
            add_service_errors(form, error, fallback="url")
        else:
            messages.success(request, f"Tend scrapes {target.url} every {target.interval} s.")
            return redirect("capacity:agent_asset", pk=asset.pk)
    return _asset_page(request, asset, target_form=form, status=400)


@desk_action
def target_delete(request, pk):
    target = get_object_or_404(ScrapeTarget.objects.select_related("asset"), pk=pk)
    asset = target.asset
    try:
        target_services.target_delete(target=target, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{target.url} is no longer scraped.")
    return redirect("capacity:agent_asset", pk=asset.pk)
