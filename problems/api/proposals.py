"""/api/v1/problems/proposals/: what recurrence detection proposes (open ones by default,
`?status=` for accepted or dismissed), and `accept/` (opens the problem, incidents linked)
or `dismiss/` (a reason required) on one.

Support staff read; DSEs and admins (problems.manage_problem) decide. A decided proposal
cannot be decided again (400 on `status`).
"""

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from itsm.api.fields import StrictCharField
from itsm.filters import MAX_ID
from problems.api.serializers import ProblemSerializer
from problems.api.views import BAD_REQUEST, FORBIDDEN, ProblemPermission
from problems.models import Proposal
from problems.selectors import get_visible_problem
from problems.selectors.proposals import proposals_for_list
from problems.services.detection import proposal_accept, proposal_dismiss
from tickets.api.serializers.inputs import StrictSerializer


class ProposalSerializer(serializers.ModelSerializer):
    incidents = serializers.SerializerMethodField(help_text="Refs of the clustered incidents.")
    problem = serializers.SerializerMethodField(help_text="The PRB it became, once accepted.")
    check = serializers.IntegerField(source="check_ref_id", read_only=True, allow_null=True)

    class Meta:
        model = Proposal
        fields = ["id", "rule", "key", "title", "status", "incidents", "asset", "service",
                  "category", "check", "problem", "created_at", "updated_at", "decided_at",
                  "decided_by", "dismiss_reason"]
        read_only_fields = fields

    def get_incidents(self, proposal) -> list[str]:
        return [ticket.ref for ticket in proposal.incidents.all()]

    def get_problem(self, proposal) -> str | None:
        return proposal.problem.ticket.ref if proposal.problem_id else None


class ProposalDismissSerializer(StrictSerializer):
    reason = StrictCharField(max_length=2000)


STATUS_PARAM = OpenApiParameter("status", enum=[*Proposal.Status.values, "all"],
                                description="open (default), accepted, dismissed or all.")


@extend_schema(tags=["problems"])
@extend_schema_view(
    list=extend_schema(summary="Proposed problems (open ones unless ?status=)",
                       parameters=[STATUS_PARAM]),
    retrieve=extend_schema(summary="One proposal, with its incidents"),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = ProposalSerializer
    permission_classes = [ProblemPermission]
    queryset = Proposal.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        if self.action != "list":
            return proposals_for_list(self.request.user, status=None)
        # An empty ?status= is the default, as leaving it out.
        wanted = self.request.query_params.get("status") or Proposal.Status.OPEN
        if wanted not in (*Proposal.Status.values, "all"):
            raise ValidationError({"status": [f"Choose one of {', '.join(Proposal.Status.values)}"
                                              " or all."]})
        return proposals_for_list(self.request.user, status=None if wanted == "all" else wanted)

    def get_object(self):
        pk = self.kwargs.get("pk", "")
        if not (pk.isdigit() and 1 <= int(pk) <= MAX_ID):
            raise Http404("No such proposal.")
        return super().get_object()

    @extend_schema(summary="Accept: open the problem, its incidents linked", request=None,
                   responses={201: ProblemSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        problem = proposal_accept(proposal=self.get_object(), actor=request.user)
        fresh = get_visible_problem(request.user, problem.pk)
        return Response(ProblemSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Dismiss: not a problem (say why)", request=ProposalDismissSerializer,
                   responses={200: ProposalSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        proposal = self.get_object()
        body = ProposalDismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal_dismiss(proposal=proposal, actor=request.user,
                         reason=body.validated_data["reason"])
        fresh = proposals_for_list(request.user, status=None).get(pk=proposal.pk)
        return Response(self.get_serializer(fresh).data)


def register(router) -> None:
    router.register("problems/proposals", ProposalViewSet, basename="api-problem-proposal")
