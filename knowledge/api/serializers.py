"""Serializers for /api/v1/kb/…: articles (writes through knowledge.services), versions,
files, feedback, links, and search results."""

from collections.abc import Mapping

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from itsm.api.fields import StrictBooleanField, StrictCharField, StrictModelSerializer
from itsm.filters import CONTROL, CONTROL_MESSAGE
from itsm.models import Asset, Service, User
from knowledge import services
from knowledge.models import Article, ArticleAttachment, ArticleTicketLink, ArticleVersion
from tickets import uploads
from tickets.models import Category

EDITABLE = ("title", "symptoms", "cause", "resolution", "audience", "confidence", "category",
            "asset_kinds", "owner", "review_at")


class IdList(serializers.ManyRelatedField):
    """Ids as a JSON list: DRF's many=True iterates an object's keys, reading {} as []."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class ArticleSerializer(StrictModelSerializer):
    services = IdList(child_relation=serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.filter(is_active=True)), required=False)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), allow_null=True, required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True),
                                               allow_null=True, required=False)
    asset_kinds = serializers.ListField(child=serializers.ChoiceField(Asset.Kind.choices),
                                        required=False)
    version = serializers.IntegerField(
        required=False, min_value=0,
        help_text="The version you edited; a newer stored version refuses the change (400).")
    solved = serializers.SerializerMethodField(
        help_text="Linked tickets that are resolved or closed.")
    url = serializers.SerializerMethodField(help_text="The article's page.")

    class Meta:
        model = Article
        fields = ["id", *EDITABLE, "services", "version", "solved", "created_at",
                  "updated_at", "url"]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_solved(self, article) -> int:
        return getattr(article, "solved", 0)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article) -> str:
        request = self.context.get("request")
        path = article.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def _fields(self, validated_data: dict) -> tuple[dict, list | None, int | None]:
        data = dict(validated_data)
        return data, data.pop("services", None), data.pop("version", None)

    def create(self, validated_data):
        data, chosen, _ = self._fields(validated_data)
        return services.article_create(actor=self.context["request"].user,
                                       article=Article(**data), services=chosen or [])

    def update(self, instance, validated_data):
        data, chosen, version = self._fields(validated_data)
        for name, value in data.items():
            setattr(instance, name, value)
        return services.article_update(actor=self.context["request"].user, article=instance,
                                       services=chosen, version=version)


class VersionSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()

    class Meta:
        model = ArticleVersion
        fields = ["number", "by", "at", "note", "title", "symptoms", "cause", "resolution",
                  "audience", "confidence", "category_id", "service_ids", "asset_kinds",
                  "owner_id", "review_at", "attachment_ids"]
        extra_kwargs = {"attachment_ids": {
            "help_text": "Ids of the article's files at this version (see attachments)."}}


class ArticleFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = serializers.StringRelatedField()
    download_url = serializers.SerializerMethodField(
        help_text="Download with the same credentials (token or session); images open "
                  "inline, anything else as a download.")

    class Meta:
        model = ArticleAttachment
        fields = ["id", "name", "content_type", "size", "is_image", "uploaded_by",
                  "created_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment) -> str:
        request = self.context.get("request")
        path = attachment.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ArticleFileUploadSerializer(serializers.Serializer):
    # Types, sizes and count are checked again by the service; this documents the shape.
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        min_length=1, max_length=uploads.MAX_FILES,
        help_text="One or more files (repeat the field); multipart/form-data.")


class RestoreSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version to bring back.")


class RequiredBoolean(StrictBooleanField):
    # DRF reads a boolean missing from a form post as False; an answer must be given.
    default_empty_html = serializers.empty


class FeedbackSerializer(serializers.Serializer):
    helpful = RequiredBoolean(help_text="Was this helpful?")
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class FeedbackResultSerializer(serializers.Serializer):
    helpful = serializers.BooleanField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class LinkInputSerializer(serializers.Serializer):
    ticket = StrictCharField(max_length=30, help_text="A ticket reference, e.g. INC-1042.")


class LinkSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.ref")
    title = serializers.CharField(source="ticket.title")
    status = serializers.CharField(source="ticket.status")
    by = serializers.StringRelatedField()

    class Meta:
        model = ArticleTicketLink
        fields = ["ticket", "title", "status", "by", "at"]


class QueryField(StrictCharField):
    """What the user typed: at most 200 characters as sent (the schema's maxLength counts
    them untrimmed), no control characters, and something besides whitespace."""

    def __init__(self, **kwargs):
        super().__init__(max_length=200, trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if CONTROL.search(value):
            raise serializers.ValidationError(CONTROL_MESSAGE, code="control_characters")
        if not value.strip():
            self.fail("blank")
        return value


class SearchQuerySerializer(serializers.Serializer):
    q = QueryField(help_text="What the user typed.")
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="Only articles for this service (or for no service in particular).")
    limit = serializers.IntegerField(min_value=1, max_value=20, required=False)


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article.pk")
    title = serializers.CharField(source="article.title")
    audience = serializers.CharField(source="article.audience")
    confidence = serializers.CharField(source="article.confidence")
    score = serializers.FloatField(help_text="Higher is better; comparable within one answer.")
    snippet = serializers.CharField(help_text="HTML: escaped text, query words in <mark>.")
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, hit) -> str:
        request = self.context.get("request")
        path = hit.article.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class SearchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = HitSerializer(many=True)
