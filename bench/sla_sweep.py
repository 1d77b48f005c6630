"""SLA sweep benchmark: the sweep with nothing due, and with 10,000 tickets crossing at once.

Needs the scale data on Postgres (bench/README.md). Changes SLA columns of open tickets
in that database (it is benchmark data) and removes the escalation rule it adds.
Usage: bench/sla_sweep.py [--crossing 10000]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
os.environ.setdefault("DEBUG", "1")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crossing", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the Postgres benchmark database (bench/README.md)")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from itsm.models import BusinessCalendar
    from tickets import sla
    from tickets.models import OPEN_STATUSES, EscalationRule, Ticket, TicketEvent
    from tickets.models.sla import Escalation, Trigger
    from tickets.services.sla.sweep import sla_sweep

    total = Ticket.objects.count()
    open_count = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    print(f"tickets: {total:,}, open: {open_count:,}")
    if open_count < args.crossing:
        raise SystemExit("Not enough open tickets: run seed_demo --tickets 1000000 first")

    print("preparing: every open ticket gets future SLA moments …", flush=True)
    with connection.cursor() as cur:
        cur.execute("""
            UPDATE tickets_ticket SET
              sla_running_since = now(),
              response_warn_at = now() + (1 + random() * 5) * interval '1 day',
              response_due_at = now() + (6 + random() * 5) * interval '1 day',
              resolution_warn_at = now() + (12 + random() * 5) * interval '1 day',
              resolution_due_at = now() + (18 + random() * 5) * interval '1 day',
              response_warned_at = NULL, response_breached_at = NULL,
              resolution_warned_at = NULL, resolution_breached_at = NULL
            WHERE status IN %s""", [tuple(OPEN_STATUSES)])
        cur.execute("UPDATE tickets_ticket SET response_warn_at = NULL, response_due_at = NULL,"
                    " resolution_warn_at = NULL, resolution_due_at = NULL"
                    " WHERE status NOT IN %s AND resolution_due_at IS NOT NULL",
                    [tuple(OPEN_STATUSES)])
        cur.execute("VACUUM ANALYZE tickets_ticket")
    sla_sweep()  # warm caches

    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        counts = sla_sweep()
        samples.append(time.perf_counter() - start)
        assert not any(counts.values()), counts
    print(f"sweep, nothing due: median {statistics.median(samples) * 1000:.1f} ms "
          f"(max {max(samples) * 1000:.1f} ms over {args.runs} runs)")

    rule = EscalationRule.objects.create(name="bench: tell the assignee",
                                         trigger=Trigger.RESOLUTION_BREACH,
                                         business_hours_only=False)
    try:
        ids = list(Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("?")
                   .values_list("pk", flat=True)[: args.crossing])
        past = timezone.now() - timedelta(minutes=1)
        Ticket.objects.filter(pk__in=ids).update(resolution_due_at=past)
        start = time.perf_counter()
        counts = sla_sweep()
        elapsed = time.perf_counter() - start
        print(f"sweep, {counts[Trigger.RESOLUTION_BREACH]:,} tickets breaching at once: "
              f"{elapsed * 1000:.0f} ms (marks, timeline entries and escalations)")
        again = sla_sweep()
        print(f"sweep right after: {sum(again.values())} more marks (must be 0)")
    finally:
        Escalation.objects.filter(rule=rule).delete()
        TicketEvent.objects.filter(message__startswith="Escalation “bench:").delete()
        rule.delete()

    calendar = BusinessCalendar.objects.get(name="Office hours")
    schedule = calendar.schedule()
    now = timezone.now()
    for hours in (8, 80, 800, 4000):
        start = time.perf_counter()
        for _ in range(20):
            schedule.add(now, timedelta(hours=hours))
        per = (time.perf_counter() - start) / 20
        days = (schedule.add(now, timedelta(hours=hours)) - now).days
        print(f"due date {hours:>5} business hours ahead ({days:>5} days spanned): "
              f"{per * 1000:8.3f} ms")
    ticket = Ticket.objects.filter(status__in=OPEN_STATUSES, sla_policy__isnull=False).first()
    if ticket:
        start = time.perf_counter()
        for _ in range(100):
            sla.refresh(ticket, now, reason="bench")
        print(f"full refresh of one ticket's clocks: {(time.perf_counter() - start) * 10:.3f} ms")


if __name__ == "__main__":
    main()
