"""Mail pages under /desk/mail/ and the participants of a desk ticket (app_name "inbound")."""

from django.urls import path

from inbound.web.desk import actions, views

app_name = "inbound"

urlpatterns = [
    path("desk/mail/", views.mail_overview, name="overview"),
    path("desk/mail/<int:pk>/", views.message_detail, name="message"),
    path("desk/mail/<int:pk>/raw/", views.message_raw, name="message_raw"),
    path("desk/mail/<int:pk>/retry/", actions.message_retry, name="message_retry"),
    path("desk/mail/<int:pk>/release/", actions.message_release, name="message_release"),
    path("desk/mailboxes/<int:pk>/poll/", actions.mailbox_poll, name="mailbox_poll"),
    path("desk/mailboxes/<int:pk>/token/", actions.mailbox_token, name="mailbox_token"),
    path("desk/tickets/<str:ref>/participants/", actions.participant_add,
         name="participant_add"),
    path("desk/tickets/<str:ref>/participants/<int:pk>/remove/", actions.participant_remove,
         name="participant_remove"),
]
