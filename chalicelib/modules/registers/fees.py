"""The fees a register entry carries, in grosze: the yearly fee for an alcohol sale permit and the fee for
occupying the road lane. Pure logic: no Chalice, no boto3.

Alcohol (art. 11¹ ustawy z dnia 26 października 1982 r. o wychowaniu w trzeźwości i przeciwdziałaniu
alkoholizmowi): the yearly fee is 525 zł for A (up to 4.5% and beer), 525 zł for B (over 4.5% up to 18% except
beer), 2100 zł for C (over 18%) (ust. 2); a business whose sales of that kind in the year before exceeded
37 500 zł (A), 37 500 zł (B), 77 000 zł (C) pays 1.4%, 1.4%, 2.7% of those sales instead (ust. 5), as declared by
31 January (ust. 6: oświadczenie o wartości sprzedaży); it is paid in three equal instalments by 31 January,
31 May and 30 September (ust. 7); in the year a permit begins or ends the fee is proportional to the days of
validity (ust. 8), and the first year's is paid before the permit is issued (ust. 3). The amounts and thresholds
are the statute's; the numbering of ust. 3 and 6–8 is to be checked against the consolidated text.

Road lane (art. 40 ustawy o drogach publicznych): works and other occupation (ust. 2 pkt 1, 3, 4): m² × the daily
rate × days, less than 24 hours counting as a day (ust. 4, 6); utility devices (ust. 2 pkt 2): m² of the
device's horizontal projection × the yearly rate for each year, a part of a year proportionally to its days
(ust. 5). The rates are the JST's (its council's resolution, capped by ust. 8: `chalicelib.model.registers`).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.model.registers import ROAD_ACT, RoadElement, RoadLaneRates

ALCOHOL_ACT = "ustawy z dnia 26 października 1982 r. o wychowaniu w trzeźwości i przeciwdziałaniu alkoholizmowi"
BASE = {"A": 52_500, "B": 52_500, "C": 210_000}  # grosze, art. 11¹ ust. 2
THRESHOLD = {"A": 3_750_000, "B": 3_750_000, "C": 7_700_000}  # grosze of last year's sales, art. 11¹ ust. 5
SHARE = {"A": Decimal("0.014"), "B": Decimal("0.014"), "C": Decimal("0.027")}  # art. 11¹ ust. 5
INSTALMENT_DAYS = ((1, 31), (5, 31), (9, 30))  # art. 11¹ ust. 7


class FeeError(ValueError):
    """The entry's data do not settle the fee: `field` names what is wrong (a 422 on that field)."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field, self.code = field, code
        super().__init__(message)


@dataclass(frozen=True)
class Instalment:
    due: date
    amount: int  # grosze


@dataclass(frozen=True)
class AlcoholFee:
    year: int
    category: str
    annual: int  # grosze, for a whole year
    amount: int  # grosze, for the days of validity in `year`
    days: int  # days of validity in `year`
    instalments: tuple[Instalment, ...]
    basis: str  # in words, with the article


def _grosz(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def annual_alcohol_fee(category: str, last_year_sales: int | None) -> tuple[int, str]:
    """The fee for a whole year (grosze) and why: the statute's amount, or its share of last year's sales."""
    if category not in BASE:
        raise FeeError("category", "category_unknown", f"Nieznany rodzaj zezwolenia „{category}” (A, B albo C).")
    if last_year_sales is not None and last_year_sales > THRESHOLD[category]:
        share = SHARE[category]
        percent = f"{share * 100:.1f}".replace(".", ",")
        return _grosz(last_year_sales * share), (f"{percent}% wartości sprzedaży w roku poprzednim "
                                                 f"(art. 11¹ ust. 5 {ALCOHOL_ACT})")
    return BASE[category], f"stawka podstawowa (art. 11¹ ust. 2 {ALCOHOL_ACT})"


def _days_in(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def _split(amount: int, dues: Sequence[date]) -> tuple[Instalment, ...]:
    """Equal parts; what does not divide goes on the first, so they add up to the amount."""
    part = amount // len(dues)
    first = amount - part * (len(dues) - 1)
    return tuple(Instalment(due, first if i == 0 else part) for i, due in enumerate(dues))


def alcohol_fee(category: str, year: int, *, valid_from: date, valid_to: date,
                last_year_sales: int | None) -> AlcoholFee:
    """The fee for `year` of a permit valid `valid_from`..`valid_to` (both days included)."""
    if valid_to < valid_from:
        raise FeeError("valid_to", "valid_to_before_from", "Data końca ważności jest wcześniejsza niż początku.")
    start, end = max(valid_from, date(year, 1, 1)), min(valid_to, date(year, 12, 31))
    if end < start:
        raise FeeError("valid_from", "not_valid_in_year", f"Zezwolenie nie obowiązuje w roku {year}.")
    annual, basis = annual_alcohol_fee(category, last_year_sales)
    days = (end - start).days + 1
    amount = annual if days == _days_in(year) else _grosz(Decimal(annual) * days / _days_in(year))
    if days != _days_in(year):
        basis += f"; proporcjonalnie do {days} dni ważności w roku (art. 11¹ ust. 8)"
    if valid_from.year == year:  # the first year: paid once, before the permit is issued (ust. 3)
        return AlcoholFee(year, category, annual, amount, days, (Instalment(valid_from, amount),), basis)
    dues = [date(year, m, d) for m, d in INSTALMENT_DAYS]
    dues = [due for due in dues if due <= valid_to] or dues[:1]  # the last year: the instalments while in force
    return AlcoholFee(year, category, annual, amount, days, _split(amount, dues), basis)


@dataclass(frozen=True)
class LaneArea:
    element: RoadElement
    area_m2: Decimal


@dataclass(frozen=True)
class LaneLine:
    element: RoadElement
    area_m2: Decimal
    rate: Decimal  # zł per m² per day, or per year for a device
    amount: int  # grosze


@dataclass(frozen=True)
class RoadLaneFee:
    amount: int  # grosze
    lines: tuple[LaneLine, ...]
    basis: str


DEVICES = "urzadzenia"  # art. 40 ust. 2 pkt 2: the yearly rate


def road_lane_fee(rates: RoadLaneRates, purpose: str, areas: Sequence[LaneArea], days: int) -> RoadLaneFee:
    """The fee for occupying `areas` for `days` days (a part of a day counts as a day) for `purpose`."""
    if days < 1:
        raise FeeError("days", "days_invalid", "Liczba dni zajęcia pasa drogowego to co najmniej 1.")
    yearly = purpose == DEVICES
    table: Mapping[RoadElement, Decimal] = rates.annual if yearly else rates.daily
    lines = []
    for i, area in enumerate(areas):
        rate = table.get(area.element)
        if rate is None:
            raise FeeError(f"areas.{i}.element", "rate_missing",
                           f"Uchwała jednostki nie ustala stawki dla elementu „{area.element.value}”"
                           f"{' (opłata roczna)' if yearly else ''}.")
        # a device: each whole year at the yearly rate, a part of a year by its days (ust. 5)
        periods = Decimal(days // 365) + Decimal(days % 365) / 365 if yearly else Decimal(days)
        lines.append(LaneLine(area.element, area.area_m2, rate, _grosz(area.area_m2 * rate * periods * 100)))
    if not lines:
        raise FeeError("areas", "areas_missing", "Podaj co najmniej jeden zajmowany element pasa drogowego.")
    article = "art. 40 ust. 5" if yearly else "art. 40 ust. 4 i 6"
    return RoadLaneFee(sum(line.amount for line in lines), tuple(lines),
                       f"{article} {ROAD_ACT}; stawki: {rates.resolution}")
