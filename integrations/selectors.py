"""Read-side queries for webhook pages and the API (counts in SQL, not per row)."""

from django.db.models import Count, Max, Q, QuerySet

from integrations.models import Delivery, DeliveryStatus, Endpoint


def endpoints_with_health() -> QuerySet[Endpoint]:
    """Endpoints with `last_delivery_at`, `failed_count` (finally failed) and
    `retrying_count` (pending after a failed attempt)."""
    return (Endpoint.objects.prefetch_related("teams", "services")
            .annotate(last_delivery_at=Max("deliveries__last_attempt_at"),
                      failed_count=Count("deliveries",
                                         filter=Q(deliveries__status=DeliveryStatus.FAILED)),
                      retrying_count=Count("deliveries", filter=Q(
                          deliveries__status=DeliveryStatus.PENDING,
                          deliveries__attempts__gt=0)))
            .order_by("name", "id"))


def deliveries_for(endpoint: Endpoint, *, status: str = "", event: str = "") -> QuerySet:
    rows = Delivery.objects.filter(endpoint=endpoint)
    if status:
        rows = rows.filter(status=status)
    if event:
        rows = rows.filter(event=event)
    return rows.order_by("-created_at", "-id")


def last_attempts(deliveries) -> dict[int, object]:
    """The latest Attempt of each delivery given, in one query (latency, excerpt)."""
    from integrations.models import Attempt

    ids = [d.pk for d in deliveries]
    latest = {}
    for attempt in Attempt.objects.filter(delivery_id__in=ids).order_by("attempted_at", "id"):
        latest[attempt.delivery_id] = attempt
    return latest
