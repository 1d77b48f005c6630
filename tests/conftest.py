"""Shared fixtures: named personas (alice, bob, dee, dan, manny, ada) and service gates.

Without CI=true a missing Postgres, Redis or Chromium skips the tests that need it, with
the reason; under CI it fails them, so a green CI run means they really ran.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import CategoryFactory, ServiceFactory, TeamFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def need(available: bool, reason: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1",
                                       parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql",
         "needs PostgreSQL: set DATABASE_URL=postgres://… (tests ran on SQLite)")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    need(bool(url) and _port_open(url, 6379), "needs Redis: set REDIS_URL=redis://…")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    present = os.path.exists(CHROMIUM) or bool(shutil.which("chromium"))
    need(present, f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        need(False, "needs the playwright Python package")
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from itsm.performance import config_cache

    cache.clear()
    config_cache.clear()  # a rolled-back test must not leave its configuration behind


@pytest.fixture
def team(db):
    return TeamFactory(name="Service Desk", email="")


@pytest.fixture
def service(db, team):
    return ServiceFactory(name="Email", owner_team=team)


@pytest.fixture
def category(db, team):
    return CategoryFactory(name="Hardware", default_team=team)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", first_name="Alice", last_name="Archer",
                       role="End user")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", first_name="Bob", last_name="Baker", role="End user")


@pytest.fixture
def dee(db, team):
    user = UserFactory(username="dee", first_name="Dee", last_name="Desk", role="DSE")
    team.members.add(user)
    return user


@pytest.fixture
def dan(db, team):
    user = UserFactory(username="dan", first_name="Dan", last_name="Duty", role="DSE")
    team.members.add(user)
    return user


@pytest.fixture
def manny(db):
    return UserFactory(username="manny", first_name="Manny", last_name="Manager",
                       role="Manager")


@pytest.fixture
def ada(db):
    return UserFactory(username="ada", first_name="Ada", last_name="Admin", role="Admin")


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as user."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


def pytest_collection_modifyitems(items):
    """Mark tests that commit for real (transaction=True, live_server): `make test` runs
    them after the parallel run, in one process. Their teardown empties the tables that
    migrations filled, which a later test in the same xdist worker would miss."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        names = getattr(item, "fixturenames", ())
        if ((marker and marker.kwargs.get("transaction")) or "live_server" in names
                or "transactional_db" in names):
            item.add_marker(pytest.mark.transactional)


def pytest_report_header(config):
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"tend: database={db} ci={IN_CI}"]
