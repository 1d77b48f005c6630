"""Admin for problems: read-only. Problems change through problems.services (the desk and
the API), so the lifecycle, the timeline and the known-error article stay consistent."""

from django.contrib import admin

from itsm.admin_base import ReadOnlyAdmin
from problems.models import Problem, ProblemIncident, Proposal, WorkaroundNote


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("ticket", "stage", "cause_category", "workaround_version",
                    "reanalysis_count", "quiet_until", "created_at")
    list_filter = ("stage", "cause_category")
    search_fields = ("ticket__title",)
    list_select_related = ("ticket",)


@admin.register(ProblemIncident)
class ProblemIncidentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("problem", "incident", "linked_at", "linked_by")
    list_select_related = ("problem__ticket", "incident", "linked_by")


@admin.register(WorkaroundNote)
class WorkaroundNoteAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("problem", "incident", "version", "posted_at", "replied_at")
    list_select_related = ("problem__ticket", "incident")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("title", "rule", "status", "updated_at", "decided_by")
    list_filter = ("rule", "status")
    search_fields = ("title",)
