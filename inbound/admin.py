"""Admin for inbound: mailboxes save through inbound.services.mailboxes (secrets are
write-only: blank keeps the stored one); received messages are read-only records, retried
or released by the actions here (the same services as the desk's buttons)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from inbound.models import InboundMessage, Mailbox, State
from inbound.services import mailboxes, receive
from itsm.admin_base import ReadOnlyAdmin, ServiceBackedAdmin


class MailboxForm(forms.ModelForm):
    oauth_token_url = forms.URLField(required=False, assume_scheme="https",
                                     label="OAuth token URL")

    class Meta:
        model = Mailbox
        fields = ["name", "address", "enabled", "host", "port", "use_tls", "username",
                  "auth_method", "password", "oauth_token_url", "oauth_client_id",
                  "oauth_client_secret", "oauth_refresh_token", "folder", "processed_folder",
                  "failed_folder", "team", "category", "service", "allow_unknown_senders",
                  "internal_note_marker", "max_message_bytes", "sender_hourly_cap",
                  "poll_interval_seconds", "next_poll_at"]
        widgets = {name: forms.PasswordInput(render_value=False)
                   for name in mailboxes.SECRETS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in mailboxes.SECRETS:
            field = self.fields[name]
            field.required = False
            if self.instance.pk and getattr(self.instance, name):
                field.help_text = "Stored. Leave blank to keep it; type a new one to replace it."

    def clean(self):
        data = super().clean()
        # Blank secrets keep the stored values: the service fills them in before checking.
        for name in mailboxes.SECRETS:
            if not data.get(name) and self.instance.pk:
                data.pop(name, None)
        return data

    def _post_clean(self):
        super()._post_clean()  # the instance, with kept secrets, and the model's rules
        try:
            mailboxes.mailbox_check(self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Mailbox)
class MailboxAdmin(ServiceBackedAdmin, admin.ModelAdmin):
    form = MailboxForm
    list_display = ("name", "address", "enabled", "host", "folder", "team", "last_poll_at",
                    "last_error")
    list_filter = ("enabled", "auth_method")
    search_fields = ("name", "address", "host", "username")
    readonly_fields = ("uidvalidity", "last_uid", "last_poll_at", "last_error",
                       "last_error_at", "supports_idle", "lease_until")
    fieldsets = (
        (None, {"fields": ("name", "address", "enabled")}),
        ("Server", {"fields": ("host", "port", "use_tls", "username", "auth_method",
                               "password")}),
        ("OAuth2 (Microsoft 365, Google)", {"fields": (
            "oauth_token_url", "oauth_client_id", "oauth_client_secret",
            "oauth_refresh_token"), "classes": ("collapse",)}),
        ("Folders", {"fields": ("folder", "processed_folder", "failed_folder")}),
        ("New tickets", {"fields": ("team", "category", "service", "allow_unknown_senders",
                                    "internal_note_marker")}),
        ("Limits", {"fields": ("max_message_bytes", "sender_hourly_cap",
                               "poll_interval_seconds", "next_poll_at")}),
        ("State", {"fields": readonly_fields}),
    )

    def save_one(self, *, actor, obj, m2m, formsets, change):
        mailboxes.mailbox_save(mailbox=obj, actor=actor)

    def delete_one(self, *, actor, obj):
        mailboxes.mailbox_delete(mailbox=obj, actor=actor)


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("received_at", "mailbox", "sender", "subject", "state", "outcome",
                    "ticket")
    list_filter = ("state", "outcome", "mailbox", "is_automatic")
    search_fields = ("sender", "subject", "message_id")
    list_select_related = ("mailbox", "ticket")
    date_hierarchy = "received_at"
    actions = ["retry", "release"]

    def has_change_permission(self, request, obj=None):
        # Opens the changelist's actions for admins; the record stays read-only.
        return obj is None and request.user.has_perm("inbound.change_inboundmessage")

    def _again(self, request, queryset, state, service, verb):
        done = failed = 0
        for row in queryset.filter(state=state):
            try:
                service(message=row, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied):
                failed += 1
        self.message_user(request, f"{done} message(s) {verb}"
                          + (f"; {failed} could not be" if failed else "") + ".")

    @admin.action(description="Process the selected failed messages again")
    def retry(self, request, queryset):
        self._again(request, queryset, State.FAILED, receive.message_retry, "processed again")

    @admin.action(description="Release the selected held messages")
    def release(self, request, queryset):
        self._again(request, queryset, State.HELD, receive.message_release, "released")
