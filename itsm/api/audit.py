"""/api/v1/audit/: the audit log for admins, read-only, with the desk page's filters
(itsm/web/audit.py `AuditFilterForm`: the same rules, the same rows)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, serializers

from itsm import selectors
from itsm.api.schema import FIELDS
from itsm.models import AuditEntry
from itsm.services.audit import ACTIONS
from itsm.web.audit import AuditFilterForm, summary


class AuditPermission(permissions.BasePermission):
    message = "The audit log is for administrators."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(selectors.AUDIT_PERM))


class AuditEntrySerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    detail = serializers.JSONField(read_only=True, help_text="What the action recorded.")

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "action", "action_label", "actor", "actor_name", "target",
                  "ip", "user_agent", "summary", "detail"]
        read_only_fields = fields
        extra_kwargs = {
            "actor": {"help_text": "The account that acted; null when there was none (a "
                                   "failed sign-in) or it was deleted since."},
            "actor_name": {"help_text": "Who acted, as recorded then (or what was typed)."},
            "target": {"help_text": "What it was about, e.g. \"api_token:12\"."},
        }

    def get_action_label(self, entry) -> str:
        return ACTIONS.get(entry.action, entry.action)

    def get_summary(self, entry) -> str:
        return summary(entry)


FILTERS = [
    OpenApiParameter("action", OpenApiTypes.STR, enum=list(ACTIONS),
                     description="Only this action."),
    OpenApiParameter("person", OpenApiTypes.STR,
                     description="Part of a username, name or e-mail (or what was typed "
                                 "at a failed sign-in); at most 150 characters."),
    OpenApiParameter("since", OpenApiTypes.DATE, description="From this day (site time)."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="To this day, included."),
    OpenApiParameter("ip", OpenApiTypes.STR, description="One client address (v4 or v6)."),
]


@extend_schema(tags=["audit"], parameters=FILTERS, summary="The audit log (admins)",
               responses={200: AuditEntrySerializer(many=True),
                          400: OpenApiResponse(FIELDS, description="Filter → messages.")})
class AuditListView(generics.ListAPIView):
    """Security-relevant events newest first: sign-ins, failed sign-ins, second factors,
    API tokens, webhooks, chat channels, sign-in policies."""

    serializer_class = AuditEntrySerializer
    permission_classes = [AuditPermission]
    filter_backends: list = []

    def get_queryset(self):
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError({
                "non_field_errors" if field == "__all__" else field: list(messages)
                for field, messages in form.errors.items()})
        return selectors.audit_entries(**form.filters())
