"""One-off maintenance windows: the rules every surface (desk, admin, API) saves by."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maintenance import services
from maintenance.models import MaintenanceWindow
from tests.maintenance.conftest import utc

START = utc(2026, 3, 7, 22, 0)


def save(actor, *, services_=None, assets=(), **fields):
    fields = {"reason": "Mail server upgrade", "starts_at": START,
              "ends_at": START + timedelta(hours=2), **fields}
    return services.window_save(window=MaintenanceWindow(**fields), actor=actor,
                                services=list(services_ or []), assets=list(assets),
                                now=utc(2026, 3, 1, 12))


def test_a_window_is_saved_with_its_targets_and_who_announced_it(dee, service):
    window = save(dee, services_=[service])
    window.refresh_from_db()
    assert window.created_by == dee and window.created_at == utc(2026, 3, 1, 12)
    assert list(window.services.all()) == [service]


@pytest.mark.parametrize("fields, field", [
    ({"reason": "  "}, "reason"),
    ({"ends_at": START}, "ends_at"),
    ({"ends_at": START + timedelta(days=32)}, "ends_at"),
])
def test_bad_windows_are_refused(dee, service, fields, field):
    with pytest.raises(ValidationError) as error:
        save(dee, services_=[service], **fields)
    assert list(error.value.message_dict) == [field]
    assert not MaintenanceWindow.objects.exists()


def test_a_window_must_cover_something(dee):
    with pytest.raises(ValidationError) as error:
        save(dee)
    assert list(error.value.message_dict) == ["services"]


def test_only_support_engineers_announce_and_delete_windows(dee, manny, service):
    with pytest.raises(PermissionDenied):
        save(manny, services_=[service])
    window = save(dee, services_=[service])
    with pytest.raises(PermissionDenied):
        services.window_delete(window=window, actor=manny)
    services.window_delete(window=window, actor=dee)
    assert not MaintenanceWindow.objects.exists()
