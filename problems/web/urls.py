"""Problem pages under /desk/problems/ (app_name "problems")."""

from django.urls import path

from problems.web.desk import actions, proposals, views

app_name = "problems"

base = "desk/problems/"
urlpatterns = [
    path(base, views.problem_list, name="desk_problems"),
    path(f"{base}<int:pk>/", views.problem_detail, name="desk_problem"),
    path(f"{base}<int:pk>/save/", actions.problem_save, name="desk_problem_save"),
    path(f"{base}<int:pk>/link/", actions.problem_link, name="desk_problem_link"),
    path(f"{base}<int:pk>/unlink/<str:ref>/", actions.problem_unlink,
         name="desk_problem_unlink"),
    path(f"{base}<int:pk>/workaround/", actions.problem_send, name="desk_problem_send"),
    path(f"{base}<int:pk>/plan/", actions.problem_plan, name="desk_problem_plan"),
    path(f"{base}<int:pk>/why/", actions.problem_why, name="desk_problem_why"),
    path(f"{base}from-incident/<str:ref>/", actions.problem_from_incident,
         name="desk_from_incident"),
    path(f"{base}bulk-link/", actions.bulk_link, name="desk_bulk_link"),
    path(f"{base}possible/", proposals.proposals, name="desk_proposals"),
    path(f"{base}possible/<int:pk>/accept/", proposals.accept, name="desk_proposal_accept"),
    path(f"{base}possible/<int:pk>/dismiss/", proposals.dismiss, name="desk_proposal_dismiss"),
]
