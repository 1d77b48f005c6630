"""Catalog services: business services and assets are checked before they are written, and
only admins may change them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from itsm.models import Asset, Service
from itsm.services.catalog import asset_delete, asset_save, service_delete, service_save


def test_an_admin_creates_changes_and_deletes_a_service_and_its_asset(ada, team):
    service = service_save(actor=ada, service=Service(name="VPN", owner_team=team))
    asset = asset_save(actor=ada, asset=Asset(name="vpn-gw-1", kind="network", service=service,
                                              ip_address="10.0.0.5"))
    asset.location = "DC1"
    asset_save(actor=ada, asset=asset)
    assert Asset.objects.get(pk=asset.pk).location == "DC1"
    asset_delete(actor=ada, asset=asset)
    service_delete(actor=ada, service=service)
    assert not Asset.objects.exists() and not Service.objects.filter(name="VPN").exists()


def test_bad_values_are_refused_naming_the_fields_and_nothing_is_written(ada, service):
    with pytest.raises(ValidationError) as refused:
        asset_save(actor=ada, asset=Asset(name="srv", kind="toaster", ip_address="999.1.1.1"))
    assert set(refused.value.message_dict) == {"kind", "ip_address"}
    with pytest.raises(ValidationError) as refused:
        service_save(actor=ada, service=Service(name=service.name))
    assert "name" in refused.value.message_dict
    assert not Asset.objects.exists() and Service.objects.count() == 1


def test_only_people_with_the_permission_change_the_catalog(dee, service):
    with pytest.raises(PermissionDenied):
        service_save(actor=dee, service=Service(name="Shadow"))
    with pytest.raises(PermissionDenied):
        service_delete(actor=dee, service=service)
    with pytest.raises(PermissionDenied):
        asset_save(actor=dee, asset=Asset(name="srv-9"))
    assert list(Service.objects.values_list("name", flat=True)) == [service.name]
    assert not Asset.objects.exists()
