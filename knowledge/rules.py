"""Who may write and publish articles, in terms of permissions the roles hold (migration 0002).

DSEs and admins hold both. Writing covers drafts and internal articles; publishing covers
an article meant for customers or the public, and one marked validated. End users hold
neither and never write.
"""

WRITE_PERMISSION = "knowledge.write_article"
PUBLISH_PERMISSION = "knowledge.publish_article"


def _has(user, perm: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active
                and user.has_perm(perm))


def can_write(user) -> bool:
    return _has(user, WRITE_PERMISSION)


def can_publish(user) -> bool:
    return _has(user, PUBLISH_PERMISSION)


def sees_internal(user) -> bool:
    """Internal articles, drafts and archived ones are for support engineers and admins."""
    return bool(user is not None and user.is_authenticated and user.is_agent)


def role_of(user) -> str:
    """How a search is counted: by an anonymous visitor, an end user or an agent."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    return "agent" if user.is_agent else "end_user"
