"""Serializers for /api/v1/maintenance/… and /api/v1/patches/…; writes go through services."""

from datetime import datetime

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from itsm.api.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
    StrictModelSerializer,
    StrictRegexField,
    StrictURLField,
)
from itsm.calendars import validate_time_zone
from itsm.models import Asset, Service, Team, User
from maintenance import recurrence, selectors, services
from maintenance.models import MaintenancePlan, MaintenanceWindow, Occurrence
from maintenance.models.patch import Advisory, AssetPatch, PatchState, Severity
from maintenance.services.advisories import CVE_RE, DUPLICATE, IDENTIFIER_RE

CVSS = r"^(10(\.0)?|\d(\.\d)?)$"  # 0 to 10, one decimal: the pattern says the range too


def _cvss(**kwargs):
    return StrictDecimalField(max_digits=3, decimal_places=1, min_value=0, max_value=10,
                              pattern=CVSS, **kwargs)


class StepSerializer(serializers.Serializer):
    text = StrictCharField(max_length=300)
    requires_note = StrictBooleanField(default=False)
    requires_result = StrictBooleanField(default=False)


class PlanSerializer(StrictModelSerializer):
    steps = StepSerializer(many=True, required=False, max_length=services.MAX_STEPS)
    assets = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                queryset=Asset.objects.all())
    services = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                  queryset=Service.objects.all())
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True,
                                              required=False)
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True,
                                                  required=False)
    schedule = serializers.SerializerMethodField(help_text="The rule in words.")
    next_occurrences = serializers.SerializerMethodField(
        help_text="The next five moments (UTC) from now.")
    compliance = serializers.SerializerMethodField(
        help_text=f"% on time over the last 12 months. {selectors.ON_TIME_DEFINITION}")

    class Meta:
        model = MaintenancePlan
        fields = ["id", "title", "instructions", "kind", "assets", "services", "team",
                  "assignee", "rrule", "starts_on", "at_time", "time_zone",
                  "expected_duration", "lead_time", "priority", "is_active", "creates_window",
                  "steps", "schedule", "next_occurrence_at", "next_occurrences", "compliance",
                  "generation_error", "created_at", "updated_at"]
        read_only_fields = ["next_occurrence_at", "generation_error", "created_at",
                            "updated_at"]
        extra_kwargs = {"rrule": {"help_text": "RFC 5545 RRULE on wall-clock time in "
                                               "time_zone, e.g. FREQ=MONTHLY;BYDAY=-1FR."},
                        "expected_duration": {"help_text": "e.g. 01:30:00 or P0DT1H30M"},
                        "lead_time": {"help_text": "e.g. 7 00:00:00 (seven days)"}}

    def get_schedule(self, plan) -> str:
        return recurrence.describe(plan.rrule, plan.starts_on)

    @extend_schema_field(serializers.ListField(child=serializers.DateTimeField()))
    def get_next_occurrences(self, plan) -> list[datetime]:
        if not plan.is_active:
            return []
        return plan.schedule().preview(timezone.now(), 5)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_compliance(self, plan):
        counts = self.context.get("compliance")
        if counts is None:
            counts = selectors.compliance_counts([plan.pk])
        return counts.get(plan.pk, {}).get("percent")

    def validate(self, attrs):
        probe = MaintenancePlan() if self.instance is None else MaintenancePlan(
            **{f.attname: getattr(self.instance, f.attname)
               for f in MaintenancePlan._meta.concrete_fields})
        for name, value in attrs.items():
            if name not in ("steps", "assets", "services"):
                setattr(probe, name, value)
        probe.rrule = recurrence.normalise(probe.rrule)
        errors = services.plan_errors(probe, attrs.get("steps"))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _save(self, plan, validated):
        steps = validated.pop("steps", None)
        assets = validated.pop("assets", None)
        targets = validated.pop("services", None)
        for name, value in validated.items():
            setattr(plan, name, value)
        # A service ValidationError becomes a 400 in itsm.api.errors.
        return services.plan_save(plan=plan, actor=self.context["request"].user,
                                  steps=steps, assets=assets, services=targets)

    def create(self, validated_data):
        validated_data.setdefault("steps", [])
        return self._save(MaintenancePlan(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class RulePreviewSerializer(serializers.Serializer):
    rrule = StrictCharField(max_length=500)
    starts_on = serializers.DateField()
    at_time = serializers.TimeField()
    # Text, not an enum of ~600 zones: the schema stays small and the message says why.
    time_zone = StrictCharField(max_length=64, validators=[validate_time_zone],
                                help_text="An IANA time zone, e.g. Europe/Berlin.")


class RulePreviewResultSerializer(serializers.Serializer):
    rrule = serializers.CharField()
    schedule = serializers.CharField()
    caveats = serializers.ListField(child=serializers.CharField())
    occurrences = serializers.ListField(child=serializers.DateTimeField())


class OccurrenceSerializer(serializers.ModelSerializer):
    ticket = serializers.SerializerMethodField(help_text="The work item's reference.")
    outcome = serializers.CharField(read_only=True, default=None,
                                    help_text="on_time, late, overdue, open, cancelled, "
                                              "skipped or moved")

    class Meta:
        model = Occurrence
        fields = ["id", "plan", "scheduled_for", "due_at", "status", "outcome", "ticket",
                  "reason", "changed_by", "changed_at"]
        read_only_fields = fields

    def get_ticket(self, occurrence) -> str | None:
        return occurrence.ticket.ref if occurrence.ticket_id else None


class UpcomingSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="planned, generated, moved or skipped")
    ticket = serializers.CharField(allow_null=True)


class SkipSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField(help_text="The rule's moment (UTC).")
    reason = StrictCharField(max_length=2000)


class MoveSerializer(SkipSerializer):
    to = serializers.DateTimeField(help_text="The new moment; with an offset or in UTC.")


class OccurrenceChangeSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000)
    to = serializers.DateTimeField(required=False, help_text="For a move: the new moment.")


