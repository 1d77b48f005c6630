"""Maintenance pages: the desk under /desk/maintenance/, planned maintenance at /maintenance/."""

from django.urls import path
from django.views.generic import RedirectView

from maintenance.web.desk import calendar as views_calendar
from maintenance.web.desk import patches as views_patches
from maintenance.web.desk import plans as views_plans
from maintenance.web.desk import windows as views_windows
from maintenance.web.desk import work as views_work

app_name = "maintenance"

desk = "desk/maintenance/"
urlpatterns = [
    path(desk, RedirectView.as_view(pattern_name="maintenance:plans"), name="home"),
    path(f"{desk}plans/", views_plans.plans, name="plans"),
    path(f"{desk}plans/new/", views_plans.plan_new, name="plan_new"),
    path(f"{desk}plans/preview/", views_plans.plan_preview, name="plan_preview"),
    path(f"{desk}plans/step-row/", views_plans.plan_step_row, name="plan_step_row"),
    path(f"{desk}plans/<int:pk>/", views_plans.plan_detail, name="plan"),
    path(f"{desk}plans/<int:pk>/edit/", views_plans.plan_edit, name="plan_edit"),
    path(f"{desk}plans/<int:pk>/active/", views_plans.plan_active, name="plan_active"),
    path(f"{desk}plans/<int:pk>/skip/", views_plans.occurrence_skip, name="occurrence_skip"),
    path(f"{desk}plans/<int:pk>/move/", views_plans.occurrence_move, name="occurrence_move"),
    path(f"{desk}calendar/", views_calendar.calendar, name="calendar"),
    path(f"{desk}windows/", views_windows.windows, name="windows"),
    path(f"{desk}windows/new/", views_windows.window_new, name="window_new"),
    path(f"{desk}windows/<int:pk>/", views_windows.window_edit, name="window_edit"),
    path(f"{desk}windows/<int:pk>/delete/", views_windows.window_delete, name="window_delete"),
    path(f"{desk}patches/", views_patches.compliance_page, name="compliance"),
    path(f"{desk}patches/overdue/", views_patches.overdue, name="overdue"),
    path(f"{desk}patches/<int:pk>/state/", views_patches.patch_state, name="patch_state"),
    path(f"{desk}assets/", views_patches.assets, name="assets"),
    path(f"{desk}assets/<int:pk>/", views_patches.asset_detail, name="asset"),
    path(f"{desk}work/<str:ref>/", views_work.work_panel, name="work_panel"),
    path(f"{desk}work/<str:ref>/steps/<int:pk>/", views_work.work_step, name="work_step"),
    path(f"{desk}work/<str:ref>/steps/<int:pk>/incident/", views_work.work_incident,
         name="work_incident"),
    path(f"{desk}work/<str:ref>/resolve/", views_work.work_resolve, name="work_resolve"),
    path("maintenance/", views_windows.public_windows, name="public_windows"),
]
