"""The cost model's lines (the core's contract; the full model with the metered rows and pricing comes with it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CostLine:
    tenant: str
    module: str
    service: str
    function: str
    day: str
    resource: str
    quantity: Decimal
    usd: Decimal  # unrounded
    row: str  # the metered row's key ("<pk>|<sk>") behind it


def sum_by(lines: Iterable[CostLine], field: str) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for line in lines:
        key = getattr(line, field)
        sums[key] = sums.get(key, Decimal(0)) + line.usd
    return sums


def total(lines: Iterable[CostLine]) -> Decimal:
    return sum((line.usd for line in lines), Decimal(0))
