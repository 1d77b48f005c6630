"""Admin for maintenance configuration, and the CSV imports for advisories and inventories.

Saves and deletes go through maintenance.services, so the admin keeps the same rules as
the desk and the API; the forms ask the services' `*_errors` first to show field errors.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from itsm.admin_base import ReadOnlyAdmin
from maintenance import selectors, services
from maintenance.models import (
    Advisory,
    AssetPatch,
    AssetPatchEvent,
    MaintenancePlan,
    MaintenanceWindow,
    Occurrence,
    OccurrenceChange,
    PatchPolicy,
    PlanStep,
    Software,
)
from maintenance.services import patching
from maintenance.services.advisories import FIELDS as ADVISORY_FIELDS
from maintenance.services.csv_import import KINDS, csv_import_apply
from maintenance.services.inventory import software_delete, software_save


def _add_errors(form: forms.Form, errors: dict) -> None:
    for field, messages_ in errors.items():
        form.add_error(field if field in form.fields else None, messages_)


class DeletesThroughService:
    """Deleting one row or many (the bulk action) calls `delete_one` for each row."""

    def delete_one(self, obj, actor) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_one(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_one(obj, request.user)


class PlanStepInline(admin.TabularInline):
    model = PlanStep
    extra = 1
    fields = ("position", "text", "requires_note", "requires_result")


class PlanAdminForm(forms.ModelForm):
    class Meta:
        model = MaintenancePlan
        fields = ["title", "kind", "instructions", "assets", "services", "team", "assignee",
                  "rrule", "starts_on", "at_time", "time_zone", "expected_duration",
                  "lead_time", "priority", "is_active", "creates_window"]

    def clean(self):
        cleaned = super().clean()
        names = ("title", "rrule", "starts_on", "at_time", "time_zone", "expected_duration",
                 "lead_time", "team", "assignee")
        if all(cleaned.get(n) is not None for n in ("rrule", "starts_on", "at_time")):
            probe = MaintenancePlan(**{n: cleaned.get(n, getattr(self.instance, n))
                                       for n in names})
            _add_errors(self, services.plan_errors(probe, None))
        if cleaned.get("creates_window") and not cleaned.get("assets") \
                and not cleaned.get("services"):
            self.add_error("creates_window", "A window needs at least one asset or service.")
        return cleaned


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(DeletesThroughService, admin.ModelAdmin):
    """Plans save through maintenance.services so the next occurrence is recomputed."""

    form = PlanAdminForm
    list_display = ("title", "kind", "rrule", "time_zone", "team", "is_active",
                    "next_occurrence_at")
    list_filter = ("is_active", "kind", "team")
    search_fields = ("title",)
    filter_horizontal = ("assets", "services")
    autocomplete_fields = ("assignee",)
    readonly_fields = ("next_occurrence_at", "next_generate_at", "generation_error",
                       "created_by", "created_at", "updated_at")
    inlines = [PlanStepInline]

    def save_model(self, request, obj, form, change):
        pass  # saved with its steps and targets in save_related: one service call

    def save_related(self, request, form, formsets, change):
        rows = [f.cleaned_data for formset in formsets for f in formset.forms
                if f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")]
        rows.sort(key=lambda row: row["position"])
        services.plan_save(plan=form.instance, actor=request.user, steps=rows,
                           assets=list(form.cleaned_data["assets"]),
                           services=list(form.cleaned_data["services"]))
        for formset in formsets:  # the change message reads what formsets saved: nothing
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_one(self, obj, actor):
        services.plan_delete(plan=obj, actor=actor)


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: occurrences change through the plan page (skip, move) or the sweep."""

    list_display = ("plan", "scheduled_for", "due_at", "status", "ticket")
    list_filter = ("status",)
    list_select_related = ("plan", "ticket")
    search_fields = ("plan__title",)
    date_hierarchy = "scheduled_for"


@admin.register(OccurrenceChange)
class OccurrenceChangeAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: the history of skipped and moved occurrences."""

    list_display = ("occurrence", "action", "from_at", "to_at", "actor", "at")
    list_filter = ("action",)
    list_select_related = ("occurrence__plan", "actor")


class WindowAdminForm(forms.ModelForm):
    class Meta:
        model = MaintenanceWindow
        fields = ["reason", "details", "starts_at", "ends_at", "services", "assets"]

    def clean(self):
        cleaned = super().clean()
        probe = MaintenanceWindow(reason=cleaned.get("reason"), starts_at=cleaned.get("starts_at"),
                                  ends_at=cleaned.get("ends_at"))
        errors = services.window_errors(probe, services=list(cleaned.get("services") or []),
                                        assets=list(cleaned.get("assets") or []))
        _add_errors(self, {f: m for f, m in errors.items() if f not in self.errors})
        return cleaned


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(DeletesThroughService, admin.ModelAdmin):
    """One-off windows save through maintenance.services: the desk's rules apply here too."""

    form = WindowAdminForm
    list_display = ("reason", "starts_at", "ends_at", "created_by")
    filter_horizontal = ("services", "assets")
    search_fields = ("reason",)
    date_hierarchy = "starts_at"
    readonly_fields = ("occurrence", "ticket", "created_by", "created_at")

    def save_model(self, request, obj, form, change):
        services.window_save(window=obj, actor=request.user,
                             services=list(form.cleaned_data["services"]),
                             assets=list(form.cleaned_data["assets"]))

    def save_related(self, request, form, formsets, change):
        pass  # window_save set the services and assets

    def delete_one(self, obj, actor):
        services.window_delete(window=obj, actor=actor)


