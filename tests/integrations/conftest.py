"""Webhook fixtures: a real local receiver, an endpoint pointed at it, an admin."""

import pytest

from integrations.models import Endpoint
from integrations.services.endpoints import endpoint_save
from itsm.events import EVENTS
from tests.integrations.receiver import Receiver


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(db, ada, receiver):
    return endpoint_save(endpoint=Endpoint(), actor=ada, name="Receiver", url=receiver.url,
                         events=list(EVENTS))
