"""Admin for chat: read-only, secrets never shown. Channels are made and changed on the
desk (/desk/chat/), which goes through integrations.services.chat and audits each change.
Imported by integrations/admin.py."""

from django.contrib import admin

from integrations.models import ChatChannel, ChatMessage
from itsm.admin_base import ReadOnlyAdmin


@admin.register(ChatChannel)
class ChatChannelAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "team", "provider", "enabled", "last_sent_at", "last_error_at")
    list_filter = ("provider", "enabled", "team")
    search_fields = ("name",)
    exclude = ("webhook_url", "bot_token")


@admin.register(ChatMessage)
class ChatMessageAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("event", "thread_key", "channel", "status", "attempts", "created_at")
    list_filter = ("status", "event", "channel")
    search_fields = ("thread_key",)
