"""A JST's monthly budget for its running costs (PLN, grosze; in total and optionally per catalogue service), the
month's forecast from the cost so far, and the thresholds it has passed. Pure: no Chalice, no boto3.

The forecast is linear on Warsaw days: the cost from the month's first day up to today (today counted as a whole
day) divided by the days elapsed, times the days of the month. A month already over is its actual cost; a month
not begun yet is zero.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from chalicelib.core.errors import Unprocessable

THRESHOLDS: tuple[int, ...] = (80, 100)  # per cent of the budget
KINDS: tuple[str, ...] = ("actual", "forecast")
TOTAL = "razem"  # the scope of the JST's whole budget (a service's scope is its id)
GROSZ = Decimal("0.01")
METHOD = ("liniowo według dni (czas warszawski): koszt od 1. dnia miesiąca do dziś, z dzisiejszym dniem liczonym "
          "jako cały, podzielony przez liczbę minionych dni i pomnożony przez liczbę dni miesiąca")


@dataclass(frozen=True)
class MonthCost:
    """A JST's running cost of a month so far, in PLN (exact): per catalogue service and per Warsaw day."""

    by_service: Mapping[str, Decimal] = field(default_factory=dict)
    by_day: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.by_service.values(), Decimal(0))


class CostSource(Protocol):
    """The running cost of a JST's month so far (the costs module's report, in PLN)."""

    def month_to_date(self, terc: str, month: str) -> MonthCost: ...


@dataclass(frozen=True)
class Forecast:
    month: str
    as_of: date
    days_elapsed: int
    days_in_month: int
    actual: Decimal  # PLN, exact
    forecast: Decimal  # PLN, exact
    method: str = METHOD


def parse_month(text: str | None, *, today: date, name: str = "month") -> str:
    """A month "YYYY-MM" from the query, this (Warsaw) month when left out; 422 at `name` otherwise."""
    if text is None:
        return today.strftime("%Y-%m")
    try:
        parsed = date.fromisoformat(f"{text}-01")
    except ValueError:
        parsed = None
    if parsed is None or len(text) != 7 or not 2000 <= parsed.year <= 2100:
        raise Unprocessable(details=[{"field": name, "code": "month_invalid",
                                      "message": "Podaj miesiąc w postaci RRRR-MM, np. 2026-11."}])
    return text


def days_in(month: str) -> int:
    year, number = (int(part) for part in month.split("-"))
    return calendar.monthrange(year, number)[1]


def days_elapsed(month: str, today: date) -> int:
    """Warsaw days of `month` up to and including today: 0 before it begins, all of them once it is over."""
    first = date.fromisoformat(f"{month}-01")
    total = days_in(month)
    if today < first:
        return 0
    if today.strftime("%Y-%m") != month:
        return total
    return today.day


def forecast(actual: Decimal, month: str, today: date) -> Forecast:
    total, elapsed = days_in(month), days_elapsed(month, today)
    if elapsed == 0:
        projected = Decimal(0)
    elif elapsed == total:
        projected = actual
    else:
        projected = actual * total / elapsed
    return Forecast(month=month, as_of=today, days_elapsed=elapsed, days_in_month=total, actual=actual,
                    forecast=projected)


def grosze(pln: Decimal) -> int:
    """An exact PLN amount shown in grosze, half up."""
    return int((pln / GROSZ).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def passed(budget: int, value: Decimal) -> list[int]:
    """The thresholds (per cent) an exact PLN `value` has reached of a budget of `budget` grosze."""
    in_grosze = value / GROSZ
    return [t for t in THRESHOLDS if in_grosze * 100 >= Decimal(budget) * t]


@dataclass(frozen=True)
class Crossing:
    """One threshold of one budget (the JST's whole, or a service's) reached by the actual cost or the forecast."""

    scope: str
    threshold: int
    kind: str
    budget: int  # grosze
    value: int  # grosze: the actual cost or the forecast when it was found

    @property
    def key(self) -> str:
        return f"{self.scope}#{self.threshold}#{self.kind}"


def crossings(amount: int, services: Mapping[str, int], cost: MonthCost, month: str,
              today: date) -> list[Crossing]:
    """Every threshold of the JST's budget and of its services' budgets that the month's cost or forecast has
    reached (what should be alerted once; the store keeps it to once)."""
    scopes: list[tuple[str, int, Decimal]] = [(TOTAL, amount, cost.total)]
    scopes += [(s, b, cost.by_service.get(s, Decimal(0))) for s, b in sorted(services.items())]
    found: list[Crossing] = []
    for scope, budget, actual in scopes:
        projected = forecast(actual, month, today)
        for kind, value in (("actual", actual), ("forecast", projected.forecast)):
            found += [Crossing(scope, t, kind, budget, grosze(value)) for t in passed(budget, value)]
    return found
