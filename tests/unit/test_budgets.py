"""The month's forecast from the cost so far (linear on Warsaw days) and the budget thresholds it passes, on worked
examples: the month's first and last day, months of 28, 29, 30 and 31 days, a month over and one not begun."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.core.errors import Unprocessable
from chalicelib.modules.costs import budgets
from chalicelib.modules.costs.budgets import MonthCost


@pytest.mark.parametrize(("month", "today", "actual", "elapsed", "days", "expected"), [
    # the first day: one day elapsed, the day's cost times the month's days
    ("2026-12", date(2026, 12, 1), "3.10", 1, 31, "96.10"),
    # 10 of 30 days: 40 zł so far -> 120 zł
    ("2026-11", date(2026, 11, 10), "40", 10, 30, "120"),
    # February of a common year (28 days) and of a leap year (29 days), on the 14th
    ("2026-02", date(2026, 2, 14), "14", 14, 28, "28"),
    ("2028-02", date(2028, 2, 14), "14", 14, 29, "29"),
    # the last day: the forecast is the cost so far
    ("2026-01", date(2026, 1, 31), "77.77", 31, 31, "77.77"),
    # a month over: its actual cost; one not begun: nothing
    ("2026-10", date(2026, 11, 3), "55", 31, 31, "55"),
    ("2027-01", date(2026, 12, 31), "0", 0, 31, "0"),
])
def test_forecast_is_linear_on_warsaw_days(month: str, today: date, actual: str, elapsed: int, days: int,
                                           expected: str) -> None:
    result = budgets.forecast(Decimal(actual), month, today)
    assert (result.days_elapsed, result.days_in_month) == (elapsed, days)
    assert result.forecast == Decimal(expected)
    assert "liniowo" in result.method


def test_the_fixed_share_is_carried_pro_rata_so_far_and_whole_in_the_forecast() -> None:
    # 10 of 30 days: 20 zł metered, 30 zł of fixed costs for the month -> so far 20 + 10, forecast 60 + 30
    result = budgets.forecast(Decimal(20), "2026-11", date(2026, 11, 10), fixed=Decimal(30))
    assert (result.actual, result.forecast) == (Decimal(30), Decimal(90))
    cost = MonthCost(by_service={"a": Decimal(20)}, fixed=Decimal(30))
    found = budgets.crossings(10_000, {}, cost, "2026-11", date(2026, 11, 10))
    assert [(c.key, c.value) for c in found] == [("razem#80#forecast", 9000)]
    assert budgets.so_far(cost, "2026-11", date(2026, 11, 10)) == {"a": Decimal(20), "wspolne": Decimal(10)}


def test_forecast_keeps_exact_value_and_shows_grosze_half_up() -> None:
    result = budgets.forecast(Decimal("1"), "2026-11", date(2026, 11, 7))  # 1 / 7 * 30
    assert result.forecast == Decimal(30) / Decimal(7)
    assert budgets.grosze(result.forecast) == 429  # 4.2857... zł
    assert budgets.grosze(Decimal("0.005")) == 1


@pytest.mark.parametrize(("value", "expected"), [
    ("79.99", []), ("80.00", [80]), ("99.999", [80]), ("100", [80, 100]), ("250", [80, 100]),
])
def test_thresholds_of_a_100_zl_budget(value: str, expected: list[int]) -> None:
    assert budgets.passed(10_000, Decimal(value)) == expected


def test_crossings_name_scope_threshold_and_kind() -> None:
    cost = MonthCost(by_service={"pismo-ogolne": Decimal("9"), "dowod": Decimal("2")})
    # 10 of 30 days: actual 11 zł of 12 zł (91 %), forecast 33 zł; pismo-ogolne: 9 zł of its 30 zł, forecast 27 zł
    found = budgets.crossings(1200, {"pismo-ogolne": 3000}, cost, "2026-11", date(2026, 11, 10))
    assert sorted(c.key for c in found) == ["pismo-ogolne#80#forecast", "razem#100#forecast", "razem#80#actual",
                                            "razem#80#forecast"]
    total = next(c for c in found if c.key == "razem#100#forecast")
    assert (total.budget, total.value) == (1200, 3300)


def test_nothing_crossed_on_a_month_not_begun() -> None:
    assert budgets.crossings(100, {}, MonthCost(), "2027-01", date(2026, 12, 31)) == []


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-11", "listopad", "2026-11-01", "1999-12"])
def test_a_bad_month_is_422_at_its_field(text: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        budgets.parse_month(text, today=date(2026, 12, 1))
    assert caught.value.details[0]["field"] == "month"


def test_the_month_defaults_to_this_one() -> None:
    assert budgets.parse_month(None, today=date(2026, 12, 1)) == "2026-12"
