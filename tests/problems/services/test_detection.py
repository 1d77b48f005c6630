"""Recurrence detection: each rule finds its cluster, one open proposal per cluster, a
dismissed cluster needs new incidents, open problems cover theirs, and accepting opens the
problem with the incidents linked."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from monitoring import services as monitoring_services
from monitoring.models import CheckIncident
from problems.models import Proposal, Rule
from problems.services.detection import problems_detect, proposal_accept, proposal_dismiss
from problems.services.errors import ProblemError
from tests.factories import CategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db
TITLES = ["Printer jams on floor three", "Laptop battery swollen", "VPN token expired",
          "Calendar invites vanish", "Badge reader refuses card"]


def detect(**kw):
    kw.setdefault("window_days", 7)
    kw.setdefault("min_incidents", 3)
    return problems_detect(**kw)


def test_same_asset_cluster(incident_maker, asset):
    incidents = [incident_maker(asset=asset, title=t, service=None) for t in TITLES[:3]]
    counts = detect()
    assert counts["created"] == 1
    proposal = Proposal.objects.get(rule=Rule.ASSET)
    assert proposal.key == f"asset:{asset.pk}" and proposal.asset == asset
    assert set(proposal.incidents.all()) == set(incidents)
    assert "mail-01" in proposal.title


def test_two_incidents_are_not_a_cluster(incident_maker, asset):
    for title in TITLES[:2]:
        incident_maker(asset=asset, title=title)
    assert detect()["created"] == 0
    assert not Proposal.objects.exists()


def test_same_service_and_category(incident_maker, team):
    service = ServiceFactory(name="Payroll", owner_team=team)
    category = CategoryFactory(name="Access", default_team=team)
    for title in TITLES[:3]:
        incident_maker(service=service, category=category, title=title)
    detect()
    proposal = Proposal.objects.get(rule=Rule.SERVICE_CATEGORY)
    assert proposal.key == f"service_category:{service.pk}:{category.pk}"
    assert proposal.incidents.count() == 3 and proposal.category == category


def test_same_check(incident_maker):
    check = monitoring_services.check_create(actor=None, name="Intranet", kind="dns",
                                             target="localhost")
    now = timezone.now()
    for title in TITLES[:3]:
        ticket = incident_maker(title=title, service=None)
        CheckIncident.objects.create(owner=check, ticket=ticket, down_since=now)
    detect()
    proposal = Proposal.objects.get(rule=Rule.CHECK)
    assert proposal.key == f"check:{check.pk}" and proposal.check_ref == check
    assert proposal.incidents.count() == 3 and "Intranet" in proposal.title


def test_similar_titles(incident_maker, team):
    services = [ServiceFactory(name=f"S{i}", owner_team=team) for i in range(4)]
    for i, service in enumerate(services[:3]):
        incident_maker(service=service, title=f"Outlook crashes on start #{i + 1}")
    incident_maker(service=services[3], title="Badge reader refuses card")
    detect()
    proposal = Proposal.objects.get(rule=Rule.TITLE)
    assert proposal.incidents.count() == 3
    assert proposal.title.startswith("Outlook crashes on start")


def test_outside_the_window_does_not_count(incident_maker, asset):
    for title in TITLES[:3]:
        incident_maker(asset=asset, title=title)
    assert detect(now=timezone.now() + timedelta(days=8))["created"] == 0


def test_run_twice_updates_instead_of_adding(incident_maker, asset):
    for title in TITLES[:3]:
        incident_maker(asset=asset, title=title)
    detect()
    again = detect()
    assert again["created"] == 0 and again["unchanged"] >= 1
    assert Proposal.objects.filter(rule=Rule.ASSET).count() == 1
    fourth = incident_maker(asset=asset, title=TITLES[3])
    later = timezone.now() + timedelta(minutes=5)
    assert detect(now=later)["updated"] >= 1
    proposal = Proposal.objects.get(rule=Rule.ASSET)
    assert fourth in proposal.incidents.all() and proposal.updated_at == later


def test_dismissed_incidents_do_not_count_again(incident_maker, asset, dee):
    for title in TITLES[:3]:
        incident_maker(asset=asset, title=title)
    detect()
    proposal = Proposal.objects.get(rule=Rule.ASSET)
    proposal_dismiss(proposal=proposal, actor=dee, reason="Planned tests")
    incident_maker(asset=asset, title=TITLES[3])
    detect()
    assert not Proposal.objects.filter(rule=Rule.ASSET, status="open").exists()
    for title in ("Fan noise", "Screen flicker"):
        incident_maker(asset=asset, title=title)
    detect()
    fresh = Proposal.objects.get(rule=Rule.ASSET, status="open")
    assert fresh.incidents.count() == 3


def test_open_problem_covers_its_incidents_and_asset(incident_maker, asset, problem_maker):
    linked = [incident_maker(asset=asset, title=t) for t in TITLES[:3]]
    problem_maker(incidents=linked, asset=asset)
    assert detect()["created"] == 0
    for title in TITLES[3:]:
        incident_maker(asset=asset, title=title)
    incident_maker(asset=asset, title="Fan noise")
    counts = detect()
    assert counts["created"] == 0 and counts["covered"] >= 1


def test_bad_options_are_refused():
    with pytest.raises(ProblemError) as err:
        problems_detect(window_days=0)
    assert "window_days" in err.value.messages


def test_accept_opens_the_problem_with_its_incidents(incident_maker, asset, dee):
    incidents = [incident_maker(asset=asset, title=t) for t in TITLES[:3]]
    detect()
    proposal = Proposal.objects.get(rule=Rule.ASSET)
    problem = proposal_accept(proposal=proposal, actor=dee)
    assert set(problem.incident_links.values_list("incident_id", flat=True)) == {
        t.pk for t in incidents}
    assert list(problem.assets.all()) == [asset]
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.problem == problem
    assert proposal.decided_by == dee
    with pytest.raises(ProblemError):
        proposal_accept(proposal=proposal, actor=dee)
    # The cluster is now the problem's: no new proposal.
    assert detect()["created"] == 0


def test_dismiss_needs_a_reason_and_a_worker(incident_maker, asset, dee, manny):
    for title in TITLES[:3]:
        incident_maker(asset=asset, title=title)
    detect()
    proposal = Proposal.objects.get(rule=Rule.ASSET)
    with pytest.raises(ProblemError) as err:
        proposal_dismiss(proposal=proposal, actor=dee, reason="  ")
    assert "reason" in err.value.messages
    with pytest.raises(PermissionDenied):
        proposal_dismiss(proposal=proposal, actor=manny, reason="no")
    proposal_dismiss(proposal=proposal, actor=dee, reason="Known test noise")
    with pytest.raises(ProblemError):
        proposal_dismiss(proposal=proposal, actor=dee, reason="again")
