"""The maintenance demo data: made through the services, and only once."""

from django.core import mail

from demo import maintenance as demo
from demo.people import seed_base
from maintenance.models import AssetPatch, MaintenancePlan, MaintenanceWindow, Occurrence
from tickets.models import Kind, Ticket


def test_the_demo_has_plans_with_history_windows_and_patches(db):
    seed_base()
    mail.outbox.clear()
    counts = demo.seed(days=21)
    assert counts["plans"] == MaintenancePlan.objects.count() == len(demo.PLANS)
    assert Ticket.objects.filter(kind=Kind.MAINTENANCE).exists()
    assert Occurrence.objects.filter(status="skipped", changed_by__isnull=False).exists()
    assert MaintenanceWindow.objects.filter(occurrence__isnull=True).count() == 3
    assert AssetPatch.objects.filter(due_on__isnull=False).exists()
    assert mail.outbox == []
    assert demo.seed(days=21) == {}  # a second run changes nothing
