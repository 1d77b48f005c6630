"""Admin for integrations: read-only. Webhooks are made, changed and rotated on the desk
pages (/desk/webhooks/) and the API, which go through integrations.services and audit
each change; the admin is for looking things up."""

from django.contrib import admin

from integrations.models import Attempt, Delivery, Endpoint
from itsm.admin_base import ReadOnlyAdmin


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "url", "enabled", "disabled_at", "created_at")
    list_filter = ("enabled",)
    search_fields = ("name", "url")
    # The signing secrets are never shown, here either.
    exclude = ("secret", "previous_secret")


class AttemptInline(ReadOnlyAdmin, admin.TabularInline):
    model = Attempt
    extra = 0
    fields = ("attempted_at", "status_code", "latency_ms", "succeeded", "error", "excerpt")
    readonly_fields = fields


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("msg_id", "endpoint", "event", "status", "attempts", "created_at")
    list_filter = ("status", "event", "endpoint")
    search_fields = ("msg_id",)
    list_select_related = ("endpoint",)
    date_hierarchy = "created_at"
    inlines = [AttemptInline]

# Chat channels and messages (read-only too): integrations/chat/admin.py.
from integrations.chat import admin as chat_admin  # noqa: E402, F401
