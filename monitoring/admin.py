"""Checks in the admin: the same validation and services as the desk form."""

from django.contrib import admin

from itsm.admin_base import ReadOnlyAdmin
from monitoring import services
from monitoring.models import Check, CheckIncident
from monitoring.validation import validate_check


@admin.register(Check)
class CheckAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "state", "service", "team", "interval", "paused",
                    "last_run_at")
    list_filter = ("kind", "state", "paused", "team", "service")
    search_fields = ("name", "target")
    list_select_related = ("service", "team")
    readonly_fields = ("uuid", "state", "state_since", "next_run_at", "last_run_at",
                       "last_message", "open_incident")
    fields = (*services.CONFIG_FIELDS, *readonly_fields)
    actions = ["pause_checks", "resume_checks"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class ValidatedForm(form):
            def clean(self):
                cleaned = super().clean()
                instance = self.instance
                for name in services.CONFIG_FIELDS:
                    if name in cleaned:
                        setattr(instance, name, cleaned[name])
                validate_check(instance)
                return cleaned

        return ValidatedForm

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.CONFIG_FIELDS
                if name in form.cleaned_data}
        if change:
            saved = services.check_update(check=obj, actor=request.user, **data)
        else:
            saved = services.check_create(actor=request.user, **data)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.check_delete(check=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for check in queryset:
            services.check_delete(check=check, actor=request.user)

    @admin.action(description="Pause the selected checks")
    def pause_checks(self, request, queryset):
        for check in queryset:
            services.check_pause(check=check, actor=request.user)

    @admin.action(description="Resume the selected checks")
    def resume_checks(self, request, queryset):
        for check in queryset:
            services.check_resume(check=check, actor=request.user)


@admin.register(CheckIncident)
class CheckIncidentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: incidents open and recover with the check's results (monitoring.services)."""

    list_display = ("owner", "ticket", "down_since", "recovered_at", "failures", "flapping")
    list_select_related = ("owner", "ticket")
    readonly_fields = ("owner", "ticket", "down_since", "opened_at", "recovered_at",
                       "failures", "flapping")
