"""Which requests want an htmx fragment, and the status an htmx error page needs."""

from django.test import RequestFactory

from itsm.web.htmx import error_status, is_htmx


def _get(**headers):
    return RequestFactory().get("/desk/", headers=headers)


def test_only_explicit_htmx_requests_want_fragments():
    assert is_htmx(_get(HX_Request="true"))
    assert not is_htmx(_get())
    assert not is_htmx(_get(HX_Request="true", HX_Boosted="true"))
    assert not is_htmx(_get(HX_Request="true", HX_History_Restore_Request="true"))


def test_errors_are_a_200_for_htmx_which_swaps_only_successes():
    assert error_status(_get(HX_Request="true")) == 200
    assert error_status(_get()) == 400
    assert error_status(_get(), 409) == 409
