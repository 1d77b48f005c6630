"""When the demo's people work and when its tickets come in: office hours, working time,
and filing moments spread over the history (demo/tickets.py times its stories with them).

Every function takes the generator it draws from and draws the same number of times
whatever the clock says, so what comes after a call never depends on the time of day.
"""

import bisect
import random
from datetime import datetime, timedelta

from django.utils import timezone

OFFICE = (8, 18)  # local hours people work, Monday to Friday
DAY = 600  # minutes of office time in a working day: the gaps between people's steps
# A small desk: 25 to 30 tickets a week. The history is as long as `count` tickets take
# at this rate (eleven weeks for 300), so the backlog has settled before the last eight.
PER_DAY = 300 / 77


def history_days(count: int) -> float:
    return max(7.0, count / PER_DAY)


def hour_weight(local: datetime) -> float:
    """How many tickets come in during this local hour, relative to a weekday at work:
    Monday brings the weekend's problems, Friday afternoon is quiet, a few people file
    from home in the evening and at the weekend."""
    weekday, hour = local.weekday(), local.hour
    if weekday >= 5:
        return 0.04 if 9 <= hour < 21 else 0.005
    if OFFICE[0] <= hour < OFFICE[1]:
        return (1.15 if weekday == 0 else 0.8 if weekday == 4 and hour >= 14 else 1.0)
    return 0.12 if 7 <= hour < 22 else 0.01


def arrivals(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """When each of `count` tickets is filed, oldest first: spread over the history by the
    hour of the week, busier and quieter days at random, one in each `count`-th of it."""
    start = now - timedelta(days=history_days(count))
    day_factor: dict = {}
    hours, cumulative, total = [], [], 0.0
    at = start
    while at < now:
        local = timezone.localtime(at)
        factor = day_factor.setdefault(local.date(), rng.uniform(0.8, 1.2))
        total += hour_weight(local) * factor
        hours.append(at)
        cumulative.append(total)
        at += timedelta(hours=1)
    moments = []
    for k in range(count):
        target = total * (k + rng.random()) / count
        i = min(bisect.bisect_left(cumulative, target), len(hours) - 1)
        moments.append(min(hours[i] + timedelta(seconds=rng.randint(0, 3599)),
                           now - timedelta(minutes=1)))
    return moments


def at_work(rng: random.Random, at: datetime) -> datetime:
    """`at`, or a moment early in the next office day."""
    settle = timedelta(minutes=rng.randint(0, 120))
    local = timezone.localtime(at)
    if local.hour < OFFICE[0] or local.hour >= OFFICE[1] or local.weekday() >= 5:
        days = 1 if local.hour >= OFFICE[1] else 0
        local = (local + timedelta(days=days)).replace(hour=OFFICE[0], minute=0) + settle
        while local.weekday() >= 5:
            local += timedelta(days=1)
    return local


def after_work(rng: random.Random, at: datetime, minutes: int) -> datetime:
    """`minutes` of office time after `at`: people's work stops at night and at weekends,
    so a two-day job begun on Friday is done on Tuesday, not all on Monday morning."""
    local, left = at_work(rng, at), timedelta(minutes=minutes)
    while True:
        closing = local.replace(hour=OFFICE[1], minute=0, second=0, microsecond=0)
        if local + left <= closing:
            return local + left
        left -= max(closing - local, timedelta(0))
        local = (local + timedelta(days=1)).replace(hour=OFFICE[0], minute=0)
        while local.weekday() >= 5:
            local += timedelta(days=1)


def office_before(rng: random.Random, at: datetime) -> datetime:
    """`at`, or a moment late in the office day before it: when a phone call came in."""
    early = timedelta(minutes=rng.randint(1, 90))
    local = timezone.localtime(at)
    if OFFICE[0] <= local.hour < OFFICE[1] and local.weekday() < 5:
        return local
    if local.hour < OFFICE[1]:
        local -= timedelta(days=1)
    local = local.replace(hour=OFFICE[1], minute=0, second=0, microsecond=0) - early
    while local.weekday() >= 5:
        local -= timedelta(days=1)
    return local
