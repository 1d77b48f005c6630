"""The fast-path registry: a registered wrapper really sits in front of the application."""

import pytest

from itsm.performance import fast_paths


@pytest.fixture(autouse=True)
def _empty_registry(monkeypatch):
    # Apps register theirs at setup; each test starts from none and leaves them as they were.
    monkeypatch.setattr(fast_paths, "_wrappers", [])


def _django(environ, start_response):
    start_response("200 OK", [])
    return [b"django"]


def _answering(path: str, body: bytes):
    def wrapper(app):
        def application(environ, start_response):
            if environ["PATH_INFO"] != path:
                return app(environ, start_response)
            start_response("200 OK", [])
            return [body]
        return application
    return wrapper


def _call(app, path: str) -> bytes:
    statuses = []
    body = b"".join(app({"PATH_INFO": path}, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    return body


def test_a_registered_wrapper_answers_its_path_and_passes_the_rest_on():
    fast_paths.register(_answering("/ping/", b"pong"))
    app = fast_paths.wrap(_django)
    assert _call(app, "/ping/") == b"pong"
    assert _call(app, "/desk/") == b"django"


def test_without_wrappers_the_application_is_unchanged():
    assert fast_paths.wrap(_django) is _django


def test_wrappers_apply_in_the_order_registered_and_count_once():
    first, second = _answering("/x/", b"first"), _answering("/x/", b"second")
    fast_paths.register(first)
    fast_paths.register(second)
    fast_paths.register(first)
    # The last registered wraps the others, so it sees the request first.
    assert _call(fast_paths.wrap(_django), "/x/") == b"second"
    assert fast_paths._wrappers == [first, second]
