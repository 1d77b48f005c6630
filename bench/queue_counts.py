"""The desk queue's tab counts in process (no HTTP): `tickets.web.desk.queue.counters` for an
agent, a manager and an admin, with no filter and with the common filters, median of 9
after a warm-up. Issue 18's target: under 20 ms at 1,000,000 tickets, exact for every role.

Usage: DATABASE_URL=postgres://…/tend_bench bench/queue_counts.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: Django setup)


def timed(fn, n: int = 9) -> float:
    fn()
    found = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        found.append((time.perf_counter() - start) * 1000)
    return statistics.median(found)


def main():
    run.django_setup()
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict
    from django.test import RequestFactory

    from itsm.models import Team, User
    from tickets.web.desk.queue import counters

    team = Team.objects.order_by("pk").first()
    people = {
        "agent": User.objects.filter(groups__name="DSE", is_active=True).order_by("pk").first(),
        "manager": User.objects.filter(groups__name="Manager").order_by("pk").first(),
        "admin": User.objects.filter(groups__name="Admin").order_by("pk").first(),
    }
    cases = {"no filter": "", "priority 1": "priority=1", f"team {team}": f"team={team.pk}",
             "status new": "status=new", "incidents, P2": "kind=incident&priority=2"}
    for role, person in people.items():
        if person is None:
            print(f"{role}: nobody has this role here", flush=True)
            continue
        for label, query in cases.items():
            request = RequestFactory().get("/desk/", data=QueryDict(query))
            request.user = person or AnonymousUser()
            shown = counters(request, QueryDict(query))
            ms = timed(lambda request=request, query=query: counters(request, QueryDict(query)))
            badges = ", ".join(f"{k} {v}" for k, v in shown.items())
            print(f"{role:<8} {label:<16} {ms:6.1f} ms   ({badges})", flush=True)


if __name__ == "__main__":
    main()
