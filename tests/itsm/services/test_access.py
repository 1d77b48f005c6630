"""require_agent: the check services run before changing work."""

import pytest
from django.core.exceptions import PermissionDenied

from itsm.services.access import require_agent


def test_agents_and_tend_itself_pass(dee, ada):
    require_agent(dee)
    require_agent(ada)
    require_agent(None)


def test_everyone_else_is_refused_with_the_callers_message(alice, manny):
    with pytest.raises(PermissionDenied, match="Only support engineers can do this."):
        require_agent(alice)
    with pytest.raises(PermissionDenied, match="Only support engineers can change checks."):
        require_agent(manny, message="Only support engineers can change checks.")
