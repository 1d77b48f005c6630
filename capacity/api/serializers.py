"""Shapes of the capacity API: push results, series with their forecast, points."""

from rest_framework import serializers

from capacity.models import Series


class PushResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Samples stored (resends are skipped).")
    series = serializers.IntegerField(help_text="Distinct series the push named.")


class JsonSampleSerializer(serializers.Serializer):
    """For the schema only: samples are validated by capacity.samples.parse_json_samples."""

    series = serializers.CharField(help_text="fs_used, fs_size, memory, swap, cpu, load, "
                                             "network or custom")
    name = serializers.CharField(required=False, help_text="Mount point, interface, metric.")
    labels = serializers.DictField(child=serializers.CharField(), required=False)
    # ISO 8601 text or epoch seconds (a number): either is valid, so the schema says "any".
    t = serializers.JSONField(required=False, help_text="ISO 8601 or epoch seconds; now if "
                                                        "left out.")
    v = serializers.FloatField()


class JsonPushSerializer(serializers.Serializer):
    samples = JsonSampleSerializer(many=True)


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Series
        fields = ["id", "kind", "name", "labels", "unit", "source", "is_counter",
                  "capacity_series", "first_at", "last_at", "last_value", "threshold",
                  "state", "state_reason", "threshold_value", "eta_earliest", "eta_likely",
                  "eta_latest", "slope", "slope_low", "slope_high", "window_start",
                  "window_end", "forecast_at"]
        read_only_fields = fields


class PointSerializer(serializers.Serializer):
    t = serializers.DateTimeField()
    min = serializers.FloatField()
    mean = serializers.FloatField()
    max = serializers.FloatField()
    last = serializers.FloatField()


class PointsSerializer(serializers.Serializer):
    series = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    points = PointSerializer(many=True)
