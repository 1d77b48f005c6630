"""Admin for who gets the weekly summary e-mail (reports store nothing else)."""

from django.contrib import admin

from itsm.admin_base import ServiceBackedAdmin
from reports.models import ReportSubscription
from reports.services.subscriptions import subscription_delete, subscription_save


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    list_display = ["user", "weekly", "updated_at"]
    list_filter = ["weekly"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    raw_id_fields = ["user"]

    def save_one(self, *, actor, obj, m2m, formsets, change):
        subscription_save(actor=actor, subscription=obj)

    def delete_one(self, *, actor, obj):
        subscription_delete(actor=actor, subscription=obj)