@admin.register(PatchPolicy)
class PatchPolicyAdmin(admin.ModelAdmin):
    """One row: deadlines by severity. Saving recomputes every patch's deadline (a task)."""

    list_display = ("__str__", "per_advisory_threshold", "team", "updated_at")

    def has_add_permission(self, request):
        return not PatchPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        patching.patch_policy_save(policy=obj, actor=request.user)
        from maintenance.tasks import refresh_patch_deadlines

        transaction.on_commit(lambda: refresh_patch_deadlines.delay(None))
        messages.info(request, "Deadlines of every patch are being recomputed.")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, v.label) for k, v in KINDS.items()])
    file = forms.FileField(help_text="CSV, UTF-8, with a header row.")


class ImportMixin:
    """An "Import CSV" page on the changelist; nothing is applied unless every row is good."""

    import_kind = "advisories"
    change_list_template = "maintenance/admin/change_list_import.html"

    def get_urls(self):
        opts = self.model._meta
        return [path("import/", self.admin_site.admin_view(self.import_view),
                     name=f"{opts.app_label}_{opts.model_name}_import"), *super().get_urls()]

    def import_view(self, request):
        if not (selectors.user_can_ingest(request.user)
                and self.has_change_permission(request)):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = csv_import_apply(kind=form.cleaned_data["kind"],
                                          data=form.cleaned_data["file"].read(),
                                          actor=request.user)
                if report.ok:
                    messages.success(request, f"Imported {report.rows} rows: {report.created} "
                                              f"created, {report.updated} updated.")
                    opts = self.model._meta
                    return redirect(reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        else:
            form = ImportForm(initial={"kind": self.import_kind})
        context = {**self.admin_site.each_context(request), "form": form, "report": report,
                   "kinds": KINDS, "opts": self.model._meta, "title": "Import CSV"}
        return TemplateResponse(request, "maintenance/admin/import.html", context,
                                status=400 if report and not report.ok else 200)


class AdvisoryAdminForm(forms.ModelForm):
    class Meta:
        model = Advisory
        fields = [*ADVISORY_FIELDS, "created_at"]
        # A bare "vendor.example/advisory" means https, as Django 6 will assume anyway.
        formfield_callback = staticmethod(
            lambda field, **kwargs: field.formfield(
                **({"assume_scheme": "https"} if isinstance(field, models.URLField) else {}),
                **kwargs))

    def clean(self):
        cleaned = super().clean()
        probe = Advisory(pk=self.instance.pk, **{f: cleaned.get(f) for f in ADVISORY_FIELDS})
        errors = services.advisory_errors(probe)
        _add_errors(self, {f: m for f, m in errors.items() if f not in self.errors})
        return cleaned


@admin.register(Advisory)
class AdvisoryAdmin(DeletesThroughService, ImportMixin, admin.ModelAdmin):
    """Advisories save through maintenance.services: a new severity or release date
    recomputes the deadline on every asset."""

    form = AdvisoryAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("identifier", "title", "severity", "cvss", "released_on", "fixed_version")
    list_filter = ("severity",)
    search_fields = ("identifier", "title", "package")
    date_hierarchy = "released_on"

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data[f] for f in ADVISORY_FIELDS if f in form.cleaned_data}
        if change:
            changed = {f: v for f, v in values.items() if f in form.changed_data}
            services.advisory_update(advisory=obj, actor=request.user, changes=changed)
        else:
            saved = services.advisory_create(actor=request.user, **values,
                                             now=form.cleaned_data.get("created_at"))
            obj.__dict__.update(saved.__dict__)  # the admin logs and redirects with `obj`

    def delete_one(self, obj, actor):
        services.advisory_delete(advisory=obj, actor=actor)


@admin.register(Software)
class SoftwareAdmin(DeletesThroughService, ImportMixin, admin.ModelAdmin):
    import_kind = "software"
    list_display = ("asset", "name", "version", "updated_at")
    search_fields = ("name", "asset__name")
    list_select_related = ("asset",)
    autocomplete_fields = ("asset",)
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        software_save(software=obj, actor=request.user)

    def delete_one(self, obj, actor):
        software_delete(software=obj, actor=actor)


class EventInline(ReadOnlyAdmin, admin.TabularInline):
    model = AssetPatchEvent
    fields = ("at", "actor", "source", "old_state", "new_state", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(AssetPatch)
class AssetPatchAdmin(ReadOnlyAdmin, ImportMixin, admin.ModelAdmin):
    """Read-only: states change on the desk, by agents or by import, so history is kept."""

    import_kind = "patches"
    list_display = ("advisory", "asset", "state", "deadline", "due_on", "follow_up")
    list_filter = ("state", "advisory__severity")
    search_fields = ("asset__name", "advisory__identifier")
    list_select_related = ("advisory", "asset", "follow_up")
    show_full_result_count = False
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        # The changelist (and its import page) stays usable; single rows are read-only.
        # ModelAdmin's own check, past ReadOnlyAdmin's "never".
        return obj is None and admin.ModelAdmin.has_change_permission(self, request, obj)
