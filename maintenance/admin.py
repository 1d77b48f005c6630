"""Admin for maintenance configuration, and the CSV imports for advisories and inventories."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from maintenance import services
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
from maintenance.services.csv_import import KINDS, import_csv
from maintenance.services.inventory import can_ingest


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
            for field, errors in services.plan_errors(probe, None).items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(admin.ModelAdmin):
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
        services.plan_save(plan=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Steps and targets are saved now; the schedule may have changed with them.
        services.reschedule(form.instance, form.instance.updated_at)


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    """Read-only: occurrences change through the plan page (skip, move) or the sweep."""

    list_display = ("plan", "scheduled_for", "due_at", "status", "ticket")
    list_filter = ("status",)
    list_select_related = ("plan", "ticket")
    search_fields = ("plan__title",)
    date_hierarchy = "scheduled_for"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OccurrenceChange)
class OccurrenceChangeAdmin(admin.ModelAdmin):
    list_display = ("occurrence", "action", "from_at", "to_at", "actor", "at")
    list_filter = ("action",)
    list_select_related = ("occurrence__plan", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    list_display = ("reason", "starts_at", "ends_at", "created_by")
    filter_horizontal = ("services", "assets")
    search_fields = ("reason",)
    date_hierarchy = "starts_at"
    readonly_fields = ("occurrence", "ticket", "created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PatchPolicy)
class PatchPolicyAdmin(admin.ModelAdmin):
    """One row: deadlines by severity. Saving recomputes every patch's deadline (a task)."""

    list_display = ("__str__", "per_advisory_threshold", "team", "updated_at")

    def has_add_permission(self, request):
        return not PatchPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)
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
        if not (can_ingest(request.user) and self.has_change_permission(request)):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = import_csv(form.cleaned_data["kind"], form.cleaned_data["file"].read(),
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


@admin.register(Advisory)
class AdvisoryAdmin(ImportMixin, admin.ModelAdmin):
    list_display = ("identifier", "title", "severity", "cvss", "released_on", "fixed_version")
    list_filter = ("severity",)
    search_fields = ("identifier", "title", "package")
    date_hierarchy = "released_on"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"severity", "released_on"} & set(form.changed_data):
            from maintenance.services.patching import refresh_deadlines

            refresh_deadlines([obj.pk])


@admin.register(Software)
class SoftwareAdmin(ImportMixin, admin.ModelAdmin):
    import_kind = "software"
    list_display = ("asset", "name", "version", "updated_at")
    search_fields = ("name", "asset__name")
    list_select_related = ("asset",)
    autocomplete_fields = ("asset",)
    show_full_result_count = False


class EventInline(admin.TabularInline):
    model = AssetPatchEvent
    fields = ("at", "actor", "source", "old_state", "new_state", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AssetPatch)
class AssetPatchAdmin(ImportMixin, admin.ModelAdmin):
    """Read-only: states change on the desk, by agents or by import, so history is kept."""

    import_kind = "patches"
    list_display = ("advisory", "asset", "state", "deadline", "due_on", "follow_up")
    list_filter = ("state", "advisory__severity")
    search_fields = ("asset__name", "advisory__identifier")
    list_select_related = ("advisory", "asset", "follow_up")
    show_full_result_count = False
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The changelist (and its import page) stays usable; single rows are read-only.
        return obj is None and super().has_change_permission(request, obj)
