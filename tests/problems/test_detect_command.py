"""`manage.py detect_problems`: one pass, counts printed, bad options refused."""

import pytest
from django.core.management import CommandError, call_command

from problems.models import Proposal

pytestmark = pytest.mark.django_db


def test_one_pass_prints_counts(incident_maker, asset, capsys):
    for title in ("Fan noise", "Screen flicker", "Disk full"):
        incident_maker(asset=asset, title=title)
    call_command("detect_problems")
    out = capsys.readouterr().out
    assert "3 incidents looked at" in out and "created: 1" in out
    assert Proposal.objects.filter(status="open").count() == 1
    call_command("detect_problems", "--days", "3", "--min", "3")
    assert "created: 0" in capsys.readouterr().out
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("args", [["--days", "0"], ["--min", "1"], ["--days", "x"]])
def test_bad_options(args):
    with pytest.raises(CommandError):
        call_command("detect_problems", *args)
