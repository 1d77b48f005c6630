"""Capacity pages of the desk, under /desk/capacity/."""

from django.urls import path

from capacity.web.desk import agents, assets, views

app_name = "capacity"

root = "desk/capacity/"
urlpatterns = [
    path(root, views.board, name="board"),
    path(f"{root}assets/<int:pk>/", assets.asset, name="asset"),
    path(f"{root}agents/", agents.agents, name="agents"),
    path(f"{root}agents/<int:pk>/", agents.agent_asset, name="agent_asset"),
    path(f"{root}agents/<int:pk>/tokens/", agents.token_create, name="token_create"),
    path(f"{root}tokens/<int:pk>/revoke/", agents.token_revoke, name="token_revoke"),
    path(f"{root}agents/<int:pk>/targets/", agents.target_add, name="target_add"),
    path(f"{root}targets/<int:pk>/delete/", agents.target_delete, name="target_delete"),
]
