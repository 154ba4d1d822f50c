"""The payment gateway's commission counts against the budgets and in the fees beside the costs: the budgets take
the month's cost from the costs report's own path (its inputs and report), so a JST's commission is in its total,
in its service's budget and on the day of the payments; the cost column of fees-vs-costs carries it too."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.model.tenant import GatewayCommission
from chalicelib.modules.costs import alerts, budgets, fees_vs_costs, gateway_fees
from chalicelib.modules.costs.budget_costs import ReportCosts
from chalicelib.modules.costs.budget_models import Budget
from chalicelib.modules.costs.gateway_fees import GatewayFee
from chalicelib.modules.costs.model import CostLine
from chalicelib.modules.costs.report import month_report
from chalicelib.modules.costs.settings import CostSettings, UsdRate
from chalicelib.modules.payments.logic import ServiceFees, fees_by_day
from tests.unit.test_cost_report import LESZNOWOLA, PIASECZNO, TENANTS, Prices

SANDBOX = GatewayCommission(percent=Decimal("1.2"), fixed_grosze=30, contract="umowa demonstracyjna")
ROAD, LETTER = "zajecie-pasa-drogowego", "pismo-ogolne"
MONTH = "2026-11"
SETTINGS = CostSettings(rates=[UsdRate(month=MONTH, pln_per_usd=Decimal(4), source="test")])


@dataclass(frozen=True)
class Read:
    month: str
    lines: list[CostLine]
    gateway: list[GatewayFee] = field(default_factory=list)


def line(tenant: str, usd: str, day: str, service: str = LETTER) -> CostLine:
    return CostLine(tenant=tenant, module="m", service=service, function="api", day=day,
                    resource="lambda.requests", quantity=Decimal(1), usd=Decimal(usd), row="r")


def piaseczno_month() -> Read:
    """0.50 USD of Piaseczno's letters on 1 November (2 zł); road permits paid online: two of 100 zł on the 2nd
    (1.2 % + 0.30 zł each: 3 zł) and one of 17 zł on the 3rd (0.504 zł); Lesznowola's 1 USD and its 50 zł fee."""
    days = {"2026-11-02": {ROAD: ServiceFees(ROAD, 2, 20_000, 0)},
            "2026-11-03": {ROAD: ServiceFees(ROAD, 1, 1_700, 0)}}
    gateway = [*gateway_fees.of_days(PIASECZNO, SANDBOX, days),
               *gateway_fees.of_days(LESZNOWOLA, SANDBOX, {"2026-11-02": {ROAD: ServiceFees(ROAD, 1, 5_000, 0)}})]
    return Read(MONTH, [line(PIASECZNO, "0.5", "2026-11-01"), line(LESZNOWOLA, "1", "2026-11-02")], gateway)


def source(read: Read) -> ReportCosts[Read]:
    return ReportCosts(lambda month: read, lambda r, terc: month_report(
        r.lines, month=r.month, group_by="service", settings=SETTINGS, tenants=TENANTS, prices=Prices(),
        tenant=terc, gateway=r.gateway))


def test_the_commission_is_a_cost_of_its_service_and_of_the_day_of_its_payments() -> None:
    cost = source(piaseczno_month()).month_to_date(PIASECZNO, MONTH)
    assert dict(cost.by_service) == {LETTER: Decimal(2), ROAD: Decimal("3.504")}
    assert dict(cost.by_day) == {"2026-11-01": Decimal(2), "2026-11-02": Decimal(3), "2026-11-03": Decimal("0.504")}
    assert cost.fixed == 0


def test_the_budget_and_the_service_budget_count_the_commission_to_the_grosz() -> None:
    cost = source(piaseczno_month()).month_to_date(PIASECZNO, MONTH)
    budget = Budget(terc=PIASECZNO, amount=6_000, services={ROAD: 400}, version=1,
                    updated_at=datetime(2026, 11, 1, tzinfo=UTC), updated_by="fin-1")
    shown = alerts.view(PIASECZNO, MONTH, budget, cost, today=date(2026, 11, 3), alerts=[])
    # 5.504 zł in 3 of 30 days: 5.50 zł so far, 55.04 zł forecast; the road permits' 3.504 zł: 35.04 zł
    assert [(s["scope"], s["actual"], s["forecast"]) for s in shown["scopes"]] == [
        ("razem", 550, 5504), (ROAD, 350, 3504)]
    assert [(d["day"].day, d["cost"], d["cumulative"]) for d in shown["days"]] == [
        (1, 200, 200), (2, 300, 500), (3, 50, 550)]
    assert "z prowizją operatora płatności" in shown["method"]  # the page's words on the forecast say so
    found = budgets.crossings(budget.amount, budget.services, cost, MONTH, date(2026, 11, 3))
    assert sorted(c.key for c in found) == ["razem#80#forecast", f"{ROAD}#100#forecast", f"{ROAD}#80#actual",
                                            f"{ROAD}#80#forecast"]


