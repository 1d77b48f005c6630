"""Maintenance pages: the desk under /desk/maintenance/, planned maintenance at /maintenance/."""

from django.urls import path
from django.views.generic import RedirectView

from maintenance.web.desk import calendar, patches, plans, windows, work
from maintenance.web.portal import views as portal

app_name = "maintenance"

desk = "desk/maintenance/"
urlpatterns = [
    path(desk, RedirectView.as_view(pattern_name="maintenance:plans"), name="home"),
    path(f"{desk}plans/", plans.plans, name="plans"),
    path(f"{desk}plans/new/", plans.plan_new, name="plan_new"),
    path(f"{desk}plans/preview/", plans.plan_preview, name="plan_preview"),
    path(f"{desk}plans/step-row/", plans.plan_step_row, name="plan_step_row"),
    path(f"{desk}plans/<int:pk>/", plans.plan_detail, name="plan"),
    path(f"{desk}plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path(f"{desk}plans/<int:pk>/active/", plans.plan_active, name="plan_active"),
    path(f"{desk}plans/<int:pk>/skip/", plans.occurrence_skip, name="occurrence_skip"),
    path(f"{desk}plans/<int:pk>/move/", plans.occurrence_move, name="occurrence_move"),
    path(f"{desk}calendar/", calendar.calendar, name="calendar"),
    path(f"{desk}windows/", windows.windows, name="windows"),
    path(f"{desk}windows/new/", windows.window_new, name="window_new"),
    path(f"{desk}windows/<int:pk>/", windows.window_edit, name="window_edit"),
    path(f"{desk}windows/<int:pk>/delete/", windows.window_delete, name="window_delete"),
    path(f"{desk}patches/", patches.compliance_page, name="compliance"),
    path(f"{desk}patches/overdue/", patches.overdue, name="overdue"),
    path(f"{desk}patches/<int:pk>/state/", patches.patch_state, name="patch_state"),
    path(f"{desk}assets/", patches.assets, name="assets"),
    path(f"{desk}assets/<int:pk>/", patches.asset_detail, name="asset"),
    path(f"{desk}work/<str:ref>/", work.work_panel, name="work_panel"),
    path(f"{desk}work/<str:ref>/steps/<int:pk>/", work.work_step, name="work_step"),
    path(f"{desk}work/<str:ref>/steps/<int:pk>/incident/", work.work_incident,
         name="work_incident"),
    path(f"{desk}work/<str:ref>/resolve/", work.work_resolve, name="work_resolve"),
    path("maintenance/", portal.public_windows, name="public_windows"),
    path("maintenance/banner/dismiss/", portal.banner_dismiss, name="banner_dismiss"),
]
