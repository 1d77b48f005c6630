"""Admin bases every app's admin.py uses: saves and deletes through services, or none at all.

Django's ModelAdmin writes by itself: save_model() calls obj.save(), save_related() calls
form.save_m2m() and each inline formset's save(), delete_model() and delete_queryset()
delete. The admin is a surface like the desk, so it calls services (DESIGN.md, "admin.py
saves and actions call services"); tools/check_writes.py reports an admin class that keeps
any of those defaults while it can add, change or delete.
"""

from django.core.exceptions import PermissionDenied

from itsm.web.reauth import SensitiveAdmin


class ServiceBackedAdmin(SensitiveAdmin):
    """Put before admin.ModelAdmin: each save and each delete is one service call.

    A subclass implements `save_one` and, unless it cannot delete, `delete_one`. The admin
    still validates the form, builds the object with `form.save(commit=False)` and each
    inline formset's `save(commit=False)` (both write nothing) and writes its history from
    them; the service does the actual save. List-editable changelists save the same way.
    Every add, change and delete first asks to re-authenticate (itsm/web/reauth.py).
    """

    def save_one(self, *, actor, obj, m2m: dict[str, list], formsets: list,
                 change: bool) -> None:
        """Call the service that saves `obj` (the unsaved instance the form built), its
        many-to-many values `m2m` (field name -> chosen rows, only the fields the form
        has) and the rows of `formsets` (new_objects, changed_objects, deleted_objects)."""
        raise NotImplementedError

    def delete_one(self, *, actor, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        pass  # saved with its many-to-many values and inline rows in save_related

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            formset.save(commit=False)  # fills the lists the history message reads
        m2m = {field.name: list(form.cleaned_data[field.name])
               for field in form.instance._meta.many_to_many if field.name in form.cleaned_data}
        self.save_one(actor=request.user, obj=form.instance, m2m=m2m, formsets=formsets,
                      change=change)

    def delete_model(self, request, obj):
        self.delete_one(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        # One call per row (the bulk action too), so each delete keeps the service's rules.
        for obj in queryset:
            self.delete_one(actor=request.user, obj=obj)


class ReadOnlyAdmin:
    """Put before admin.ModelAdmin (or an inline) for records only the product writes:
    logs, timelines, incidents. They can be viewed, never added, changed or deleted here;
    a subclass that opens a permission (a changelist page for an import) still saves and
    deletes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        raise PermissionDenied

    def save_related(self, request, form, formsets, change):
        raise PermissionDenied

    def delete_model(self, request, obj):
        raise PermissionDenied

    def delete_queryset(self, request, queryset):
        raise PermissionDenied
