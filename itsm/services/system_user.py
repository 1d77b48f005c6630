"""Tend's own account: the requester of work Tend raises by itself (maintenance plans,
overdue patches, monitoring incidents; every ticket needs a requester).

Inactive with an unusable password, so it can never sign in; notifications skip it.
"""

from itsm.models import User

USERNAME = "tend"


def system_user_get() -> User:
    """Tend's own account, created the first time it is needed."""
    user, created = User.objects.get_or_create(
        username=USERNAME,
        defaults={"first_name": "Tend", "last_name": "", "is_active": False, "email": ""})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
