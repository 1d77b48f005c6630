"""The SQL figures (PostgreSQL) agree with the Python intervals on awkward histories:
outages that join (two downs in a row, an empty span between them), a change exactly at
the period's start, a period beginning inside an outage, gaps, and ties among the longest
outages."""

import pytest

from maintenance.models import MaintenanceWindow
from monitoring.models import Check, CheckStateChange
from monitoring.selectors.availability import intervals
from monitoring.selectors.availability import postgres as sql
from monitoring.selectors.availability.figures import rank
from monitoring.services.spans import spans_rebuild
from tests.factories import ServiceFactory
from tests.monitoring.helpers import minute

pytestmark = pytest.mark.django_db


def history(check, *rows):
    """State changes as the dispatcher writes them, each from the state before it."""
    previous = ""
    for state, m in rows:
        CheckStateChange.objects.create(owner=check, from_state=previous, to_state=state,
                                        at=minute(m))
        previous = state
    Check.objects.filter(pk=check.pk).update(state=previous)
    spans_rebuild([check.pk])


@pytest.fixture
def estate(db):
    email, vpn = ServiceFactory(name="Email"), ServiceFactory(name="VPN")

    def check(name, service):
        return Check.objects.create(name=name, service=service, target=f"http://{name}.example")

    history(check("joined", email), ("up", -100), ("down", 10), ("down", 15), ("up", 20),
            ("down", 20), ("up", 30), ("down", 50), ("pending", 60), ("down", 60),
            ("up", 70))
    history(check("edge", email), ("up", -50), ("down", -10), ("up", 0), ("down", 95))
    history(check("inside", email), ("up", -50), ("down", -10), ("up", 40))
    history(check("still", vpn), ("up", -50), ("down", -5))
    history(check("gaps", vpn), ("up", -50), ("paused", 20), ("unknown", 30), ("up", 45),
            ("down", 80), ("up", 90))
    history(check("late", vpn), ("up", 30), ("down", 40), ("up", 50))
    for n in range(4):  # four outages of the same length: the order breaks the tie
        history(check(f"tie{n}", vpn), ("up", -50), ("down", 60 + n), ("up", 70 + n))
    Check.objects.create(name="never", service=vpn, target="http://never.example")
    spans_rebuild()
    MaintenanceWindow.objects.create(reason="Upgrade", starts_at=minute(12),
                                     ends_at=minute(55)).services.add(email)
    return email, vpn


@pytest.mark.parametrize("longest", [0, 1, 3, 7, 50])
@pytest.mark.parametrize(("a", "b"), [(0, 100), (15, 65), (-20, 20), (0, 10)])
def test_the_sql_figures_are_the_intervals_figures(estate, postgres, longest, a, b):
    start, end = minute(a), minute(b)
    got = sql.collect(start, end, longest=longest)
    expected = intervals.collect(start, end, longest=longest)
    never = Check.objects.get(name="never").pk
    # A check with no change at all: the SQL sees no state, the intervals its current one.
    assert got.checks.pop(never).monitored == 0
    expected.checks.pop(never)
    assert got.checks == expected.checks
    assert got.outages == expected.outages
    vpn = estate[1].pk
    got.services.pop(vpn), expected.services.pop(vpn)  # "never" is monitored there
    assert got.services == expected.services


def test_a_team_or_service_narrows_the_changes_too(estate, postgres):
    email = estate[0]
    start, end = minute(0), minute(100)
    assert sql.collect(start, end, longest=5, service_id=email.pk) == intervals.collect(
        start, end, longest=5, service_id=email.pk)
    parts = [(minute(0), minute(50)), (minute(50), minute(100)), (minute(20), minute(30))]
    assert sql.totals(parts, service_id=email.pk) == intervals.totals(
        parts, service_id=email.pk)


@pytest.mark.parametrize(("a", "b"), [(-2000, -1000), (0, 100)])
def test_counts_are_whole_numbers_even_before_any_change(estate, postgres, a, b):
    # The API's schema says integer: a SUM in the SQL would hand back a Decimal (0.0 in JSON).
    found = sql.collect(minute(a), minute(b), longest=3)
    counts = [(s.outages, s.began) for s in [*found.checks.values(), *found.services.values()]]
    assert counts and all(type(n) is int for pair in counts for n in pair)


DAY = 24 * 60


def test_planned_time_across_midnights_and_days_is_counted_once(postgres):
    # The SQL meets down stretches and windows by the day they share: a stretch over three
    # midnights (T0 is 09:00) across a window over two, a window over midnight and one
    # beside it, each overlap counted once however many days they share.
    db, web = ServiceFactory(name="Database"), ServiceFactory(name="Web")
    long = Check.objects.create(name="long", service=db, target="http://long.example")
    night = Check.objects.create(name="night", service=web, target="http://night.example")
    history(long, ("up", -DAY), ("down", 0.5 * DAY), ("up", 3.5 * DAY))
    history(night, ("up", -DAY), ("down", 1.5 * DAY), ("up", 1.8 * DAY), ("down", 2 * DAY),
            ("up", 2 * DAY + 30))
    for a, b, service in ((DAY, 3 * DAY, db), (3.2 * DAY, 3.3 * DAY, db),
                          (1.6 * DAY, 1.7 * DAY, web), (1.7 * DAY, 1.72 * DAY, web),
                          (2 * DAY - 10, 2 * DAY + 10, web)):
        MaintenanceWindow.objects.create(reason="Work", starts_at=minute(a),
                                         ends_at=minute(b)).services.add(service)
    for a, b in ((-DAY, 5 * DAY), (1.5 * DAY, 2.5 * DAY), (DAY, 2 * DAY)):
        got = sql.collect(minute(a), minute(b), longest=5)
        assert got == intervals.collect(minute(a), minute(b), longest=5)
    assert got.checks[long.pk].planned == DAY * 60
    assert round(got.checks[night.pk].planned) == round(0.12 * DAY * 60)


@pytest.mark.parametrize("worst", [0, 1, 4, 50])
def test_the_worst_checks_are_the_intervals_worst(estate, postgres, worst):
    # A report shows the worst few of thousands: the SQL ranks them as figures.rank does
    # (ties by name, then id), and says how many there were.
    Check.objects.create(name="Zed", service=estate[0], target="http://zed.example")
    start, end = minute(-20), minute(100)
    got = sql.collect(start, end, longest=0, worst=worst)
    expected = intervals.collect(start, end, longest=0, worst=worst)
    names = dict(Check.objects.values_list("pk", "name"))
    never = {pk for pk, name in names.items() if name in ("never", "Zed")}
    assert got.total == expected.total == len(names)
    assert len(got.checks) == min(worst, len(names))
    # Checks with no change at all (see above) rank last in both, by name.
    assert set(got.checks) - never == set(expected.checks) - never
    assert {pk: s for pk, s in got.checks.items() if pk not in never} == {
        pk: s for pk, s in expected.checks.items() if pk not in never}
    everyone = sql.collect(start, end, longest=0)
    order = sorted(everyone.checks, key=lambda pk: rank(everyone.checks[pk], names[pk], pk))
    assert set(got.checks) == set(order[:worst])
