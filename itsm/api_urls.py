"""/api/v1/: every app registers its viewsets on one router here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from maintenance import api as maintenance_api
from monitoring import api as monitoring_api
from reports import api as reports_api
from tickets import api as tickets_api
from tickets import api_sla

from . import api as core_api
from .api_auth import ObtainTokenView

router = DefaultRouter()
tickets_api.register(router)
api_sla.register(router)
core_api.register(router)
maintenance_api.register(router)
monitoring_api.register(router)
reports_api.register(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
