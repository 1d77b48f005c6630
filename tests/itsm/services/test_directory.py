"""Directory services: users (with roles) and teams (with members) are written whole, bad
data is refused with field messages and writes nothing, and only admins may change them."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from itsm.models import Team, User
from itsm.services.directory import (
    team_delete,
    team_save,
    user_delete,
    user_password_save,
    user_save,
)


def test_an_admin_creates_a_user_with_a_password_and_a_role(ada):
    user = User(username="erin", first_name="Erin", email="erin@example.com")
    user.set_password("s3cret-Pass")
    user_save(actor=ada, user=user, groups=[Group.objects.get(name="DSE")])
    user = User.objects.get(username="erin")
    assert user.check_password("s3cret-Pass")
    assert [g.name for g in user.groups.all()] == ["DSE"] and user.is_agent


def test_a_bad_username_is_refused_naming_the_field_and_nothing_is_written(ada):
    with pytest.raises(ValidationError) as refused:
        user_save(actor=ada, user=User(username="no spaces allowed", password="x"))
    assert "username" in refused.value.message_dict
    assert not User.objects.filter(username="no spaces allowed").exists()


def test_only_people_with_the_permission_change_users_and_teams(dee, alice):
    with pytest.raises(PermissionDenied):
        user_save(actor=dee, user=User(username="mallory", password="x"))
    with pytest.raises(PermissionDenied):
        team_save(actor=dee, team=Team(name="Shadow IT"))
    with pytest.raises(PermissionDenied):
        user_delete(actor=dee, user=alice)
    assert not User.objects.filter(username="mallory").exists()
    assert not Team.objects.filter(name="Shadow IT").exists()


def test_a_password_change_stores_only_the_password(ada, alice):
    alice.first_name = "Not saved"
    alice.set_password("n3w-Password")
    user_password_save(actor=ada, user=alice)
    alice = User.objects.get(pk=alice.pk)
    assert alice.check_password("n3w-Password") and alice.first_name == "Alice"


def test_tend_itself_seeds_without_a_permission_check(db):
    user_save(actor=None, user=User(username="seeded", password="!"))
    assert User.objects.filter(username="seeded").exists()


def test_a_team_is_saved_with_exactly_its_members_and_deleted(ada, dee, dan):
    team = team_save(actor=ada, team=Team(name="Network", lead=dee), members=[dee, dan])
    assert set(Team.objects.get(pk=team.pk).members.all()) == {dee, dan}
    team_save(actor=ada, team=team, members=[dan])
    assert list(team.members.all()) == [dan]
    team.email = "net@example.com"
    team_save(actor=ada, team=team)  # members None: left alone
    assert list(team.members.all()) == [dan]
    team_delete(actor=ada, team=team)
    assert not Team.objects.filter(name="Network").exists()


def test_a_second_team_with_the_same_name_is_refused(ada, team):
    with pytest.raises(ValidationError) as refused:
        team_save(actor=ada, team=Team(name=team.name, email="not-an-address"))
    assert set(refused.value.message_dict) == {"name", "email"}
    assert Team.objects.filter(name=team.name).count() == 1
