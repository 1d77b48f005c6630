"""The user Tend files its own tickets as (every ticket needs a requester).

Inactive with an unusable password: it can never sign in. The maintenance app needs the
same user; this helper is meant to move to itsm once both apps have landed.
"""

from itsm.models import User

USERNAME = "tend"


def tend_user() -> User:
    user, created = User.objects.get_or_create(
        username=USERNAME,
        defaults={"first_name": "Tend", "last_name": "", "is_active": False,
                  "email": ""})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
