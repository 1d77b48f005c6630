"""Admin for the core: users, teams, services, assets, the notification log, calendars."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from itsm import calendars
from itsm.models import (
    Asset,
    BusinessCalendar,
    ClosedDate,
    NotificationLog,
    Service,
    Team,
    User,
    WorkingPeriod,
)
from itsm.services.calendars import calendar_delete, calendar_save


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


class WorkingPeriodFormSet(forms.BaseInlineFormSet):
    """Refuses overlapping or reversed spans across the whole week, with the day named."""

    def clean(self):
        super().clean()
        periods = [(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
                   for f in self.forms
                   if f.cleaned_data and not f.cleaned_data.get("DELETE")
                   and {"weekday", "start", "end"} <= set(f.cleaned_data)]
        calendars.validate_week(periods)
        if not periods:
            raise forms.ValidationError("A calendar needs at least one working period "
                                        "(for round the clock, 00:00–00:00 on every day).")


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    formset = WorkingPeriodFormSet
    extra = 0


class ClosedDateInline(admin.TabularInline):
    model = ClosedDate
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "holiday_country", "holiday_subdivision", "updated_at")
    search_fields = ("name",)
    inlines = [WorkingPeriodInline, ClosedDateInline]

    # The calendar and its inline rows are written together by one service call, which
    # also bumps the calendar's version so cached schedules are rebuilt.
    def save_model(self, request, obj, form, change):
        pass  # saved with its rows in save_related

    def save_related(self, request, form, formsets, change):
        rows = {}
        for formset in formsets:
            # commit=False writes nothing; it fills new/changed/deleted_objects, which the
            # admin's history message reads.
            formset.save(commit=False)
            rows[formset.model] = _rows(formset)
        calendar_save(actor=request.user, calendar=form.instance,
                      periods=rows.get(WorkingPeriod), closed_dates=rows.get(ClosedDate))

    def delete_model(self, request, obj):
        calendar_delete(actor=request.user, calendar=obj)

    def delete_queryset(self, request, queryset):
        for calendar in queryset:
            calendar_delete(actor=request.user, calendar=calendar)


def _rows(formset) -> list[dict]:
    """The rows an inline formset asks for: the kept ones (with their "id") and new ones."""
    deleted = formset.deleted_forms
    kept = [form.instance for form in formset.initial_forms if form not in deleted]
    return [{**{field.name: getattr(row, field.name) for field in row._meta.concrete_fields
                if field.name not in ("id", formset.fk.name)}, "id": row.pk}
            for row in [*kept, *formset.new_objects]]
