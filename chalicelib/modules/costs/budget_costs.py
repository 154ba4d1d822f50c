"""The month's running cost of one JST as the budgets read it, taken from the costs' report (`report.month_report`,
grouped by service, narrowed to the JST; never priced again here): the metered cost per catalogue service, the
JST's share of the region's metered work (`wspolne`), its share of the region's fixed costs (whole month), and the
metered cost per Warsaw day at the report's rate.

The region's lines are read once per month and instance (`ReportCosts`), so one request or one run of the
schedule reads each JST's partition once however many JSTs it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any

from chalicelib.modules.costs.budgets import SHARED, MonthCost
from chalicelib.modules.costs.model import CostLine, sum_by
from chalicelib.modules.costs.report import PRECISION, REGION

ZERO = Decimal(0)


def month_cost(report: Mapping[str, Any], lines: Sequence[CostLine], terc: str) -> MonthCost:
    """One JST's `MonthCost` from its report (group_by service, tenant = the JST) and the month's lines."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        rate = Decimal(report["rate"]["pln_per_usd"])
        groups = report["groups"]
        by_service = {g["key"]: Decimal(g["usage_pln_exact"]) for g in groups if g["kind"] == "usage"}
        share = sum((Decimal(g["shared_pln_exact"]) for g in groups), ZERO)
        shared = report["shared"]
        whole = Decimal(shared["pln_exact"])
        fixed = share * sum((Decimal(i["pln_exact"]) for i in shared["items"]), ZERO) / whole if whole else ZERO
        metered_share = share - fixed
        if metered_share:
            by_service[SHARED] = by_service.get(SHARED, ZERO) + metered_share
        own = sum_by([line for line in lines if line.tenant == terc], "day")
        region = sum_by([line for line in lines if line.tenant == REGION], "day")
        region_usd = sum(region.values(), ZERO)
        by_day = {day: usd * rate for day, usd in own.items()}
        for day, usd in region.items():
            by_day[day] = by_day.get(day, ZERO) + metered_share * usd / region_usd
        return MonthCost(by_service=by_service, by_day=by_day, fixed=fixed)


class ReportCosts:
    """`CostSource` over the costs' report: `lines(month)` gives every JST's and the region's priced lines of the
    month, `report(lines, month, terc)` the JST's report (the region's settings, JSTs and prices behind it)."""

    def __init__(self, lines: Callable[[str], list[CostLine]],
                 report: Callable[[list[CostLine], str, str], Mapping[str, Any]]) -> None:
        self._lines, self._report = lines, report
        self._read: dict[str, list[CostLine]] = {}

    def month_to_date(self, terc: str, month: str) -> MonthCost:
        if month not in self._read:
            self._read[month] = self._lines(month)
        lines = self._read[month]
        return month_cost(self._report(lines, month, terc), lines, terc)
