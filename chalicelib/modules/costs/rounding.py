"""Grosze that add up: amounts kept exact (Decimal) and shown rounded so the shown rows sum to the shown total.

Largest remainder (Hamilton's method): every amount goes down to whole grosze, then the grosze still missing to the
target go one each to the amounts that lost most. Each shown amount is its exact value rounded down or up.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

GROSZ = Decimal("0.01")


def grosze_half_up(amount: Decimal) -> int:
    """The amount in whole grosze, half up (how a single total is rounded)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apportion(amounts: Sequence[Decimal], target: int) -> list[int]:
    """`amounts` (złoty, exact, ≥ 0) in whole grosze summing to `target` grosze, each its value rounded down or
    up; ties go to the earlier amount. `target` must lie between the sums rounded down and up."""
    scaled = [a * 100 for a in amounts]
    floors = [int(s.to_integral_value(rounding=ROUND_FLOOR)) for s in scaled]
    missing = target - sum(floors)
    remainders = [s - f for s, f in zip(scaled, floors, strict=True)]
    order = sorted((i for i, r in enumerate(remainders) if r > 0), key=lambda i: (-remainders[i], i))
    if missing < 0 or missing > len(order):
        raise ValueError(f"cannot apportion {target} grosze over {amounts}")
    for i in order[:missing]:
        floors[i] += 1
    return floors


def zloty(grosze: int) -> str:
    """Whole grosze as złoty with a dot and two decimals, for JSON ("17.05")."""
    return format((Decimal(grosze) / 100).quantize(GROSZ), "f")
