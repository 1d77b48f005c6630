"""The end-user portal, included by tickets/urls.py under the namespace "portal"."""

from django.urls import path

from tickets.web.portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("t/<str:ref>/", views.ticket_detail, name="ticket"),
    path("t/<str:ref>/reply/", views.reply, name="reply"),
    path("t/<str:ref>/confirm/", views.confirm, name="confirm"),
    path("t/<str:ref>/reopen/", views.reopen, name="reopen"),
    path("t/<str:ref>/rate/", views.rate, name="rate"),
    path("t/<str:ref>/cancel/", views.cancel, name="cancel"),
]
