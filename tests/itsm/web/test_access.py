"""The desk gates: staff read, agents act, everyone else gets a 403 that says why."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from itsm.web.access import desk_action, desk_form_page, desk_fragment, desk_page


def _view(request):
    return HttpResponse("ok")


def _call(decorator, user, method="get"):
    request = getattr(RequestFactory(), method)("/desk/x/")
    request.user = user
    return decorator(_view)(request)


@pytest.mark.parametrize(("decorator", "method", "allowed", "refused", "message"), [
    (desk_page, "get", ("dee", "manny", "ada"), ("alice",), "The desk is for support staff."),
    (desk_action, "post", ("dee", "ada"), ("alice", "manny"),
     "Only support engineers can change tickets."),
    (desk_form_page, "post", ("dee", "ada"), ("alice", "manny"),
     "Only support engineers can do this."),
    (desk_fragment, "post", ("dee", "manny", "ada"), ("alice",),
     "The maintenance desk is for support staff."),
])
def test_who_may_pass_each_gate(request, alice, dee, manny, ada, decorator, method, allowed,
                                refused, message):
    for name in allowed:
        assert _call(decorator, request.getfixturevalue(name), method).status_code == 200
    for name in refused:
        with pytest.raises(PermissionDenied, match=message):
            _call(decorator, request.getfixturevalue(name), method)


def test_gates_send_strangers_to_sign_in_and_refuse_other_methods(dee):
    assert _call(desk_page, AnonymousUser()).status_code == 302
    assert _call(desk_page, dee, "post").status_code == 405
    assert _call(desk_action, dee, "get").status_code == 405
    assert _call(desk_form_page, dee, "get").status_code == 200
    assert _call(desk_fragment, dee, "put").status_code == 405
