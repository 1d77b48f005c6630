"""Advisories entered one at a time (API, admin): the rules, and deadlines that follow them."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maintenance import services
from maintenance.models import Advisory, AssetPatch
from maintenance.services import patching

RELEASED = date(2026, 1, 1)


def create(actor, **fields):
    fields = {"identifier": "DSA-5555-1", "title": "openssl security update",
              "severity": "high", "released_on": RELEASED, **fields}
    return services.advisory_create(actor=actor, **fields)


def test_an_advisory_is_created_with_its_fields(dee):
    advisory = create(dee, cvss="7.5", cve_ids=["cve-2023-5678"], package="openssl")
    advisory.refresh_from_db()
    assert (advisory.identifier, advisory.severity, str(advisory.cvss)) == (
        "DSA-5555-1", "high", "7.5")
    assert advisory.cve_ids == ["CVE-2023-5678"]  # kept the way the advisories spell them


def test_an_identifier_already_on_record_is_refused(dee):
    create(dee)
    with pytest.raises(ValidationError) as error:
        create(dee, title="The same, entered twice")
    assert error.value.message_dict == {
        "identifier": ["An advisory with this identifier already exists."]}
    assert Advisory.objects.count() == 1


@pytest.mark.parametrize("field, value", [("identifier", "not an id"), ("title", " "),
                                          ("severity", "urgent"), ("cvss", "10.5"),
                                          ("cve_ids", ["CVE-1"]), ("url", "ftp://x.example")])
def test_bad_fields_are_refused_with_a_message_each(dee, field, value):
    with pytest.raises(ValidationError) as error:
        create(dee, **{field: value})
    assert list(error.value.message_dict) == [field]
    assert not Advisory.objects.exists()


def test_only_support_engineers_enter_advisories(alice, manny):
    for user in (alice, manny):
        with pytest.raises(PermissionDenied):
            create(user)


def test_a_new_severity_moves_the_deadline_on_every_asset(dee, asset):
    advisory = create(dee)
    policy = patching.patch_policy_current()
    patch = AssetPatch.objects.create(asset=asset, advisory=advisory, due_on=None,
                                      deadline=policy.deadline("high", RELEASED))
    services.advisory_update(advisory=advisory, actor=dee, changes={"severity": "critical"})
    patch.refresh_from_db()
    assert patch.deadline == RELEASED + timedelta(days=policy.critical_days)
    assert Advisory.objects.get().severity == "critical"


def test_renaming_onto_another_identifier_is_refused(dee):
    create(dee)
    other = create(dee, identifier="USN-6543-1")
    with pytest.raises(ValidationError) as error:
        services.advisory_update(advisory=other, actor=dee, changes={"identifier": "DSA-5555-1"})
    assert "identifier" in error.value.message_dict
    assert Advisory.objects.get(pk=other.pk).identifier == "USN-6543-1"


def test_deleting_an_advisory_deletes_its_patches(dee, asset):
    advisory = create(dee)
    AssetPatch.objects.create(asset=asset, advisory=advisory, deadline=RELEASED)
    services.advisory_delete(advisory=advisory, actor=dee)
    assert not Advisory.objects.exists() and not AssetPatch.objects.exists()
