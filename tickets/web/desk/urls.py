"""The DSE desk, included under /desk/ with namespace "desk"."""

from django.urls import path

from tickets.web.desk import queue as desk_queue
from tickets.web.desk import ticket as desk_ticket

urlpatterns = [
    path("", desk_queue.queue, name="queue"),
    path("bulk/", desk_queue.bulk, name="bulk"),
    path("new/", desk_ticket.new, name="new"),
    path("tickets/<str:ref>/", desk_ticket.ticket_detail, name="ticket"),
    path("tickets/<str:ref>/reply/", desk_ticket.reply, name="reply"),
    path("tickets/<str:ref>/update/", desk_ticket.update, name="update"),
    path("tickets/<str:ref>/status/", desk_ticket.transition, name="transition"),
    path("tickets/<str:ref>/time/", desk_ticket.log_time, name="log_time"),
    path("tickets/<str:ref>/assign-me/", desk_ticket.assign_me, name="assign_me"),
]
