"""What a refused or failed request leaves in the log: a 403 is one line without a
traceback, a crash (500) keeps its traceback."""

import logging

import pytest
from django.test import Client


def _request_records(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def test_a_refused_page_logs_one_line_without_a_traceback(client_for, alice, caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client_for(alice).get("/desk/")
    assert response.status_code == 403
    [record] = _request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Forbidden (Permission denied): /desk/"
    assert record.exc_info is None


def test_a_refused_api_call_logs_one_line_without_a_traceback(client_for, alice, caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client_for(alice).get("/api/v1/teams/")  # teams are for support staff
    assert response.status_code == 403
    [record] = _request_records(caplog)
    assert record.getMessage() == "Forbidden: /api/v1/teams/"
    assert record.exc_info is None


@pytest.mark.urls("tests.itsm.web.failing_urls")
def test_a_crash_still_logs_its_traceback(caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    [record] = _request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
