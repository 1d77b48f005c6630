"""Manager report pages: the dashboard, one page per report (and its CSV tables), the
definitions, and the weekly e-mail opt-in."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from itsm.web.sign_in import safe_next
from reports import buckets, params, replica
from reports.dashboard import headlines
from reports.models import ReportSubscription
from reports.registry import REPORTS
from reports.services import weekly_subscription_set
from reports.services.subscriptions import PERMISSION
from reports.web import csv_export

EXPORT_LIMIT = 10_000  # rows of a list table in a CSV file or an API answer


def _check(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied("Reports are for managers.")


def reports_page(view):
    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        _check(request)
        return view(request, *args, **kwargs)

    return wrapper


def _context(request, form, period, filters, **extra) -> dict:
    query = urlencode({**period.as_query(), **filters.as_query()})
    return {"form": form, "period": period, "filters": filters, "query": query,
            "presets": params.PRESETS, "reports": REPORTS.values(), **extra}


@reports_page
def dashboard(request):
    form, period, filters = params.parse(request.GET)
    subscription = ReportSubscription.objects.filter(user=request.user).first()
    trend = buckets.of(period)
    cards, freshness = replica.figures(lambda: headlines(period, filters))
    return render(request, "reports/dashboard.html", _context(
        request, form, period, filters, cards=cards, freshness=freshness,
        previous=period.previous(), subscribed=bool(subscription and subscription.weekly),
        buckets=trend, bucket_unit=buckets.unit_words(trend)[0], section="dashboard"))


@reports_page
def report(request, key: str):
    info = REPORTS.get(key)
    if info is None:
        raise Http404("No such report.")
    form, period, filters = params.parse(request.GET)
    if request.GET.get("format") == "csv":
        built, _ = replica.figures(lambda: info.build(period, filters, limit=EXPORT_LIMIT))
        table = built.tables().get(request.GET.get("table", ""))
        if table is None:
            raise Http404("No such table in this report.")
        return csv_export.response(built, table)
    built, freshness = replica.figures(lambda: info.build(period, filters))
    return render(request, "reports/report.html", _context(
        request, form, period, filters, report=built, info=info, section=key,
        freshness=freshness))


@reports_page
def definitions(request):
    return render(request, "reports/definitions.html", {
        "reports": REPORTS.values(), "section": "definitions", "presets": params.PRESETS,
        "time_zone": settings.TIME_ZONE})


@login_required
@require_POST
def subscription(request):
    """Turn the weekly summary e-mail on or off for the signed-in manager."""
    _check(request)
    weekly = request.POST.get("weekly") == "on"
    weekly_subscription_set(actor=request.user, weekly=weekly)
    if weekly and not request.user.email:
        messages.warning(request, "Weekly summary turned on, but your account has no e-mail "
                                  "address: ask an admin to add one.")
    elif weekly:
        messages.success(request, f"Every Monday morning a summary of the week before goes "
                                  f"to {request.user.email}.")
    else:
        messages.success(request, "Weekly summary e-mail turned off.")
    return redirect(safe_next(request, "reports:dashboard"))
