"""The admin half of the write rule (tools/admin_writes.py, run by check_writes): an admin
class that keeps Django's own save or delete hooks is reported at its `class` line; one
built on a service-backed base, a read-only one, and an inline of a service-backed admin
are not. Fixture conventions as in tests/test_architecture.py (`# WRITE` marks a finding).
"""

from tests.test_architecture import MODELS, marked, write
from tools import check_writes

ADMIN_BASE = '''
    """Fixture admin base: every save and delete is one service call."""
    from shop import services


    class ServiceBacked:
        def save_model(self, request, obj, form, change):
            pass

        def save_related(self, request, form, formsets, change):
            services.order_create(actor=request.user, draft=form.instance)

        def delete_model(self, request, obj):
            services.order_delete(actor=request.user, order=obj)

        def delete_queryset(self, request, queryset):
            for obj in queryset:
                self.delete_model(request, obj)
'''

ADMIN = '''
    """Fixture admin: defaults write, the base and read-only admins do not."""
    from django.contrib import admin
    from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

    from shop import admin_base, services
    from shop.models import Calendar, Line, Order


    class SavedInline(admin.TabularInline):
        model = Line


    class LooseInline(admin.StackedInline):  # WRITE
        model = Line


    class ReadOnlyInline(admin.TabularInline):
        model = Line

        def has_add_permission(self, request, obj=None):
            return False

        def has_change_permission(self, request, obj=None):
            return False

        def has_delete_permission(self, request, obj=None):
            return False


    @admin.register(Order)
    class OrderAdmin(admin.ModelAdmin):  # WRITE
        inlines = [LooseInline]


    @admin.register(Calendar)
    class CalendarAdmin(admin_base.ServiceBacked, admin.ModelAdmin):
        inlines = [SavedInline]


    class PeopleAdmin(DjangoUserAdmin):  # WRITE
        pass


    @admin.register(Line)
    class LineAdmin(admin.ModelAdmin):
        def save_model(self, request, obj, form, change):
            services.line_save(actor=request.user, line=obj)

        def has_delete_permission(self, request, obj=None):
            return False


    class TagsAdmin(LineAdmin):  # WRITE
        model = Order
'''


def test_admin_classes_that_keep_djangos_writing_hooks_are_reported(tmp_path):
    models = "\n".join(line[:len(line) - len(line.lstrip())] + "pass"
                       if line.endswith("# WRITE") else line for line in MODELS.splitlines())
    write(tmp_path, {"shop/models.py": models, "shop/admin_base.py": ADMIN_BASE,
                     "shop/admin.py": ADMIN})
    findings, _ = check_writes.check(tmp_path, apps=["shop"])

    assert {(f.path, f.line) for f in findings} == marked(tmp_path, ["shop"])
    assert {f.call for f in findings} == {
        "`LooseInline`", "`OrderAdmin`", "`PeopleAdmin`", "`TagsAdmin`"}
    tags = next(str(f) for f in findings if f.call == "`TagsAdmin`")
    assert "keeps Django's own save_related(): admin saves and deletes call services" in tags
