"""Reading the report facts back in tests: every non-zero row of every fact table."""

from tickets.models import ANY, GRAIN_BITS
from tickets.services.facts import ROLLUPS, TABLES
from tickets.services.rebuild import facts_rebuild


def fact_rows() -> dict:
    """{(table, key): {measure: sum}} over the fact rows (appended and folded alike),
    leaving out keys whose sums are all zero."""
    found: dict = {}
    for name, table in TABLES.items():
        for row in table.model.objects.values(*table.keys, *table.measures):
            sums = found.setdefault((name, tuple(row[k] for k in table.keys)), {})
            for m in table.measures:
                sums[m] = sums.get(m, 0) + row[m]
    return {target: {m: v for m, v in sums.items() if v}
            for target, sums in found.items() if any(sums.values())}


def month_rows() -> dict:
    """{(rollup table, key): {measure: value}} over the rollups (one row per key)."""
    found: dict = {}
    for rollups in ROLLUPS.values():
        for rollup in rollups:
            for row in rollup.model.objects.values(*rollup.keys, *rollup.measures):
                key = (rollup.model.__name__, tuple(row[k] for k in rollup.keys))
                assert key not in found, f"two rollup rows for {key}"
                found[key] = {m: row[m] for m in rollup.measures if row[m]}
    return found


def months_of_folded_days() -> dict:
    """What the rollups must hold: the folded day rows summed per calendar month or day,
    once per grain of the rollup (the dimensions a grain drops at their "any" value)."""
    found: dict = {}
    for name, rollups in ROLLUPS.items():
        day_table = TABLES[name]
        for rollup in rollups:
            for row in day_table.model.objects.filter(folded=True).values(
                    *day_table.keys, *rollup.measures):
                for grain in rollup.grains:
                    key = (rollup.model.__name__, tuple(
                        rollup.start(row["day"]) if k == rollup.first
                        else grain if k == "grain"
                        else (row[k] if grain & GRAIN_BITS[k] else ANY[k]) if k in GRAIN_BITS
                        else row[k] for k in rollup.keys))
                    sums = found.setdefault(key, {})
                    for m in rollup.measures:
                        sums[m] = sums.get(m, 0) + row[m]
    return {key: {m: v for m, v in sums.items() if v}
            for key, sums in found.items() if any(sums.values())}


def rebuilt_rows() -> dict:
    facts_rebuild()
    return fact_rows()


def day_totals(**match) -> dict:
    """The TicketDayFact measures summed over the rows matching `match`."""
    from tickets.models import TicketDayFact

    totals: dict = {}
    for row in TicketDayFact.objects.filter(**match).values():
        for name, value in row.items():
            if isinstance(value, int) and name not in ("id", "team_id", "service_id", "folded",
                                                       "priority"):
                totals[name] = totals.get(name, 0) + value
    return {k: v for k, v in totals.items() if v}
