"""Admin for capacity: series, buckets and events are read-only (only ingest writes them);
agent tokens are listed read-only and revoked through itsm.services.asset_tokens."""

from django.contrib import admin, messages

from capacity.models import Series, SeriesEvent
from itsm.admin_base import ReadOnlyAdmin
from itsm.models import AssetToken
from itsm.services import asset_tokens


@admin.register(Series)
class SeriesAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("asset", "kind", "name", "source", "last_value", "last_at", "state",
                    "eta_earliest")
    list_filter = ("kind", "source", "state")
    search_fields = ("asset__name", "name")
    list_select_related = ("asset",)


@admin.register(SeriesEvent)
class SeriesEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("series", "kind", "at", "before", "after")
    list_filter = ("kind",)
    list_select_related = ("series__asset",)


@admin.register(AssetToken)
class AssetTokenAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("asset", "name", "prefix", "created_by", "created_at", "last_used_at",
                    "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("asset__name", "prefix", "name")
    list_select_related = ("asset", "created_by")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        # Opens the changelist's action for support engineers; the form stays read-only.
        return obj is None and request.user.is_agent

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            asset_tokens.asset_token_revoke(token=token, actor=request.user)
        messages.success(request, f"{len(live)} token(s) revoked.")
