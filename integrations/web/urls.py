"""Webhook pages under /desk/webhooks/ and chat channels under /desk/chat/ (app_name
"integrations"), admins only."""

from django.urls import path

from integrations.web.desk import actions, chat, views

app_name = "integrations"

urlpatterns = [
    path("desk/webhooks/", views.webhooks, name="webhooks"),
    path("desk/webhooks/new/", actions.webhook_new, name="webhook_new"),
    path("desk/webhooks/<int:pk>/", views.webhook, name="webhook"),
    path("desk/webhooks/<int:pk>/edit/", actions.webhook_edit, name="webhook_edit"),
    path("desk/webhooks/<int:pk>/delete/", actions.webhook_delete, name="webhook_delete"),
    path("desk/webhooks/<int:pk>/rotate/", actions.webhook_rotate, name="webhook_rotate"),
    path("desk/webhooks/<int:pk>/test/", actions.webhook_test, name="webhook_test"),
    path("desk/webhooks/<int:pk>/enable/", actions.webhook_enable, name="webhook_enable"),
    path("desk/webhooks/deliveries/<int:pk>/", views.delivery, name="delivery"),
    path("desk/webhooks/deliveries/<int:pk>/redeliver/", actions.delivery_redeliver,
         name="delivery_redeliver"),
    # Chat channels (Slack, Teams) per team: integrations/web/desk/chat.py.
    path("desk/chat/", chat.chat_channels, name="chat_channels"),
    path("desk/chat/new/", chat.chat_channel_new, name="chat_channel_new"),
    path("desk/chat/<int:pk>/", chat.chat_channel, name="chat_channel"),
    path("desk/chat/<int:pk>/test/", chat.chat_channel_test, name="chat_channel_test"),
    path("desk/chat/<int:pk>/delete/", chat.chat_channel_delete, name="chat_channel_delete"),
]
