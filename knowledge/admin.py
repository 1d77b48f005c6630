"""Admin for the knowledge base: articles save through knowledge.services (each save is a
version, the publish rules hold); versions, feedback, links and logs are read-only here."""

from django import forms
from django.contrib import admin

from itsm.admin_base import ReadOnlyAdmin, ServiceBackedAdmin
from knowledge import services
from knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleTicketLink,
    ArticleVersion,
    Deflection,
    SearchLog,
)


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "symptoms", "cause", "resolution", "audience", "confidence",
                  "category", "services", "asset_kinds", "owner", "review_at"]

    def clean(self):
        # The service's own checks, shown on the form instead of failing at save.
        cleaned = super().clean()
        probe = Article(**{name: cleaned.get(name, getattr(self.instance, name, None))
                           for name in ("title", "symptoms", "cause", "resolution",
                                        "audience", "confidence", "owner")},
                        asset_kinds=cleaned.get("asset_kinds") or [])
        for field, messages in services.article_errors(probe).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(Article)
class ArticleAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ("title", "audience", "confidence", "owner", "review_at", "version",
                    "updated_at")
    list_filter = ("audience", "confidence", "category")
    search_fields = ("title",)
    filter_horizontal = ("services",)
    autocomplete_fields = ("owner",)

    def save_one(self, *, actor, obj, m2m, formsets, change):
        chosen = m2m.get("services")
        if change:
            services.article_update(actor=actor, article=obj, services=chosen)
        else:
            services.article_create(actor=actor, article=obj, services=chosen or [])

    def delete_one(self, *, actor, obj):
        services.article_delete(actor=actor, article=obj)


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("article", "number", "by", "at", "note")
    list_select_related = ("article", "by")


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("article", "user", "helpful", "reason", "at")
    list_filter = ("helpful",)
    list_select_related = ("article", "user")


@admin.register(ArticleTicketLink)
class ArticleTicketLinkAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("article", "ticket", "by", "at")
    list_select_related = ("article", "ticket", "by")


@admin.register(SearchLog)
class SearchLogAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("query", "results", "top_score", "where", "role", "at")
    list_filter = ("where", "role")
    search_fields = ("query",)


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("query", "user", "service", "solved_by", "at", "solved_at")
    list_select_related = ("user", "service", "solved_by")
