"""Settings read from the environment: where mail links point, a file broker kombu does not
warn about, and Django's log lines printed once."""

import logging
import runpy

import pytest
from django.utils.log import configure_logging
from kombu import Connection

import itsm.config.settings

ENV = ("TEND_BASE_URL", "PORT", "CELERY_BROKER_URL", "REDIS_URL", "LOG_LEVEL")


def settings_from(monkeypatch, **env) -> dict:
    """The settings module run afresh with exactly these of ENV set."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(itsm.config.settings.__file__)


@pytest.mark.parametrize(("env", "base_url"), [
    ({}, "http://127.0.0.1:8000"),
    # honcho's PORT for the worker, not the port served: `make run` sets TEND_BASE_URL
    # (tests/itsm/config/test_make_run.py).
    ({"PORT": "8100"}, "http://127.0.0.1:8000"),
    ({"PORT": "8100", "TEND_BASE_URL": "https://tend.example.com"}, "https://tend.example.com"),
])
def test_mail_links_use_tend_base_url_not_a_process_port(monkeypatch, env, base_url):
    assert settings_from(monkeypatch, **env)["TEND_BASE_URL"] == base_url


@pytest.mark.parametrize("env", [{}, {"CELERY_BROKER_URL": "filesystem://"}])
def test_the_file_broker_connects_without_a_hostname_warning(monkeypatch, caplog, env):
    conf = settings_from(monkeypatch, **env)
    connection = Connection(conf["CELERY_BROKER_URL"], transport=conf["CELERY_BROKER_TRANSPORT"],
                            transport_options=conf["CELERY_BROKER_TRANSPORT_OPTIONS"])
    with caplog.at_level(logging.WARNING, logger="kombu"):
        connection.clone().info()
        uri = connection.as_uri()
    assert not [r for r in caplog.records if "hostname" in r.getMessage()]
    assert uri.startswith("filesystem://")


def test_redis_keeps_its_own_transport(monkeypatch):
    conf = settings_from(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/13")
    assert conf["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/13"
    assert "CELERY_BROKER_TRANSPORT" not in conf


@pytest.fixture
def apply_real_logging(monkeypatch, settings):
    """Applies the real LOGGING as Django does, under DEBUG (the tests run with a bare one);
    the loggers it touches are put back after. Called in the test, so that its handlers
    write to the stderr capsys reads."""
    touched = [logging.getLogger(name) for name in ("", "django", "django.server")]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate) for lg in touched]
    settings.DEBUG = True
    real = settings_from(monkeypatch)["LOGGING"]
    yield lambda: configure_logging("logging.config.dictConfig", real)
    for lg, handlers, level, propagate in saved:
        lg.handlers, lg.propagate = handlers, propagate
        lg.setLevel(level)


def test_a_django_log_line_is_printed_once_under_debug(apply_real_logging, capsys):
    apply_real_logging()
    logging.getLogger("django.request").warning("Not Found: %s", "/nowhere/")
    logging.getLogger("tickets").info("a line of our own")
    printed = capsys.readouterr().err
    assert printed.count("Not Found: /nowhere/") == 1
    assert "WARNING django.request: Not Found: /nowhere/" in printed
    assert printed.count("a line of our own") == 1


def test_runserver_access_lines_keep_djangos_look(apply_real_logging, capsys):
    apply_real_logging()
    logging.getLogger("django.server").info('"%s" %s %s', "GET / HTTP/1.1", 200, 512)
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("[") and line.endswith('] "GET / HTTP/1.1" 200 512')


@pytest.mark.django_db
def test_postgres_connections_compile_no_query_plans(postgres):
    # JIT costs 20–30 ms per report read over jit_above_cost and gains nothing at Tend's
    # sizes; the connection turns it off whatever the server says.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
