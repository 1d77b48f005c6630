"""/api/v1/tickets and the lookups a client needs to build its forms.

Views only translate HTTP: visibility comes from tickets.selectors (a ticket you may not
see is a 404 on every endpoint), every write goes through tickets.services, whose
ValidationError and PermissionDenied itsm.api.errors turns into 400 and 403.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from itsm.models import Service, Team, User
from tickets import selectors, services
from tickets.api import serializers as s
from tickets.filters import TicketFilter
from tickets.models import Category, Source, Ticket

REF_PARAM = OpenApiParameter(
    "ref", str, OpenApiParameter.PATH, pattern=r"^[A-Za-z]{3}-[0-9]+$",
    description="The ticket reference: kind prefix and number, e.g. INC-12.")
NOT_FOUND = OpenApiResponse(description="No such ticket, or not yours to see.")
FORBIDDEN = OpenApiResponse(description="You may see the ticket but not do this.")
BAD_REQUEST = OpenApiResponse(description="Field → messages, for every field in error.")
CONFLICT = OpenApiResponse(s.ConflictSerializer,
                           description="The ticket changed since `version`; nothing was saved.")
UPLOADS = {"application/json": s.CommentCreateSerializer,
           "multipart/form-data": s.CommentCreateSerializer}


class IsAgent(permissions.BasePermission):
    message = "Only support engineers can see this."

    def has_permission(self, request, view):
        return request.user.is_agent


@extend_schema(tags=["tickets"])
@extend_schema_view(
    list=extend_schema(summary="List the tickets you can see",
                       description="End users see their own tickets; support staff and "
                                   "managers see all. `q` searches title and description "
                                   "(or finds a reference such as INC-12)."),
    create=extend_schema(
        summary="File a ticket",
        request={"application/json": s.TicketCreateSerializer,
                 "multipart/form-data": s.TicketCreateSerializer},
        responses={201: s.TicketDetailSerializer, 400: BAD_REQUEST}),
    retrieve=extend_schema(summary="One ticket", parameters=[REF_PARAM],
                           responses={200: s.TicketDetailSerializer, 404: NOT_FOUND}),
    partial_update=extend_schema(
        summary="Change triage fields (support engineers)",
        description="Send only what changes. The status changes through /transition/.",
        parameters=[REF_PARAM], request=s.TicketUpdateSerializer,
        responses={200: s.TicketDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN,
                   404: NOT_FOUND, 409: CONFLICT}),
)
class TicketViewSet(viewsets.GenericViewSet):
    lookup_field = "ref"
    lookup_value_regex = "[A-Za-z]{3}-[0-9]+"
    queryset = Ticket.objects.none()  # the real one depends on the user: get_queryset
    serializer_class = s.TicketSerializer
    filterset_class = TicketFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (selectors.visible_tickets(self.request.user).for_list()
                .select_related("asset"))

    def get_object(self) -> Ticket:
        return selectors.get_visible_ticket(self.request.user, self.kwargs[self.lookup_field])

    def get_serializer_class(self):
        # What the browsable API shows as the form; the schema is set per action below.
        return {
            "retrieve": s.TicketDetailSerializer,
            "create": s.TicketCreateSerializer,
            "partial_update": s.TicketUpdateSerializer,
            "transition": s.TransitionSerializer,
            "rate": s.RateSerializer,
            "comments": s.CommentCreateSerializer,
            "attachments": s.AttachmentUploadSerializer,
            "events": s.EventSerializer,
        }.get(self.action, s.TicketSerializer)

    def handle_exception(self, exc):
        if isinstance(exc, services.TicketConflict):
            return self._conflict(exc)
        return super().handle_exception(exc)

    def _conflict(self, exc: services.TicketConflict) -> Response:
        events = exc.events
        if not self.request.user.sees_all_tickets:
            events = [event for event in events if not event.is_internal]
        body = {"detail": f"{exc.ticket.ref} was changed by someone else since your version; "
                          "nothing was saved. Reload and try again.",
                "version": exc.ticket.version,
                "changes": s.EventSerializer(events, many=True).data}
        return Response(body, status=status.HTTP_409_CONFLICT)

    def _check_may_act(self, ticket, *, requester_only: bool = False) -> None:
        # Decided before the body is read: a role that may not act gets 403, whatever it sent.
        user = self.request.user
        if ticket.requester_id == user.pk:
            return
        if requester_only:
            raise exceptions.PermissionDenied("Only the requester can do this.")
        if not user.is_agent:
            raise exceptions.PermissionDenied("Only the requester or a support engineer "
                                              "can do this.")

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data,
                                      context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _ticket_response(self, ref: str) -> Response:
        # Re-read through the selector: the response shows what is stored, as the user sees it.
        ticket = selectors.get_visible_ticket(self.request.user, ref)
        return Response(s.TicketDetailSerializer(ticket,
                                                 context=self.get_serializer_context()).data)

    def _page(self, queryset, serializer_class) -> Response:
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def list(self, request):
        # Page over ids first (a narrow sorted query an index answers), then read the wide
        # rows with their joins for those ids only: the planner otherwise joins first.
        ids = self.filter_queryset(selectors.visible_tickets(request.user)).values_list(
            "pk", flat=True)
        page = list(self.paginate_queryset(ids))
        rows = self.get_queryset().in_bulk(page)
        tickets = [rows[pk] for pk in page if pk in rows]
        data = s.TicketSerializer(tickets, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def retrieve(self, request, ref=None):
        ticket = self.get_object()
        return Response(s.TicketDetailSerializer(ticket,
                                                 context=self.get_serializer_context()).data)

    def create(self, request):
        data = self._valid(s.TicketCreateSerializer)
        requester = data.pop("requester", None) or request.user
        ticket = services.ticket_create(requester=requester, actor=request.user,
                                        source=Source.API, **data)
        body = s.TicketDetailSerializer(ticket, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED,
                        headers={"Location": body["links"]["api"]})

    def partial_update(self, request, ref=None):
        ticket = self.get_object()
        if not request.user.is_agent:
            raise exceptions.PermissionDenied("Only support engineers can change tickets.")
        changes = self._valid(s.TicketUpdateSerializer)
        version = changes.pop("version", None)
        services.ticket_update(ticket=ticket, actor=request.user, version=version, **changes)
        return self._ticket_response(ticket.ref)

    @extend_schema(
        summary="Move the ticket along its lifecycle",
        description="Support engineers: any allowed transition. Requesters: confirm "
                    "(resolved → closed), reopen (resolved → in_progress, with a note) or "
                    "cancel their own open ticket.",
        parameters=[REF_PARAM], request=s.TransitionSerializer,
        responses={200: s.TicketDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN,
                   404: NOT_FOUND, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def transition(self, request, ref=None):
        ticket = self.get_object()
        self._check_may_act(ticket)
        data = self._valid(s.TransitionSerializer)
        services.ticket_transition(ticket=ticket, actor=request.user, to=data["status"],
                                   version=data.get("version"), note=data.get("note", ""))
        return self._ticket_response(ticket.ref)

    @extend_schema(
        methods=["GET"], summary="The conversation",
        description="Public replies, and internal notes for support staff.",
        parameters=[REF_PARAM], responses={200: s.CommentSerializer(many=True),
                                           404: NOT_FOUND})
    @extend_schema(
        methods=["POST"], summary="Reply, or write an internal note",
        description="JSON, or multipart/form-data to attach files (field `files`, repeated).",
        parameters=[REF_PARAM], request=UPLOADS,
        responses={201: s.CommentSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request, ref=None):
        ticket = self.get_object()
        if request.method == "GET":
            return self._page(selectors.visible_comments(request.user, ticket),
                              s.CommentSerializer)
        return self._add_comment(ticket, s.CommentCreateSerializer)

    @extend_schema(
        methods=["GET"], summary="Files on the ticket",
        description="Each with a `download_url` that checks, again, that you may see it.",
        parameters=[REF_PARAM], responses={200: s.AttachmentSerializer(many=True),
                                           404: NOT_FOUND})
    @extend_schema(
        methods=["POST"], summary="Upload files",
        description="Files always arrive with a comment: send multipart/form-data with one "
                    "or more `files` and an optional `body` (empty makes a files-only reply; "
                    "`internal` makes it an internal note). Returns that comment.",
        parameters=[REF_PARAM], request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.CommentSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def attachments(self, request, ref=None):
        ticket = self.get_object()
        if request.method == "GET":
            files = (selectors.visible_attachments(request.user).filter(ticket=ticket)
                     .select_related("uploaded_by"))
            return self._page(files, s.AttachmentSerializer)
        return self._add_comment(ticket, s.AttachmentUploadSerializer)

    def _add_comment(self, ticket, serializer_class) -> Response:
        self._check_may_act(ticket)
        data = self._valid(serializer_class)
        comment = services.comment_add(ticket=ticket, actor=self.request.user,
                                       body=data.get("body", ""), internal=data["internal"],
                                       files=data.get("files", ()))
        comment = selectors.visible_comments(self.request.user, ticket).get(pk=comment.pk)
        body = s.CommentSerializer(comment, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rate the help (the requester, once resolved)",
        parameters=[REF_PARAM], request=s.RateSerializer,
        responses={200: s.TicketDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN,
                   404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def rate(self, request, ref=None):
        ticket = self.get_object()
        self._check_may_act(ticket, requester_only=True)
        data = self._valid(s.RateSerializer)
        services.ticket_rate(ticket=ticket, actor=request.user, rating=data["rating"],
                             comment=data.get("comment", ""))
        return self._ticket_response(ticket.ref)

    @extend_schema(summary="The timeline: who changed what, when",
                   parameters=[REF_PARAM], responses={200: s.EventSerializer(many=True),
                                                      404: NOT_FOUND})
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, ref=None):
        ticket = self.get_object()
        return self._page(selectors.visible_events(request.user, ticket), s.EventSerializer)


@extend_schema(tags=["lookups"])
class LookupViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Short, unpaginated lists of choices for a client's forms."""

    pagination_class = None
    filter_backends = []


@extend_schema_view(list=extend_schema(summary="Active categories"))
class CategoryViewSet(LookupViewSet):
    queryset = Category.objects.filter(is_active=True).order_by("name")
    serializer_class = s.CategorySerializer


@extend_schema_view(list=extend_schema(summary="Active services"))
class ServiceViewSet(LookupViewSet):
    queryset = Service.objects.filter(is_active=True).order_by("name")
    serializer_class = s.ServiceSerializer


@extend_schema_view(list=extend_schema(summary="Teams and their members (support engineers)"))
class TeamViewSet(LookupViewSet):
    queryset = Team.objects.prefetch_related(
        Prefetch("members", queryset=User.objects.filter(is_active=True))).order_by("name")
    serializer_class = s.TeamSerializer
    permission_classes = [permissions.IsAuthenticated, IsAgent]


def register(router) -> None:
    router.register("tickets", TicketViewSet, basename="api-ticket")
    router.register("categories", CategoryViewSet, basename="api-category")
    router.register("services", ServiceViewSet, basename="api-service")
    router.register("teams", TeamViewSet, basename="api-team")
