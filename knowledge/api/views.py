"""/api/v1/kb/…: articles (CRUD, versions, restore, files, feedback, ticket links), suggest,
search.

Reads honour the caller's audience through knowledge.selectors (anonymous callers see
public articles, end users customer and public ones, support engineers everything); an
article the caller may not see is a 404. Writes go through knowledge.services, whose
ValidationError is a 400 with field messages and PermissionDenied a 403.
"""

import django_filters
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from itsm.api.schema import SingleObjectSchema
from itsm.filters import CONTROL, MAX_ID, IdFilter
from knowledge import rules, selectors, services
from knowledge.api import serializers as s
from knowledge.models import Article, Audience, Confidence
from knowledge.models.activity import Where
from knowledge.selectors.visibility import with_solved_count
from tickets.selectors import get_visible_ticket

BAD_REQUEST = OpenApiResponse(description="Field → messages, for every field in error.")
FORBIDDEN = OpenApiResponse(description="Only support engineers and admins write articles; "
                                        "publishing for customers needs a DSE or admin.")
SUGGEST_LIMIT, SEARCH_LIMIT = 5, 20


class ArticlePermission(permissions.BasePermission):
    """Anyone reads articles (the selector decides which); version history is for support
    engineers; feedback needs a signed-in caller; every other change needs the right to
    write articles (the services then apply the publish rules)."""

    message = "Only support engineers and admins write articles."

    def has_permission(self, request, view):
        user = request.user
        if view.action in ("versions", "restore"):
            return rules.sees_internal(user) and (
                request.method in permissions.SAFE_METHODS or rules.can_write(user))
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action == "feedback":
            return user.is_authenticated
        if view.action == "links":
            return rules.sees_internal(user)
        return rules.can_write(user)


