from django.contrib import admin

from .models import Category, PriorityRule, Ticket, TicketEvent


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    """The impact × urgency matrix. Changing a cell affects tickets filed from then on."""

    list_display = ("impact", "urgency", "priority")
    list_editable = ("priority",)
    list_display_links = None

    def has_add_permission(self, request):
        return PriorityRule.objects.count() < 9

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "default_team", "is_active")
    list_filter = ("is_active", "default_team")
    search_fields = ("name",)


class EventInline(admin.TabularInline):
    model = TicketEvent
    fields = ("at", "actor", "action", "field", "old_value", "new_value", "message")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only here: tickets change through the desk so every rule and timeline entry holds."""

    list_display = ("ref", "title", "kind", "status", "priority", "team", "assignee", "updated_at")
    list_filter = ("kind", "status", "priority", "team", "source")
    search_fields = ("title",)
    list_select_related = ("team", "assignee")
    inlines = [EventInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
