"""Admin for tickets: configuration rows (priority matrix, categories, SLA, escalation) are
edited here through tickets.services.config; tickets and their timeline are read-only,
changed only through the desk's services."""

from django import forms
from django.contrib import admin

from itsm.admin_base import ReadOnlyAdmin, ServiceBackedAdmin
from tickets.models import (
    OPEN_STATUSES,
    Category,
    EscalationRule,
    Kind,
    PendingNotification,
    Priority,
    PriorityRule,
    SlaPolicy,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.services import config, pending


@admin.register(PriorityRule)
class PriorityRuleAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    """The impact × urgency matrix. Changing a cell affects tickets filed from then on."""

    list_display = ("impact", "urgency", "priority")
    list_editable = ("priority",)
    list_display_links = None

    def has_add_permission(self, request):
        return PriorityRule.objects.count() < 9

    def has_delete_permission(self, request, obj=None):
        return False

    def save_one(self, *, actor, obj, m2m, formsets, change):
        config.priority_rule_save(actor=actor, rule=obj)


@admin.register(Category)
class CategoryAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    list_display = ("name", "default_team", "is_active")
    list_filter = ("is_active", "default_team")
    search_fields = ("name",)

    def save_one(self, *, actor, obj, m2m, formsets, change):
        config.category_save(actor=actor, category=obj)

    def delete_one(self, *, actor, obj):
        config.category_delete(actor=actor, category=obj)


class EventInline(ReadOnlyAdmin, admin.TabularInline):
    model = TicketEvent
    fields = ("at", "actor", "action", "field", "old_value", "new_value", "message")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only here: tickets change through the desk so every rule and timeline entry holds."""

    list_display = ("ref", "title", "kind", "status", "priority", "team", "assignee", "updated_at")
    list_filter = ("kind", "status", "priority", "team", "source")
    search_fields = ("title",)
    list_select_related = ("team", "assignee")
    inlines = [EventInline]
    show_full_result_count = False


def _choice_list(choices, help_text):
    return forms.TypedMultipleChoiceField(choices=choices, required=False, help_text=help_text,
                                          widget=forms.CheckboxSelectMultiple)


class SlaPolicyForm(forms.ModelForm):
    kinds = _choice_list(Kind.choices, "None ticked: every kind.")
    priorities = forms.TypedMultipleChoiceField(
        choices=Priority.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: every priority.")
    pause_statuses = _choice_list([(s, label) for s, label in Status.choices
                                   if s in OPEN_STATUSES and s != Status.NEW],
                                  "The clock stops while a ticket is in one of these.")

    class Meta:
        model = SlaPolicy
        fields = ["name", "order", "is_active", "kinds", "priorities", "service", "team",
                  "calendar", "response_minutes", "resolution_minutes", "warning_percent",
                  "pause_statuses"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    form = SlaPolicyForm
    list_display = ("name", "order", "is_active", "match", "calendar", "response_minutes",
                    "resolution_minutes", "warning_percent")
    list_editable = ("order", "is_active")
    list_select_related = ("calendar", "service", "team")

    @admin.display(description="Matches")
    def match(self, obj):
        parts = [", ".join(Kind(k).label for k in obj.kinds) or "any kind",
                 ", ".join(f"P{p}" for p in obj.priorities) or "any priority"]
        if obj.service:
            parts.append(f"service {obj.service}")
        if obj.team:
            parts.append(f"team {obj.team}")
        return " · ".join(parts)

    def save_one(self, *, actor, obj, m2m, formsets, change):
        config.sla_policy_save(actor=actor, policy=obj)

    def delete_one(self, *, actor, obj):
        config.sla_policy_delete(actor=actor, policy=obj)


class EscalationRuleForm(forms.ModelForm):
    priorities = forms.TypedMultipleChoiceField(
        choices=Priority.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: every priority.")

    class Meta:
        model = EscalationRule
        fields = ["name", "order", "is_active", "trigger", "priorities", "team",
                  "notify_assignee", "notify_team", "notify_managers", "notify_user",
                  "reassign_team", "raise_priority", "business_hours_only"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    form = EscalationRuleForm
    list_display = ("name", "trigger", "order", "is_active", "team", "business_hours_only")
    list_filter = ("trigger", "is_active")
    list_editable = ("order", "is_active")

    def save_one(self, *, actor, obj, m2m, formsets, change):
        config.escalation_rule_save(actor=actor, rule=obj)

    def delete_one(self, *, actor, obj):
        config.escalation_rule_delete(actor=actor, rule=obj)


@admin.register(PendingNotification)
class PendingNotificationAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    """Queued e-mail events; one that keeps failing stays here with its last error.

    Deleting a row drops that notification; resetting attempts to 0 sends it again.
    """

    list_display = ("id", "event", "ticket", "created_at", "attempts", "last_error")
    list_filter = ("event",)
    readonly_fields = ("ticket", "event", "object_id", "created_at", "last_error")
    fields = ("ticket", "event", "object_id", "created_at", "attempts", "last_error")

    def has_add_permission(self, request):
        return False

    def save_one(self, *, actor, obj, m2m, formsets, change):
        pending.pending_notification_save(actor=actor, notification=obj)

    def delete_one(self, *, actor, obj):
        pending.pending_notification_delete(actor=actor, notification=obj)
