"""Admin for the core: users, teams, services, assets, the notification log, calendars,
sign-in policies and the audit log.

Every save and delete calls itsm.services (itsm.admin_base); the notification log is
read-only.
"""

from contextvars import ContextVar

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from itsm import calendars, roles
from itsm.admin_base import ReadOnlyAdmin, ServiceBackedAdmin
from itsm.models import (
    Asset,
    AuditEntry,
    BusinessCalendar,
    ClosedDate,
    NotificationLog,
    Service,
    SignInPolicy,
    Team,
    User,
    WorkingPeriod,
)
from itsm.services.calendars import calendar_delete, calendar_save
from itsm.services.catalog import asset_delete, asset_save, service_delete, service_save
from itsm.services.directory import (
    team_delete,
    team_save,
    user_delete,
    user_password_save,
    user_save,
)
from itsm.services.sign_in_policy import sign_in_policy_delete, sign_in_policy_set

# Who is changing a password: Django's password page builds its form without the request.
_password_actor: ContextVar[User] = ContextVar("password_actor")


class PasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        # What AdminPasswordChangeForm.save does, minus the write: sets the hash (or an
        # unusable one) on the instance.
        user = self.set_password_and_save(self.user, commit=False)
        return user_password_save(actor=_password_actor.get(), user=user)


@admin.register(User)
class UserAdmin(ServiceBackedAdmin, DjangoUserAdmin):
    """Django's user admin (the add page sets the password), saving through user_save."""

    change_password_form = PasswordChangeForm
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Tend", {"fields": ("job_title", "phone")}))
    list_display = ("username", "email", "first_name", "last_name", "role_names", "is_active")
    list_filter = ("groups", "is_active", "is_staff")

    @admin.display(description="Roles")
    def role_names(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def user_change_password(self, request, id, form_url=""):
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    def save_one(self, *, actor, obj, m2m, formsets, change):
        user_save(actor=actor, user=obj, groups=m2m.get("groups"),
                  user_permissions=m2m.get("user_permissions"))

    def delete_one(self, *, actor, obj):
        user_delete(actor=actor, user=obj)


@admin.register(Team)
class TeamAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    list_display = ("name", "email", "lead", "member_count")
    search_fields = ("name",)
    filter_horizontal = ("members",)
    autocomplete_fields = ("lead",)

    @admin.display(description="Members")
    def member_count(self, obj):
        return obj.members.count()

    def save_one(self, *, actor, obj, m2m, formsets, change):
        team_save(actor=actor, team=obj, members=m2m.get("members"))

    def delete_one(self, *, actor, obj):
        team_delete(actor=actor, team=obj)


@admin.register(Service)
class ServiceAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    list_display = ("name", "owner_team", "is_active")
    list_filter = ("is_active", "owner_team")
    search_fields = ("name", "description")

    def save_one(self, *, actor, obj, m2m, formsets, change):
        service_save(actor=actor, service=obj)

    def delete_one(self, *, actor, obj):
        service_delete(actor=actor, service=obj)


@admin.register(Asset)
class AssetAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    list_display = ("name", "kind", "service", "hostname", "ip_address", "is_active")
    list_filter = ("kind", "service", "is_active")
    search_fields = ("name", "hostname", "ip_address")
    list_select_related = ("service",)

    def save_one(self, *, actor, obj, m2m, formsets, change):
        asset_save(actor=actor, asset=obj)

    def delete_one(self, *, actor, obj):
        asset_delete(actor=actor, asset=obj)


@admin.register(NotificationLog)
class NotificationLogAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: a row is what makes a sent e-mail never go out twice."""

    list_display = ("key", "subject", "recipients", "created_at", "sent_at", "attempts")
    search_fields = ("key", "subject", "recipients")
    readonly_fields = [f.name for f in NotificationLog._meta.fields]


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
class BusinessCalendarAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    list_display = ("name", "time_zone", "holiday_country", "holiday_subdivision", "updated_at")
    search_fields = ("name",)
    inlines = [WorkingPeriodInline, ClosedDateInline]

    # The calendar and its inline rows are written together by one service call, which
    # also bumps the calendar's version so cached schedules are rebuilt.
    def save_one(self, *, actor, obj, m2m, formsets, change):
        rows = {formset.model: _rows(formset) for formset in formsets}
        calendar_save(actor=actor, calendar=obj, periods=rows.get(WorkingPeriod),
                      closed_dates=rows.get(ClosedDate))

    def delete_one(self, *, actor, obj):
        calendar_delete(actor=actor, calendar=obj)


def _rows(formset) -> list[dict]:
    """The rows an inline formset asks for: the kept ones (with their "id") and new ones."""
    deleted = formset.deleted_forms
    kept = [form.instance for form in formset.initial_forms if form not in deleted]
    return [{**{field.name: getattr(row, field.name) for field in row._meta.concrete_fields
                if field.name not in ("id", formset.fk.name)}, "id": row.pk}
            for row in [*kept, *formset.new_objects]]


class SignInPolicyForm(forms.ModelForm):
    role = forms.ChoiceField(choices=[(name, name) for name in roles.ALL])

    class Meta:
        model = SignInPolicy
        fields = ["role", "mfa_required", "sso_required"]


# The request of a policy change, for the audit entry's address: ServiceBackedAdmin
# hands save_one the actor only.
_policy_request: ContextVar = ContextVar("policy_request", default=None)


@admin.register(SignInPolicy)
class SignInPolicyAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    """One row per role; a role without one follows TEND_MFA_REQUIRED_ROLES and
    TEND_SSO_REQUIRED_ROLES. Every change is in the audit log."""

    form = SignInPolicyForm
    list_display = ("role", "mfa_required", "sso_required")

    def get_readonly_fields(self, request, obj=None):
        return ("role",) if obj is not None else ()  # a row is its role's, for good

    def _with_request(self, view, request, *args, **kwargs):
        token = _policy_request.set(request)
        try:
            return view(request, *args, **kwargs)
        finally:
            _policy_request.reset(token)

    def changeform_view(self, request, *args, **kwargs):
        return self._with_request(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._with_request(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):  # the bulk delete action
        return self._with_request(super().changelist_view, request, *args, **kwargs)

    def save_one(self, *, actor, obj, m2m, formsets, change):
        saved = sign_in_policy_set(actor=actor, role=obj.role, mfa_required=obj.mfa_required,
                                   sso_required=obj.sso_required,
                                   request=_policy_request.get())
        obj.pk = saved.pk  # the admin's history and redirect need the saved row

    def delete_one(self, *, actor, obj):
        sign_in_policy_delete(actor=actor, policy=obj, request=_policy_request.get())


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: entries are written by itsm/services/audit.py and never edited. The
    desk page /desk/audit/ filters and exports them."""

    list_display = ("at", "action", "actor_name", "target", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "target", "ip")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    show_full_result_count = False  # a COUNT(*) over years of sign-ins on every page
