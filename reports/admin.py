"""Admin for who gets the weekly summary e-mail (reports store nothing else)."""

from django.contrib import admin

from reports.models import ReportSubscription


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly", "updated_at"]
    list_filter = ["weekly"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    raw_id_fields = ["user"]