class WindowSerializer(StrictModelSerializer):
    services = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                  queryset=Service.objects.all())
    assets = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                queryset=Asset.objects.all())

    class Meta:
        model = MaintenanceWindow
        fields = ["id", "reason", "details", "starts_at", "ends_at", "services", "assets",
                  "occurrence", "ticket", "created_by", "created_at"]
        read_only_fields = ["occurrence", "ticket", "created_by", "created_at"]

    def get_validators(self):
        return []  # the service checks the window (and says why in field messages)

    def _save(self, window, validated):
        targets = validated.pop("services", None)
        assets = validated.pop("assets", None)
        for name, value in validated.items():
            setattr(window, name, value)
        if targets is None:
            targets = list(window.services.all()) if window.pk else []
        if assets is None:
            assets = list(window.assets.all()) if window.pk else []
        return services.window_save(window=window, actor=self.context["request"].user,
                                    services=targets, assets=assets)

    def create(self, validated_data):
        return self._save(MaintenanceWindow(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class AdvisorySerializer(StrictModelSerializer):
    # An explicit field drops the model's unique check: it is restated here (the service
    # still refuses a duplicate that races past it).
    identifier = StrictRegexField(IDENTIFIER_RE, max_length=64, validators=[
        UniqueValidator(queryset=Advisory.objects.all(), message=DUPLICATE)])
    cve_ids = serializers.ListField(child=StrictRegexField(CVE_RE), required=False)
    cvss = _cvss(required=False, allow_null=True)

    class Meta:
        model = Advisory
        fields = ["id", "identifier", "title", "severity", "cvss", "cve_ids", "released_on",
                  "package", "fixed_version", "url", "created_at"]
        read_only_fields = ["created_at"]

    def create(self, validated_data):
        return services.advisory_create(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        # The service recomputes patch deadlines when severity or release date change.
        return services.advisory_update(advisory=instance, actor=self.context["request"].user,
                                        changes=validated_data)


class AssetPatchSerializer(serializers.ModelSerializer):
    advisory = serializers.SlugRelatedField(slug_field="identifier", read_only=True)
    severity = serializers.CharField(source="advisory.severity", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True)
    overdue = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField(help_text="Reference of the follow-up ticket.")

    class Meta:
        model = AssetPatch
        fields = ["id", "asset", "asset_name", "advisory", "severity", "state", "deadline",
                  "due_on", "overdue", "deferred_until", "reason", "detected_at",
                  "installed_at", "follow_up", "updated_at"]
        read_only_fields = fields

    def get_overdue(self, patch) -> bool:
        return patch.is_overdue(self.context.get("today"))

    def get_follow_up(self, patch) -> str | None:
        return patch.follow_up.ref if patch.follow_up_id else None


class AssetPatchStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=PatchState.choices)
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    deferred_until = serializers.DateField(required=False, allow_null=True, default=None)


class AssetPatchStateSchema(OpenApiSerializerExtension):
    """PATCH …/asset-patches/{id}/ sets a state: `state` is required even in a PATCH."""

    target_class = AssetPatchStateSerializer

    def map_serializer(self, auto_schema, direction):
        return auto_schema._map_basic_serializer(AssetPatchStateSerializer(), direction)


class SoftwareItemSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    version = StrictCharField(max_length=100, required=False, allow_blank=True, default="")


class PendingItemSerializer(serializers.Serializer):
    advisory = StrictRegexField(IDENTIFIER_RE, max_length=64,
                                help_text="DSA-5555-1, USN-6543-1, KB5031356…")
    title = StrictCharField(max_length=300, required=False, default="")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, default="")
    cvss = _cvss(required=False, allow_null=True, default=None)
    cve_ids = serializers.ListField(child=StrictRegexField(CVE_RE), required=False,
                                    default=list)
    released_on = serializers.DateField(required=False, allow_null=True, default=None)
    package = StrictCharField(max_length=200, required=False, default="")
    fixed_version = StrictCharField(max_length=100, required=False, default="")
    url = StrictURLField(max_length=200, required=False, default="")


class InventorySerializer(serializers.Serializer):
    software = SoftwareItemSerializer(many=True, required=False, max_length=20_000,
                                      help_text="Everything installed: replaces the list.")
    pending = PendingItemSerializer(many=True, required=False, max_length=5_000,
                                    help_text="Advisories still pending on the asset. "
                                              "Unknown ones need severity and released_on.")
    complete = StrictBooleanField(
        default=True, help_text="The pending list is complete: open patches not in it are "
                                "recorded as installed.")

    def validate(self, attrs):
        if "software" not in attrs and "pending" not in attrs:
            raise serializers.ValidationError(
                {"non_field_errors": ["Send `software`, `pending`, or both."]})
        names = [item["name"] for item in attrs.get("software", [])]
        if len(names) != len(set(names)):
            raise serializers.ValidationError({"software": ["A package is listed twice."]})
        ids = [item["advisory"] for item in attrs.get("pending", [])]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError({"pending": ["An advisory is listed twice."]})
        return attrs


class InventorySchema(OpenApiSerializerExtension):
    """A report sends `software`, `pending` or both (InventorySerializer.validate)."""

    target_class = InventorySerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["anyOf"] = [{"required": ["software"]}, {"required": ["pending"]}]
        return schema


class InventoryResultSerializer(serializers.Serializer):
    asset = serializers.IntegerField()
    software = serializers.DictField(child=serializers.IntegerField())
    patches = serializers.DictField(child=serializers.IntegerField())


class ShareSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", allow_null=True)
    name = serializers.CharField(source="label")
    assets = serializers.IntegerField(source="total")
    with_overdue = serializers.IntegerField(source="overdue")
    percent = serializers.FloatField(allow_null=True)


class SeverityRowSerializer(serializers.Serializer):
    severity = serializers.CharField()
    total = serializers.IntegerField()
    buckets = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="Overdue 1–7, 8–30, 31–90, over 90 days")


class ComplianceSerializer(serializers.Serializer):
    date = serializers.DateField(source="today")
    overall = ShareSerializer()
    by_service = ShareSerializer(many=True)
    by_team = ShareSerializer(many=True)
    overdue_by_severity = SeverityRowSerializer(many=True, source="by_severity")
