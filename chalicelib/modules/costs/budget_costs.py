"""The month's running cost of one JST as the budgets read it, taken from the costs' report (the inputs and the
report of `GET /v1/finance/costs`, grouped by service, narrowed to the JST; never priced again here): the cost per
catalogue service (metered, with the payment gateway's commission on its payments), the JST's share of the
region's metered work (`wspolne`), its share of the region's fixed costs (whole month), and the cost per Warsaw
day (metered at the report's rate, plus the day's commission).

The month's inputs are read once per month and instance (`ReportCosts`), so one request or one run of the
schedule reads each JST's partition (and payments) once however many JSTs it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any, Generic, Protocol, TypeVar

from chalicelib.modules.costs.budgets import SHARED, MonthCost
from chalicelib.modules.costs.gateway_fees import GatewayFee
from chalicelib.modules.costs.model import CostLine, sum_by
from chalicelib.modules.costs.report import PRECISION, REGION

ZERO = Decimal(0)


class MonthRead(Protocol):
    """What the report was made of (`reporting.MonthInputs`): the month's priced lines and the commission."""

    @property
    def lines(self) -> Sequence[CostLine]: ...
    @property
    def gateway(self) -> Sequence[GatewayFee]: ...


def month_cost(report: Mapping[str, Any], lines: Sequence[CostLine], terc: str,
               gateway: Sequence[GatewayFee] = ()) -> MonthCost:
    """One JST's `MonthCost` from its report (group_by service, tenant = the JST), the month's lines and the
    gateway's commission per day (already in the report's services: here it is put on its days)."""
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
        for fee in gateway:
            if fee.tenant == terc and fee.day is not None:
                by_day[fee.day] = by_day.get(fee.day, ZERO) + fee.pln
        return MonthCost(by_service=by_service, by_day=by_day, fixed=fixed)


M = TypeVar("M", bound=MonthRead)


class ReportCosts(Generic[M]):
    """`CostSource` over the costs' report: `read(month)` gives the month's inputs (every JST's and the region's
    priced lines, the commission), `report(inputs, terc)` the JST's report grouped by service."""

    def __init__(self, read: Callable[[str], M], report: Callable[[M, str], Mapping[str, Any]]) -> None:
        self._read, self._report = read, report
        self._months: dict[str, M] = {}

    def inputs(self, month: str) -> M:
        """The month's inputs, read on first use."""
        if month not in self._months:
            self._months[month] = self._read(month)
        return self._months[month]

    def month_to_date(self, terc: str, month: str) -> MonthCost:
        read = self.inputs(month)
        return month_cost(self._report(read, terc), read.lines, terc, read.gateway)
