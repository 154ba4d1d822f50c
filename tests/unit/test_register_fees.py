"""The registers' fees without AWS, as worked examples: the yearly fee of an alcohol sale permit (art. 11¹ of the
act on upbringing in sobriety: the statute's amounts, the share of last year's sales above the thresholds, the
first and last years in proportion to the days, three instalments) and the road-lane fee by the JST's rates
(art. 40 of the public roads act, capped by ust. 8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from chalicelib.model.registers import RegistersSetting, RoadElement, RoadLaneRates
from chalicelib.modules.registers.fees import FeeError, Instalment, LaneArea, alcohol_fee, road_lane_fee

PERMIT = {"valid_from": date(2026, 7, 1), "valid_to": date(2030, 6, 30)}
RATES = RoadLaneRates(resolution="Uchwała nr XII/96/2024 Rady Gminy Lesznowola z dnia 20 marca 2024 r.",
                      daily={RoadElement.JEZDNIA_DO_50: Decimal("8.00"), RoadElement.CHODNIK: Decimal("4.00")},
                      annual={RoadElement.CHODNIK: Decimal("40.00")})


def test_a_whole_year_at_the_statutes_amount_in_three_instalments() -> None:
    fee = alcohol_fee("A", 2027, last_year_sales=None, **PERMIT)
    assert (fee.annual, fee.amount, fee.days) == (52_500, 52_500, 365)
    assert fee.instalments == (Instalment(date(2027, 1, 31), 17_500), Instalment(date(2027, 5, 31), 17_500),
                               Instalment(date(2027, 9, 30), 17_500))
    assert "art. 11¹ ust. 2" in fee.basis


@pytest.mark.parametrize(("category", "sales_zl", "fee_zl"), [
    ("A", "37500.00", "525.00"),  # at the threshold, not above it: the statute's amount
    ("A", "37500.01", "525.00"),  # 1.4% of 37 500,01 zł = 525,0001 zł
    ("A", "50000.00", "700.00"),  # 1.4%
    ("B", "120000.00", "1680.00"),  # 1.4%
    ("C", "77000.00", "2100.00"),
    ("C", "80000.00", "2160.00"),  # 2.7%
    ("C", "100000.00", "2700.00"),
])
def test_above_the_threshold_the_share_of_last_years_sales(category: str, sales_zl: str, fee_zl: str) -> None:
    fee = alcohol_fee(category, 2027, last_year_sales=int(Decimal(sales_zl) * 100), **PERMIT)
    assert fee.amount == int(Decimal(fee_zl) * 100)
    assert sum(i.amount for i in fee.instalments) == fee.amount


def test_instalments_that_do_not_divide_add_up_the_first_carries_the_grosz() -> None:
    fee = alcohol_fee("A", 2027, last_year_sales=5_000_000, **PERMIT)  # 700,00 zł
    assert [i.amount for i in fee.instalments] == [23_334, 23_333, 23_333]
    assert "1,4% wartości sprzedaży" in fee.basis and "ust. 5" in fee.basis


def test_the_first_year_in_proportion_to_its_days_paid_once_before_issue() -> None:
    fee = alcohol_fee("A", 2026, last_year_sales=None, **PERMIT)
    # 1 July–31 December 2026: 184 days; 525 zł × 184 / 365 = 264,6575… zł
    assert (fee.days, fee.amount) == (184, 26_466)
    assert fee.instalments == (Instalment(date(2026, 7, 1), 26_466),)
    assert "184 dni" in fee.basis


def test_the_last_year_in_proportion_in_the_instalments_while_in_force() -> None:
    fee = alcohol_fee("C", 2030, last_year_sales=None, **PERMIT)
    # 1 January–30 June 2030: 181 days; 2100 zł × 181 / 365 = 1041,369… zł
    assert (fee.days, fee.amount) == (181, 104_137)
    assert fee.instalments == (Instalment(date(2030, 1, 31), 52_069), Instalment(date(2030, 5, 31), 52_068))


def test_a_leap_year_in_force_throughout_is_a_whole_year() -> None:
    fee = alcohol_fee("B", 2028, last_year_sales=None, **PERMIT)
    assert (fee.days, fee.amount) == (366, 52_500)


def test_refusals_name_the_field() -> None:
    with pytest.raises(FeeError) as unknown:
        alcohol_fee("D", 2027, last_year_sales=None, **PERMIT)
    assert unknown.value.field == "category"
    with pytest.raises(FeeError) as outside:
        alcohol_fee("A", 2031, last_year_sales=None, **PERMIT)
    assert outside.value.code == "not_valid_in_year"


def test_road_lane_works_area_times_rate_times_days_per_element() -> None:
    fee = road_lane_fee(RATES, "roboty", [LaneArea(RoadElement.JEZDNIA_DO_50, Decimal("12.5")),
                                          LaneArea(RoadElement.CHODNIK, Decimal("6"))], days=10)
    # 12,5 m² × 8 zł × 10 dni = 1000 zł; 6 m² × 4 zł × 10 dni = 240 zł
    assert [line.amount for line in fee.lines] == [100_000, 24_000]
    assert fee.amount == 124_000
    assert "art. 40 ust. 4 i 6" in fee.basis and "Uchwała nr XII/96/2024" in fee.basis


@pytest.mark.parametrize(("days", "amount"), [(365, 10_000), (730, 20_000), (100, 2_740)])
def test_a_utility_device_pays_the_yearly_rate_a_part_of_a_year_by_its_days(days: int, amount: int) -> None:
    # 2,5 m² × 40 zł a year; 100 days: 100 zł × 100 / 365 = 27,397… zł
    fee = road_lane_fee(RATES, "urzadzenia", [LaneArea(RoadElement.CHODNIK, Decimal("2.5"))], days=days)
    assert fee.amount == amount
    assert "art. 40 ust. 5" in fee.basis


def test_an_element_without_a_rate_in_the_resolution_is_refused_on_its_field() -> None:
    with pytest.raises(FeeError) as missing:
        road_lane_fee(RATES, "roboty", [LaneArea(RoadElement.POBOCZE, Decimal("3"))], days=2)
    assert (missing.value.field, missing.value.code) == ("areas.0.element", "rate_missing")
    with pytest.raises(FeeError) as no_days:
        road_lane_fee(RATES, "roboty", [LaneArea(RoadElement.CHODNIK, Decimal("3"))], days=0)
    assert no_days.value.field == "days"


@pytest.mark.parametrize(("daily", "annual", "words"), [
    ("10.01", "200.00", "przekracza 10 zł"), ("10.00", "200.01", "przekracza 200 zł")])
def test_rates_above_the_statutes_caps_are_refused(daily: str, annual: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        RoadLaneRates(resolution="Uchwała nr 1/2024", daily={RoadElement.JEZDNIA_POWYZEJ_50: Decimal(daily)},
                      annual={RoadElement.JEZDNIA_DO_20: Decimal(annual)})


def test_keeping_the_road_lane_register_needs_the_rates() -> None:
    with pytest.raises(ValidationError, match="wymaga stawek"):
        RegistersSetting.model_validate({"kept": [{"kind": "zajecie-pasa-drogowego", "department": "GK"}]})
