"""Capabilities: the core asks "is this user an agent?"; the app owning the permission
answers by defining the capability when it is set up."""

import pytest

from itsm import roles


def test_the_tickets_app_defines_the_cores_capabilities():
    assert roles.permission_for(roles.AGENT) == "tickets.work_ticket"
    assert roles.permission_for(roles.STAFF) == "tickets.view_all_tickets"
    assert roles.permission_for(roles.REPORTS) == "tickets.view_reports"


def test_users_have_the_capabilities_their_roles_grant(alice, dee, manny, ada):
    assert [u.is_agent for u in (alice, dee, manny, ada)] == [False, True, False, True]
    assert [u.sees_all_tickets for u in (alice, dee, manny, ada)] == [False, True, True, True]
    assert [roles.can(u, roles.REPORTS) for u in (alice, dee, manny, ada)] == [
        False, False, True, True]


@pytest.fixture
def _no_capabilities(monkeypatch):
    monkeypatch.setattr(roles, "_capabilities", {})


@pytest.mark.usefixtures("_no_capabilities")
def test_a_capability_no_app_defined_is_nobodys(ada):
    ada.is_superuser = True
    assert roles.permission_for(roles.AGENT) is None
    assert not ada.is_agent and not roles.can(ada, "anything")