def test_the_cost_beside_the_fees_carries_the_services_commission() -> None:
    cost = source(piaseczno_month()).month_to_date(PIASECZNO, MONTH)
    # the fees of the month from the same read of the payments as the commission: per day, summed per service
    fees = fees_vs_costs.month_fees({"2026-11-02": {ROAD: ServiceFees(ROAD, 2, 20_000, 0)},
                                     "2026-11-03": {ROAD: ServiceFees(ROAD, 1, 1_700, 500)}})
    one = fees_vs_costs.of_tenant(PIASECZNO, "Gmina Piaseczno", fees, cost, month=MONTH, today=date(2026, 12, 1))
    assert [(r["service"], r["payments"], r["fees_net"], r["cost"], r["difference"]) for r in one["rows"]] == [
        (LETTER, 0, 0, 200, -200), (ROAD, 3, 21_200, 350, 20_850)]
    assert (one["totals"]["cost"], one["totals"]["difference"]) == (550, 20_650)


def test_the_days_commission_sums_to_the_months_exactly() -> None:
    def paid(service: str, amount: int, at: datetime) -> Any:
        from chalicelib.modules.payments.models import Order

        return Order(order_id="o" * 32, terc=PIASECZNO, case_id="c", sign="S", owner="r", service=service,
                     amount=amount, title="t", requested_at=at, opened_at=at, expires_at=at, paid_at=at,
                     paid_amount=amount, refunded=0, status="oplacone")

    # 23:30 UTC on 1 November is the 2nd in Warsaw
    orders = [paid(ROAD, 10_000, datetime(2026, 11, 1, 23, 30, tzinfo=UTC)),
              paid(ROAD, 1_700, datetime(2026, 11, 2, 9, tzinfo=UTC)),
              paid(LETTER, 333, datetime(2026, 11, 5, 9, tzinfo=UTC))]
    days = fees_by_day(orders)
    assert days == {"2026-11-02": {ROAD: ServiceFees(ROAD, 2, 11_700, 0)},
                    "2026-11-05": {LETTER: ServiceFees(LETTER, 1, 333, 0)}}
    by_day = gateway_fees.of_days(PIASECZNO, SANDBOX, days)
    assert [(f.day, f.service, f.payments, f.pln) for f in by_day] == [
        ("2026-11-02", ROAD, 2, Decimal("2.004")), ("2026-11-05", LETTER, 1, Decimal("0.33996"))]
    month = gateway_fees.of_tenant(PIASECZNO, SANDBOX, {ROAD: ServiceFees(ROAD, 2, 11_700, 0),
                                                       LETTER: ServiceFees(LETTER, 1, 333, 0)})
    assert sum(f.pln for f in by_day) == sum(f.pln for f in month)


def test_the_estimate_reads_the_jsts_metering_a_few_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.modules import tenants
    from chalicelib.modules.costs import actuals_wiring, logic, wiring

    @dataclass(frozen=True)
    class Config:
        terc: str

    both_reading = threading.Barrier(2, timeout=5)  # a reader alone would wait here in vain
    read: list[str] = []

    class Reader:
        def month(self, terc: str, month: str) -> list[Any]:
            read.append(terc)
            both_reading.wait()
            return []

    monkeypatch.setattr(tenants, "configs", lambda: [Config(PIASECZNO)])
    monkeypatch.setattr(wiring, "metering_reader", Reader)
    monkeypatch.setattr(logic, "prices_of", lambda month: Prices())
    lines, _ = actuals_wiring.estimate_lines(MONTH)
    assert lines == [] and sorted(read) == [PIASECZNO, "region"]
