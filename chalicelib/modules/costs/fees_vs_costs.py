"""Fees received beside running costs: per JST and catalogue service for a month, the fees paid online (the
payments module's sums), the running cost (the costs' report) and the difference. Pure: no Chalice, no boto3.

Amounts are grosze. A row's cost is its exact PLN cost rounded half up; a JST's and the region's totals are the
sums of the rows as shown, so every column adds up to its total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from chalicelib.modules.costs import budgets
from chalicelib.modules.costs.budgets import MonthCost

COLUMNS = ("payments", "fees_paid", "refunded", "fees_net", "cost", "difference")


class Fees(Protocol):
    """A service's fees of the month (the payments module's `ServiceFees`)."""

    @property
    def count(self) -> int: ...
    @property
    def paid(self) -> int: ...
    @property
    def refunded(self) -> int: ...


@dataclass(frozen=True)
class Paid:
    """A service's fees of the month summed over its days."""

    count: int = 0
    paid: int = 0
    refunded: int = 0


def month_fees(days: Mapping[str, Mapping[str, Fees]]) -> dict[str, Paid]:
    """A JST's fees of the month per service from its fees per Warsaw day and service."""
    sums: dict[str, Paid] = {}
    for fees in days.values():
        for service, f in fees.items():
            was = sums.get(service, Paid())
            sums[service] = Paid(was.count + f.count, was.paid + f.paid, was.refunded + f.refunded)
    return dict(sorted(sums.items()))


def _total(rows: Sequence[Mapping[str, Any]], name: str) -> dict[str, Any]:
    return {"service": name, **{c: sum(int(r[c]) for r in rows) for c in COLUMNS}}


def of_tenant(terc: str, name: str, fees: Mapping[str, Fees], cost: MonthCost, *, month: str,
              today: date) -> dict[str, Any]:
    """One JST's rows: every service that took fees or cost anything in the month so far (its share of the
    region's shared costs as the row `wspolne`, the fixed part pro rata to the days elapsed)."""
    rows, costs = [], budgets.so_far(cost, month, today)
    for service in sorted(set(fees) | {s for s, v in costs.items() if v}):
        paid = fees.get(service)
        fees_paid, refunded = (paid.paid, paid.refunded) if paid else (0, 0)
        spent = budgets.grosze(costs.get(service, Decimal(0)))
        rows.append({"service": service, "payments": paid.count if paid else 0, "fees_paid": fees_paid,
                     "refunded": refunded, "fees_net": fees_paid - refunded, "cost": spent,
                     "difference": fees_paid - refunded - spent})
    return {"terc": terc, "name": name, "rows": rows, "totals": _total(rows, budgets.TOTAL)}


def of_month(month: str, tenants: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"month": month, "tenants": list(tenants),
            "totals": _total([t["totals"] for t in tenants], budgets.TOTAL)}
