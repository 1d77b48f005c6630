from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Asset, NotificationLog, Service, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Tend", {"fields": ("job_title", "phone")}))
    list_display = ("username", "email", "first_name", "last_name", "role_names", "is_active")
    list_filter = ("groups", "is_active", "is_staff")

    @admin.display(description="Roles")
    def role_names(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "lead", "member_count")
    search_fields = ("name",)
    filter_horizontal = ("members",)
    autocomplete_fields = ("lead",)

    @admin.display(description="Members")
    def member_count(self, obj):
        return obj.members.count()


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "owner_team", "is_active")
    list_filter = ("is_active", "owner_team")
    search_fields = ("name", "description")


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "service", "hostname", "ip_address", "is_active")
    list_filter = ("kind", "service", "is_active")
    search_fields = ("name", "hostname", "ip_address")
    list_select_related = ("service",)


@admin.register(NotificationLog)
class NotificationLogAdmin(admin.ModelAdmin):
    list_display = ("key", "subject", "recipients", "created_at", "sent_at", "attempts")
    search_fields = ("key", "subject", "recipients")
    readonly_fields = [f.name for f in NotificationLog._meta.fields]

    def has_add_permission(self, request):
        return False
