"""Maintenance windows as monitoring sees them: what they cover, and when."""

from datetime import timedelta

import pytest

from maintenance import selectors
from maintenance.models import MaintenanceWindow
from tests.factories import AssetFactory, ServiceFactory
from tests.maintenance.conftest import utc

START, END = utc(2026, 3, 7, 22, 0), utc(2026, 3, 8, 2, 0)


@pytest.fixture
def email(db):
    return ServiceFactory(name="Email")


@pytest.fixture
def mail_host(email):
    return AssetFactory(name="mail-01", service=email)


def window_on(*, services=(), assets=(), start=START, end=END):
    window = MaintenanceWindow.objects.create(reason="Upgrade", starts_at=start, ends_at=end)
    window.services.set(services)
    window.assets.set(assets)
    return window


def covering(service=None, asset=None, at=START + timedelta(hours=1)):
    return selectors.window_covering(service_id=service and service.pk,
                                     asset_id=asset and asset.pk, at=at)


def test_a_window_on_a_service_covers_the_service_and_its_assets(email, mail_host):
    window = window_on(services=[email])
    assert covering(service=email) == window
    assert covering(asset=mail_host) == window  # the check names only the asset
    assert covering(service=ServiceFactory(name="VPN")) is None


def test_a_window_on_an_asset_covers_that_asset_not_its_whole_service(email, mail_host):
    window = window_on(assets=[mail_host])
    assert covering(asset=mail_host) == window
    assert covering(service=email, asset=mail_host) == window
    assert covering(service=email) is None
    assert covering(asset=AssetFactory(name="mail-02", service=email)) is None


def test_a_window_covers_from_its_start_up_to_not_including_its_end(email):
    window = window_on(services=[email])
    assert covering(service=email, at=START - timedelta(seconds=1)) is None
    assert covering(service=email, at=START) == window
    assert covering(service=email, at=END - timedelta(seconds=1)) == window
    assert covering(service=email, at=END) is None


def test_nothing_to_cover_is_never_covered(email):
    window_on(services=[email])
    assert selectors.window_covering(service_id=None, asset_id=None, at=START) is None


def test_the_selector_costs_one_query(email, mail_host, django_assert_num_queries):
    window_on(services=[email])
    with django_assert_num_queries(1):
        assert covering(service=email, asset=mail_host) is not None


def test_windows_overlapping_split_planned_from_unplanned_downtime(email, mail_host):
    vpn = ServiceFactory(name="VPN")
    first = window_on(services=[email], start=utc(2026, 3, 7, 22), end=utc(2026, 3, 7, 23))
    second = window_on(assets=[mail_host], start=utc(2026, 3, 8, 1), end=utc(2026, 3, 8, 3))
    window_on(services=[vpn], start=utc(2026, 3, 7, 22), end=utc(2026, 3, 8, 3))
    window_on(services=[email], start=utc(2026, 3, 9), end=utc(2026, 3, 9, 1))
    found = selectors.windows_overlapping(service_ids=[email.pk], asset_ids=[mail_host.pk],
                                          start=utc(2026, 3, 7, 22, 30),
                                          end=utc(2026, 3, 8, 2))
    assert found == [first, second]
    assert [s.name for s in found[0].services.all()] == ["Email"]
    assert selectors.windows_overlapping(service_ids=[], asset_ids=[], start=START,
                                         end=END) == []


def test_a_plan_generated_window_silences_monitoring_for_its_occurrence(dee, team, mail_host):
    from maintenance.services import generation
    from tests.maintenance.conftest import make_plan

    make_plan(dee, team=team, assets=[mail_host], creates_window=True)
    generation.occurrences_generate(now=utc(2026, 3, 1, 12))
    assert covering(asset=mail_host, at=utc(2026, 3, 2, 8, 30)) is not None  # 09:30 Berlin
    assert covering(asset=mail_host, at=utc(2026, 3, 2, 9, 0)) is None  # an hour later
