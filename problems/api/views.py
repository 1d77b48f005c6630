"""/api/v1/problems/: problems (list, retrieve, create, PATCH), and `link/`, `unlink/`,
`transition/` on one problem. Proposals live at /api/v1/problems/proposals/ (proposals.py).

Support staff (DSEs, managers, admins) read; DSEs and admins (problems.manage_problem)
write; end users get a 403 for the whole API, which confirms nothing about any problem.
There is no DELETE: a problem is a work item with a timeline; close it or mark it a
duplicate. Writes go through problems.services, whose ProblemError is a 400 with field
messages.
"""

import django_filters
from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.filters import MAX_ID, IdFilter, SearchFilter
from problems import selectors, services
from problems.api import serializers as s
from problems.models import Problem, Stage
from problems.services.access import can_manage
from tickets.models import Source
from tickets.selectors import parse_ref

BAD_REQUEST = OpenApiResponse(description="Field → messages, for every field in error "
                                          "(and what a move is missing).")
FORBIDDEN = OpenApiResponse(description="Only support staff read problems; only support "
                                        "engineers and admins change them.")


class ProblemPermission(permissions.BasePermission):
    message = "Only support staff read problems, and support engineers work them."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.sees_all_tickets):
            return False
        return request.method in permissions.SAFE_METHODS or can_manage(user)


class ProblemFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    service = IdFilter(field_name="services", distinct=True)
    asset = IdFilter(field_name="assets", distinct=True)
    team = IdFilter(field_name="ticket__team_id")
    q = SearchFilter(method="search", help_text="Words of the title, or a PRB reference.")

    class Meta:
        model = Problem
        fields = ["stage", "service", "asset", "team", "q"]

    def search(self, queryset, name, value):
        if not value:
            return queryset
        parsed = parse_ref(value)
        if parsed is not None:
            return queryset.filter(ticket__kind=parsed[0], ticket__number=parsed[1])
        match = Q()
        for word in value.split()[:10]:
            match &= Q(ticket__title__icontains=word)
        return queryset.filter(match)


@extend_schema(tags=["problems"])
@extend_schema_view(
    list=extend_schema(summary="Problems (support staff)"),
    retrieve=extend_schema(summary="One problem, with its incidents, article and fix"),
    create=extend_schema(summary="Open a problem (a PRB work item), linking incidents",
                         request=s.ProblemCreateSerializer,
                         responses={201: s.ProblemSerializer, 400: BAD_REQUEST,
                                    403: FORBIDDEN}),
    partial_update=extend_schema(summary="Change what the problem knows (a new workaround "
                                         "is noted on its open incidents)",
                                 request=s.ProblemFieldsSerializer,
                                 responses={200: s.ProblemSerializer, 400: BAD_REQUEST,
                                            403: FORBIDDEN}),
)
class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = s.ProblemSerializer
    permission_classes = [ProblemPermission]
    filterset_class = ProblemFilter
    queryset = Problem.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.problems_for_list(self.request.user).order_by("-created_at", "-pk")

    def get_object(self):
        pk = self.kwargs.get("pk", "")
        if not (pk.isdigit() and 1 <= int(pk) <= MAX_ID):
            raise Http404("No such problem.")
        problem = super().get_object()
        self.check_object_permissions(self.request, problem)
        return problem

    def _answer(self, problem, code=status.HTTP_200_OK):
        fresh = selectors.get_visible_problem(self.request.user, problem.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request):
        data = _valid(s.ProblemCreateSerializer, request)
        problem = services.problem_create(actor=request.user, source=Source.API,
                                          title=data["title"],
                                          statement=data.get("statement", ""),
                                          team=data.get("team"), service=data.get("service"),
                                          asset=data.get("asset"),
                                          incidents=data.get("incidents", ()))
        return self._answer(problem, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        problem = self.get_object()
        data = _valid(s.ProblemFieldsSerializer, request)
        services.problem_update(problem=problem, actor=request.user, **data)
        return self._answer(problem)

    @extend_schema(summary="Link incidents (refs or ids); a resolved problem reopens",
                   request=s.ProblemLinkSerializer,
                   responses={200: s.LinkResultSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"], filter_backends=[])
    def link(self, request, pk=None):
        problem = self.get_object()
        data = _valid(s.ProblemLinkSerializer, request)
        linked = services.problem_link_incidents(problem=problem, incidents=data["incidents"],
                                                 actor=request.user)
        fresh = selectors.get_visible_problem(request.user, problem.pk)
        return Response(s.LinkResultSerializer(
            {"linked": linked, "problem": fresh}, context=self.get_serializer_context()).data)

    @extend_schema(summary="Unlink an incident", request=s.ProblemUnlinkSerializer,
                   responses={200: s.ProblemSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"], filter_backends=[])
    def unlink(self, request, pk=None):
        problem = self.get_object()
        data = _valid(s.ProblemUnlinkSerializer, request)
        services.problem_unlink_incident(problem=problem, incident=data["incident"],
                                         actor=request.user)
        return self._answer(problem)

    @extend_schema(summary="Move to another stage, with the fields the move needs",
                   request=s.ProblemTransitionSerializer,
                   responses={200: s.ProblemSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None):
        problem = self.get_object()
        data = dict(_valid(s.ProblemTransitionSerializer, request))
        to = data.pop("to")
        services.problem_transition(problem=problem, to=to, actor=request.user, **data)
        return self._answer(problem)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def register(router) -> None:
    # Proposals first: "problems/proposals/" must not be read as a problem's id.
    from problems.api import proposals

    proposals.register(router)
    router.register("problems", ProblemViewSet, basename="api-problem")
