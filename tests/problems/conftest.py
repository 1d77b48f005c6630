"""Problem fixtures: incidents filed the way users file them, problems made by the service."""

import pytest

from problems import services
from tests.factories import AssetFactory, make_ticket


@pytest.fixture
def asset(db, service):
    return AssetFactory(name="mail-01", service=service)


@pytest.fixture
def incident_maker(alice, service):
    def make(**fields):
        fields.setdefault("service", service)
        return make_ticket(fields.pop("requester", alice), **fields)

    return make


@pytest.fixture
def problem_maker(dee, incident_maker):
    def make(*, incidents=None, actor=None, **fields):
        fields.setdefault("title", "Mail server drops connections")
        incidents = [incident_maker()] if incidents is None else incidents
        return services.problem_create(actor=actor or dee, incidents=incidents, **fields)

    return make