class ArticleFilter(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(choices=Audience.choices)
    confidence = django_filters.ChoiceFilter(choices=Confidence.choices)
    category = IdFilter(field_name="category_id")
    service = IdFilter(field_name="services")

    class Meta:
        model = Article
        fields = ["audience", "confidence", "category", "service"]


class ArticleSchema(AutoSchema):
    """Reads need no sign-in (ArticlePermission; anonymous callers get public articles),
    apart from the version history: the schema offers the anonymous `{}` for them."""

    def get_auth(self):
        auths = super().get_auth()
        if self.method in permissions.SAFE_METHODS and self.view.action != "versions":
            auths.append({})
        return auths


@extend_schema(tags=["knowledge"])
@extend_schema_view(
    list=extend_schema(summary="Articles you may read (support engineers: drafts too)"),
    retrieve=extend_schema(summary="One article"),
    create=extend_schema(summary="Write an article (version 1)",
                         responses={201: s.ArticleSerializer, 400: BAD_REQUEST,
                                    403: FORBIDDEN}),
    partial_update=extend_schema(summary="Change an article; publish by setting its "
                                         "confidence and audience",
                                 responses={200: s.ArticleSerializer, 400: BAD_REQUEST,
                                            403: FORBIDDEN}),
    update=extend_schema(summary="Replace an article",
                         responses={200: s.ArticleSerializer, 400: BAD_REQUEST,
                                    403: FORBIDDEN}),
    destroy=extend_schema(summary="Delete an article with its history (archiving keeps it)",
                          responses={204: None, 403: FORBIDDEN}),
)
class ArticleViewSet(viewsets.ModelViewSet):
    serializer_class = s.ArticleSerializer
    permission_classes = [ArticlePermission]
    schema = ArticleSchema()
    filterset_class = ArticleFilter
    queryset = Article.objects.none()

    def get_queryset(self):
        articles = selectors.visible_articles(self.request.user, unpublished=True)
        return (with_solved_count(articles).select_related("category", "owner")
                .prefetch_related("services").defer("search").order_by("title", "pk"))

    @extend_schema(methods=["get"], summary="The article's files",
                   responses=s.ArticleFileSerializer(many=True))
    @extend_schema(methods=["post"], summary="Attach files (saved as a new version)",
                   request={"multipart/form-data": s.ArticleFileUploadSerializer},
                   responses={201: s.ArticleFileSerializer(many=True), 400: BAD_REQUEST,
                              403: FORBIDDEN})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[],
            parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        article = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = selectors.article_files(article)
            return Response(s.ArticleFileSerializer(rows, many=True, context=context).data)
        data = _valid(s.ArticleFileUploadSerializer, request)
        added = services.article_attachments_add(actor=request.user, article=article,
                                                 files=data["files"])
        return Response(s.ArticleFileSerializer(added, many=True, context=context).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Take a file off the article (a new version; older ones keep it)",
                   parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH,
                                                description="The file's id.")],
                   responses={204: None, 403: FORBIDDEN})
    @action(detail=True, methods=["delete"], filter_backends=[],
            url_path=r"attachments/(?P<attachment_id>[^/.]+)")
    def attachment(self, request, pk=None, attachment_id=None):
        article = self.get_object()
        found = next((f for f in selectors.article_files(article)
                      if str(f.pk) == attachment_id), None)
        if found is None:
            raise NotFound("No such file on this article.")
        services.article_attachment_remove(actor=request.user, article=article,
                                           attachment=found)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance):
        services.article_delete(actor=self.request.user, article=instance)

    @extend_schema(summary="Every version, newest first",
                   responses=s.VersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        article = self.get_object()
        rows = article.versions.select_related("by").order_by("-number")
        return Response(s.VersionSerializer(rows, many=True).data)

    @extend_schema(summary="Bring back a version (saved as a new version)",
                   request=s.RestoreSerializer,
                   responses={200: s.ArticleSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        article = self.get_object()
        data = _valid(s.RestoreSerializer, request)
        services.article_restore(actor=request.user, article=article, number=data["version"])
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Was this helpful? (your answer replaces your earlier one)",
                   request=s.FeedbackSerializer,
                   responses={200: s.FeedbackResultSerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        article = self.get_object()
        data = _valid(s.FeedbackSerializer, request)
        feedback = services.article_feedback_record(article=article, actor=request.user,
                                                    helpful=data["helpful"],
                                                    reason=data["reason"])
        return Response(s.FeedbackResultSerializer(feedback).data)

    @extend_schema(methods=["get"], summary="Tickets linked to this article",
                   responses=s.LinkSerializer(many=True))
    @extend_schema(methods=["post"], summary="Link this article to a ticket",
                   request=s.LinkInputSerializer,
                   responses={201: s.LinkSerializer, 400: BAD_REQUEST, 403: FORBIDDEN})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def links(self, request, pk=None):
        article = self.get_object()
        if request.method == "GET":
            if not request.user.is_authenticated or not request.user.sees_all_tickets:
                return Response([])  # which tickets an article solved is for staff
            rows = article.ticket_links.select_related("ticket", "by")
            return Response(s.LinkSerializer(rows, many=True).data)
        data = _valid(s.LinkInputSerializer, request)
        ticket = get_visible_ticket(request.user, data["ticket"])
        link = services.article_link_ticket(article=article, ticket=ticket, actor=request.user)
        return Response(s.LinkSerializer(link).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class, request, data=None) -> dict:
    serializer = serializer_class(data=request.data if data is None else data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _Search(viewsets.ViewSet):
    permission_classes = [permissions.AllowAny]
    schema = SingleObjectSchema()  # one object: the count and the ranked hits
    pagination_class = None
    limit = SEARCH_LIMIT

    def list(self, request):
        data = _valid(s.SearchQuerySerializer, request, data=request.query_params)
        limit = min(data.get("limit") or self.limit, self.limit)
        hits = selectors.search_articles(request.user, data["q"], service=data.get("service"),
                                         limit=limit)
        services.search_record(query=data["q"], results=len(hits), where=Where.API,
                               top_score=hits[0].score if hits else None, user=request.user)
        return Response(s.SearchResultSerializer({"count": len(hits), "results": hits},
                                                 context={"request": request}).data)


# q as SearchQuerySerializer reads it: no control characters, not only whitespace.
_CONTROLS = CONTROL.pattern.strip("[]")
QUERY = {"type": "string", "minLength": 1, "maxLength": 200,
         "pattern": rf"^[^{_CONTROLS}]*[^\s{_CONTROLS}][^{_CONTROLS}]*$"}
QUERY_PARAMETERS = [
    OpenApiParameter("q", QUERY, required=True, description="What the user typed."),
    OpenApiParameter("service", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                     description="An active service's id: only its articles and general "
                                 "ones (an unknown id is a 400)."),
    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": SEARCH_LIMIT},
                     description="How many (at most 5 for suggest, 20 for search)."),
]


@extend_schema(tags=["knowledge"], parameters=QUERY_PARAMETERS,
               responses={200: s.SearchResultSerializer, 400: BAD_REQUEST},
               summary="Suggested articles while filing, best first (what the portal shows)")
class SuggestViewSet(_Search):
    limit = SUGGEST_LIMIT


@extend_schema(tags=["knowledge"], parameters=QUERY_PARAMETERS,
               responses={200: s.SearchResultSerializer, 400: BAD_REQUEST},
               summary="Search articles (the help centre's search), best first")
class SearchViewSet(_Search):
    limit = SEARCH_LIMIT


def register(router) -> None:
    router.register("kb/articles", ArticleViewSet, basename="api-kb-article")
    router.register("kb/suggest", SuggestViewSet, basename="api-kb-suggest")
    router.register("kb/search", SearchViewSet, basename="api-kb-search")
