"""The desk's chat pages (admins): the channels with their health, a form to add or edit
one with its recent messages, "send test message" and delete. Plain function views with
the admin check, so a re-authentication decorator can wrap the changes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

from integrations.models import ChatChannel, MessageStatus
from integrations.services.chat import channels as services
from integrations.services.chat.hours import channel_calendar
from integrations.web.desk.chat_forms import ChatChannelForm
from itsm.web.access import desk_action, desk_form_page, desk_page
from itsm.web.forms import add_service_errors

ADMIN_PERM = "integrations.change_chatchannel"


def require_chat_admin(user) -> None:
    if not user.has_perm(ADMIN_PERM):
        raise PermissionDenied("Chat channels are for administrators.")


@desk_page
def chat_channels(request):
    require_chat_admin(request.user)
    rows = (ChatChannel.objects.select_related("team", "calendar")
            .annotate(pending=Count("messages", filter=Q(messages__status=MessageStatus.PENDING)),
                      failed=Count("messages", filter=Q(messages__status=MessageStatus.FAILED))))
    return render(request, "integrations/chat_channels.html", {"channels": list(rows)})


def _form_page(request, channel: ChatChannel | None):
    form = ChatChannelForm(request.POST or None, channel=channel,
                           initial=ChatChannelForm.initial_for(channel) if channel else None)
    if request.method == "POST" and form.is_valid():
        target = channel or ChatChannel()
        try:
            saved = services.chat_channel_save(
                channel=target, actor=request.user, request=request,
                clear_bot_token=form.cleaned_data.get("clear_bot_token", False),
                **form.changes())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Chat channel “{saved.name}” saved.")
            return redirect("integrations:chat_channel", pk=saved.pk)
    recent, calendar = [], None
    if channel is not None:
        recent = list(channel.messages.only(
            "event", "thread_key", "status", "attempts", "created_at", "sent_at",
            "held_until", "status_code", "last_error", "channel_id")[:15])
        calendar = channel_calendar(channel)
    return render(request, "integrations/chat_channel.html", {
        "form": form, "channel": channel, "recent": recent, "calendar": calendar})


@desk_form_page
def chat_channel_new(request):
    require_chat_admin(request.user)
    return _form_page(request, None)


@desk_form_page
def chat_channel(request, pk: int):
    require_chat_admin(request.user)
    channel = get_object_or_404(ChatChannel.objects.select_related("team", "calendar"), pk=pk)
    return _form_page(request, channel)


@desk_action
def chat_channel_test(request, pk: int):
    require_chat_admin(request.user)
    channel = get_object_or_404(ChatChannel, pk=pk)
    services.chat_channel_test(channel=channel, actor=request.user, request=request)
    messages.success(request, f"Test message queued for “{channel.name}”: its outcome is "
                              "under Recent messages.")
    return redirect("integrations:chat_channel", pk=channel.pk)


@desk_action
def chat_channel_delete(request, pk: int):
    require_chat_admin(request.user)
    channel = get_object_or_404(ChatChannel.objects.select_related("team"), pk=pk)
    services.chat_channel_delete(channel=channel, actor=request.user, request=request)
    messages.success(request, f"Chat channel “{channel.name}” deleted.")
    return redirect("integrations:chat_channels")
