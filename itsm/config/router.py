"""/api/v1/: every app registers its viewsets on one router here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

import capacity.api as capacity_api
import inbound.api as inbound_api
import integrations.api as integrations_api
from itsm.api import calendars as core_api
from itsm.api.audit import AuditListView
from itsm.api.auth import MyTokensView, MyTokenView, ObtainTokenView
from knowledge.api import views as knowledge_api
from maintenance.api import views as maintenance_api
from monitoring.api import views as monitoring_api
from problems.api import views as problems_api
from reports.api import views as reports_api
from tickets.api import sla as api_sla
from tickets.api import views as tickets_api

router = DefaultRouter()
tickets_api.register(router)
api_sla.register(router)
core_api.register(router)
maintenance_api.register(router)
monitoring_api.register(router)
knowledge_api.register(router)
reports_api.register(router)
capacity_api.register(router)
problems_api.register(router)
inbound_api.register(router)
integrations_api.register(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", MyTokensView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", MyTokenView.as_view(), name="api-token-detail"),
    path("audit/", AuditListView.as_view(), name="api-audit-list"),
    *inbound_api.urls(),
    *router.urls,
]
