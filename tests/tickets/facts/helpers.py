"""Reading the report facts back in tests: every non-zero row of every fact table."""

from tickets.services.facts import TABLES
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
