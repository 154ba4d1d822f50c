"""A JST's monthly budget for its running costs (PLN, grosze; in total and optionally per catalogue service), the
month's forecast from the cost so far, and the thresholds it has passed. Pure: no Chalice, no boto3.

The forecast is linear on Warsaw days: the metered cost (with the payment gateway's commission on the month's
payments, a cost per payment as the metered ones are per request) from the month's first day up to today (today
counted as a whole day) divided by the days elapsed, times the days of the month. The JST's share of the region's
fixed costs (keys, secrets, hosting: priced for the whole month) is not extrapolated: the month so far carries it pro
rata (days elapsed / days of the month) and the forecast whole. A month already over is its actual cost; a month
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
SHARED = "wspolne"  # the JST's share of the region's shared costs (the costs' report's key)
GROSZ = Decimal("0.01")
METHOD = ("liniowo według dni (czas warszawski): zmierzony koszt (z prowizją operatora płatności od wpłat) od 1. dnia "
          "miesiąca do dziś, z dzisiejszym dniem liczonym jako cały, podzielony przez liczbę minionych dni i pomnożony "
          "przez liczbę dni miesiąca; udział "
          "w stałych kosztach wspólnych regionu doliczony w całości (w koszcie dotąd: proporcjonalnie do minionych "
          "dni)")


@dataclass(frozen=True)
class MonthCost:
    """A JST's running cost of a month, in PLN (exact): the metered cost so far per catalogue service (its share of
    the region's metered work under `wspolne`) and per Warsaw day, and its share of the region's fixed costs for
    the whole month."""

    by_service: Mapping[str, Decimal] = field(default_factory=dict)
    by_day: Mapping[str, Decimal] = field(default_factory=dict)
    fixed: Decimal = Decimal(0)

    @property
    def metered(self) -> Decimal:
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


def forecast(metered: Decimal, month: str, today: date, *, fixed: Decimal = Decimal(0)) -> Forecast:
    """The month so far and its forecast from the metered cost so far and the month's fixed cost."""
    total, elapsed = days_in(month), days_elapsed(month, today)
    if elapsed == 0:
        return Forecast(month=month, as_of=today, days_elapsed=0, days_in_month=total, actual=Decimal(0),
                        forecast=Decimal(0))
    return Forecast(month=month, as_of=today, days_elapsed=elapsed, days_in_month=total,
                    actual=metered + fixed * elapsed / total, forecast=metered * total / elapsed + fixed)


def so_far(cost: MonthCost, month: str, today: date) -> dict[str, Decimal]:
    """The month so far per service, the share of the fixed costs pro rata under `wspolne`."""
    shown = dict(cost.by_service)
    if cost.fixed:
        elapsed = days_elapsed(month, today)
        shown[SHARED] = shown.get(SHARED, Decimal(0)) + cost.fixed * elapsed / days_in(month)
    return shown


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
    found: list[Crossing] = []
    for scope, budget, projected in scoped(amount, services, cost, month, today):
        for kind, value in (("actual", projected.actual), ("forecast", projected.forecast)):
            found += [Crossing(scope, t, kind, budget, grosze(value)) for t in passed(budget, value)]
    return found


def scoped(amount: int, services: Mapping[str, int], cost: MonthCost, month: str,
           today: date) -> list[tuple[str, int, Forecast]]:
    """Each budget (the JST's whole, then its services' by id) with the month so far and its forecast."""
    found = [(TOTAL, amount, forecast(cost.metered, month, today, fixed=cost.fixed))]
    found += [(s, b, forecast(cost.by_service.get(s, Decimal(0)), month, today)) for s, b in sorted(services.items())]
    return found
