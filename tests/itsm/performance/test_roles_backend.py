"""Role permissions cached per process; who holds which role is read on every request."""

from django.contrib.auth.models import Group, Permission

from itsm import roles
from itsm.models import User

WORK = "tickets.work_ticket"


def fresh(user):  # a new request loads the user again
    return User.objects.get(pk=user.pk)


def test_roles_grant_their_permissions(alice, dee, manny):
    assert fresh(dee).has_perm(WORK) and fresh(dee).is_agent
    assert not fresh(alice).has_perm(WORK)
    assert fresh(manny).has_perm("tickets.view_reports")


def test_one_plain_query_per_request_once_roles_are_cached(dee, django_assert_num_queries):
    fresh(dee).has_perm(WORK)
    user = fresh(dee)
    with django_assert_num_queries(1):
        assert user.has_perm(WORK)
        assert user.has_perm("tickets.view_ticket") == (
            "tickets.view_ticket" in user.get_all_permissions())


def test_joining_or_leaving_a_role_applies_to_the_next_request(alice):
    assert not fresh(alice).has_perm(WORK)
    alice.groups.add(Group.objects.get(name=roles.DSE))
    assert fresh(alice).has_perm(WORK)
    alice.groups.remove(Group.objects.get(name=roles.DSE))
    assert not fresh(alice).has_perm(WORK)


def test_changing_what_a_role_may_do_applies_at_once(dee):
    dse = Group.objects.get(name=roles.DSE)
    work = Permission.objects.get(codename="work_ticket")
    assert fresh(dee).has_perm(WORK)
    dse.permissions.remove(work)
    assert not fresh(dee).has_perm(WORK)
    dse.permissions.add(work)
    assert fresh(dee).has_perm(WORK)


def test_direct_permissions_inactive_users_and_superusers(alice, dee):
    alice.user_permissions.add(Permission.objects.get(codename="work_ticket"))
    assert fresh(alice).has_perm(WORK)
    dee.is_active = False
    dee.save()
    assert not fresh(dee).has_perm(WORK)
    root = User.objects.create_superuser("root", "root@example.com", "pw")
    root.is_superuser = True
    assert Permission.objects.count() == len(fresh(root).get_all_permissions())
