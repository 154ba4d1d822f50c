"""Budget alerts over fakes: a threshold reached is alerted and mailed once however often the schedule runs, a new
month re-arms it, a failed mail is sent by the next run; the budget's checks (422 per field); the fees beside
the costs add up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.core.errors import Unprocessable
from chalicelib.modules.costs import alerts, fees_vs_costs
from chalicelib.modules.costs.budget_models import Alert, Budget, BudgetIn
from chalicelib.modules.costs.budgets import MonthCost
from chalicelib.modules.payments.logic import ServiceFees, fees_by_service
from tests.unit.fakes import FakeMailer

A = "1418043"


class FakeBudgets:
    def __init__(self, budget: Budget | None) -> None:
        self.stored = budget
        self.alerted: dict[tuple[str, str, str], Alert] = {}
        self.sending: dict[tuple[str, str, str], datetime] = {}

    def budget(self, terc: str) -> Budget | None:
        return self.stored

    def save(self, budget: Budget, read_version: int, change: Any) -> bool:
        if (self.stored.version if self.stored else 0) != read_version:
            return False
        self.stored = budget
        return True

    def claim(self, alert: Alert) -> bool:
        key = (alert.terc, alert.month, f"{alert.scope}#{alert.threshold}#{alert.kind}")
        if key in self.alerted:
            return False
        self.alerted[key] = alert
        return True

    def take_mail(self, alert: Alert, now: datetime, lease: timedelta) -> bool:
        key = (alert.terc, alert.month, f"{alert.scope}#{alert.threshold}#{alert.kind}")
        taken = self.sending.get(key)
        if self.alerted[key].mailed_at is not None or (taken is not None and taken > now - lease):
            return False
        self.sending[key] = now
        return True

    def mailed(self, alert: Alert, at: datetime) -> None:
        key = (alert.terc, alert.month, f"{alert.scope}#{alert.threshold}#{alert.kind}")
        self.alerted[key] = alert.model_copy(update={"mailed_at": at})

    def alerts(self, terc: str, month: str) -> list[Alert]:
        return [a for (t, m, _), a in self.alerted.items() if (t, m) == (terc, month)]


@dataclass(frozen=True)
class Read:
    """The month's inputs the budgets' cost source reads once (`reporting.MonthInputs`)."""

    month: str
    lines: list[Any]
    gateway: list[Any] = field(default_factory=list)


class Costs:
    def __init__(self, by_month: dict[str, MonthCost]) -> None:
        self.by_month = by_month

    def month_to_date(self, terc: str, month: str) -> MonthCost:
        return self.by_month.get(month, MonthCost())


def budget(amount: int = 10_000, services: dict[str, int] | None = None) -> Budget:
    return Budget(terc=A, amount=amount, services=services or {}, version=1,
                  updated_at=datetime(2026, 11, 1, tzinfo=UTC), updated_by="fin-1")


def run(store: FakeBudgets, costs: Costs, mailer: FakeMailer, today: date) -> list[Alert]:
    now = datetime(today.year, today.month, today.day, 10, tzinfo=UTC)
    return alerts.evaluate(store, costs, mailer, terc=A, tenant_name="Gmina Piaseczno",
                           contact="urzad@piaseczno.demo.eurzad.pl", now=now, today=today)


def test_each_threshold_is_mailed_once_per_month_and_a_new_month_rearms_it() -> None:
    store, mailer = FakeBudgets(budget()), FakeMailer()
    # 27 zł of 100 zł by 10 November: forecast 81 zł (80 % of the forecast), actual 27 %
    costs = Costs({"2026-11": MonthCost(by_service={"pismo-ogolne": Decimal(27)})})
    first = run(store, costs, mailer, date(2026, 11, 10))
    assert [(a.scope, a.threshold, a.kind) for a in first] == [("razem", 80, "forecast")]
    assert len(mailer.sent) == 1 and "80%" in mailer.sent[0].subject
    assert mailer.sent[0].to == "urzad@piaseczno.demo.eurzad.pl"
    # Repeats the same day and later in the month: the same threshold is not alerted again
    assert run(store, costs, mailer, date(2026, 11, 10)) == []
    costs.by_month["2026-11"] = MonthCost(by_service={"pismo-ogolne": Decimal(85)})
    later = run(store, costs, mailer, date(2026, 11, 25))
    assert sorted((a.threshold, a.kind) for a in later) == [(80, "actual"), (100, "forecast")]
    assert len(mailer.sent) == 3
    # December: the thresholds are armed again
    costs.by_month["2026-12"] = MonthCost(by_service={"pismo-ogolne": Decimal(90)})
    december = run(store, costs, mailer, date(2026, 12, 2))
    assert sorted((a.threshold, a.kind) for a in december) == [(80, "actual"), (80, "forecast"), (100, "forecast")]
    assert {a.month for a in december} == {"2026-12"}


def test_a_refused_mail_stays_pending_and_a_later_run_sends_it_once() -> None:
    store = FakeBudgets(budget().model_copy(update={"email": "finanse@piaseczno.demo.eurzad.pl"}))
    costs = Costs({"2026-11": MonthCost(by_service={"x": Decimal(100)})})
    with pytest.raises(Exception, match="SES"):
        run(store, costs, FakeMailer(fail=True), date(2026, 11, 30))
    assert all(a.mailed_at is None for a in store.alerts(A, "2026-11")) and len(store.alerts(A, "2026-11")) == 4
    mailer = FakeMailer()
    assert run(store, costs, mailer, date(2026, 11, 30)) == []
    assert len(mailer.sent) == 3  # the one the failed run took waits for its lease to end
    store.sending.clear()  # the lease is over
    assert run(store, costs, mailer, date(2026, 11, 30)) == []
    assert len(mailer.sent) == 4 and {m.to for m in mailer.sent} == {"finanse@piaseczno.demo.eurzad.pl"}
    run(store, costs, mailer, date(2026, 11, 30))
    assert len(mailer.sent) == 4


def test_a_service_budget_alerts_on_its_own_cost() -> None:
    store, mailer = FakeBudgets(budget(100_000, {"pismo-ogolne": 1000})), FakeMailer()
    costs = Costs({"2026-11": MonthCost(by_service={"pismo-ogolne": Decimal(10), "inne": Decimal(1)})})
    found = run(store, costs, mailer, date(2026, 11, 30))
    assert sorted((a.scope, a.threshold, a.kind) for a in found) == [
        ("pismo-ogolne", 80, "actual"), ("pismo-ogolne", 80, "forecast"),
        ("pismo-ogolne", 100, "actual"), ("pismo-ogolne", 100, "forecast")]
    assert "usługi „pismo-ogolne”" in found[0].message


def test_no_budget_no_alert() -> None:
    mailer = FakeMailer()
    assert run(FakeBudgets(None), Costs({"2026-11": MonthCost(by_service={"x": Decimal(999)})}), mailer,
               date(2026, 11, 30)) == []
    assert mailer.sent == []


def test_a_budget_names_unknown_services_and_oversized_ones_at_their_fields() -> None:
    change = BudgetIn(amount=1000, services={"nie-ma-takiej": 10, "pismo-ogolne": 1001})
    with pytest.raises(Unprocessable) as caught:
        alerts.checked(change, ["pismo-ogolne"])
    assert [(d["field"], d["code"]) for d in caught.value.details] == [
        ("services.nie-ma-takiej", "unknown_service"), ("services.pismo-ogolne", "service_budget_invalid")]


def test_a_stale_budget_change_is_a_conflict() -> None:
    store = FakeBudgets(budget())
    stale = alerts.new_budget(A, BudgetIn(amount=5000), was=budget().model_copy(update={"version": 0}),
                              actor="fin-2", now=datetime(2026, 11, 2, tzinfo=UTC))
    with pytest.raises(alerts.BudgetChanged):
        alerts.save(store, stale, budget().model_copy(update={"version": 0}), change=None)


def test_the_view_shows_percent_forecast_and_the_days_so_far() -> None:
    cost = MonthCost(by_service={"a": Decimal("6.005")},
                     by_day={"2026-11-01": Decimal(1), "2026-11-03": Decimal("5.005")})
    shown = alerts.view(A, "2026-11", budget(1000), cost, today=date(2026, 11, 3), alerts=[])
    assert (shown["actual"], shown["forecast"], shown["days_elapsed"], shown["days_in_month"]) == (601, 6005, 3, 30)
    assert shown["scopes"][0] == {"scope": "razem", "budget": 1000, "actual": 601, "forecast": 6005,
                                  "actual_percent": 60, "forecast_percent": 600}
    assert [(d["day"].day, d["cost"], d["cumulative"]) for d in shown["days"]] == [(1, 100, 100), (2, 0, 100),
                                                                                   (3, 501, 601)]


def test_fees_beside_costs_add_up_per_jst_and_region() -> None:
    fees = {"pismo-ogolne": ServiceFees("pismo-ogolne", 2, 3400, 1700)}
    cost = MonthCost(by_service={"pismo-ogolne": Decimal("0.125"), "dowod": Decimal("1.004")})
    one = fees_vs_costs.of_tenant(A, "Gmina Piaseczno", fees, cost, month="2026-11", today=date(2026, 12, 1))
    assert [(r["service"], r["fees_net"], r["cost"], r["difference"]) for r in one["rows"]] == [
        ("dowod", 0, 100, -100), ("pismo-ogolne", 1700, 13, 1687)]
    assert (one["totals"]["cost"], one["totals"]["difference"], one["totals"]["payments"]) == (113, 1587, 2)
    other = fees_vs_costs.of_tenant("1418032", "L", {}, MonthCost(), month="2026-11", today=date(2026, 12, 1))
    region = fees_vs_costs.of_month("2026-11", [one, other])
    assert region["totals"]["difference"] == 1587


def test_fees_by_service_sum_the_paid_orders() -> None:
    from chalicelib.modules.payments.models import Order

    def order(service: str, amount: int, paid: int | None, refunded: int = 0) -> Order:
        at = datetime(2026, 11, 5, tzinfo=UTC)
        return Order(order_id="o" * 32, terc=A, case_id="c", sign="S", owner="r", service=service, amount=amount,
                     title="t", requested_at=at, opened_at=at, expires_at=at, paid_at=at if paid else None,
                     paid_amount=paid, refunded=refunded, status="oplacone")

    sums = fees_by_service([order("a", 1700, 1700), order("a", 1700, 1700, 500), order("b", 100, None)])
    assert sums == {"a": ServiceFees("a", 2, 3400, 500)}
    assert sums["a"].net == 2900


def test_the_month_cost_comes_from_the_costs_report_split_into_metered_and_fixed() -> None:
    from chalicelib.modules.costs.budget_costs import ReportCosts
    from chalicelib.modules.costs.model import CostLine
    from chalicelib.modules.costs.report import TenantInfo, month_report
    from chalicelib.modules.costs.settings import CostSettings, SharedItem, UsdRate
    from tests.unit.test_cost_report import Prices

    def line(tenant: str, usd: str, day: str, service: str = "pismo-ogolne") -> CostLine:
        return CostLine(tenant=tenant, module="m", service=service, function="api", day=day,
                        resource="lambda.requests", quantity=Decimal(1), usd=Decimal(usd), row="r")

    # 4 zł a dollar; two JSTs split equally: the region's 1 USD of work and a KMS key (1 USD a month)
    settings = CostSettings(rates=[UsdRate(month="2026-11", pln_per_usd=Decimal(4), source="demo")],
                            shared=[SharedItem(name="Klucz KMS", resource="kms.keys", quantity=Decimal(1))])
    tenants = {A: TenantInfo(A, "Piaseczno"), "1418032": TenantInfo("1418032", "Lesznowola")}
    lines = [line(A, "2", "2026-11-01"), line(A, "0.5", "2026-11-02", "dowod"), line("1418032", "9", "2026-11-01"),
             line("region", "1", "2026-11-02", "-")]
    reads: list[str] = []

    def read(month: str) -> Read:
        reads.append(month)
        return Read(month, lines)

    source = ReportCosts(read, lambda r, terc: month_report(
        r.lines, month=r.month, group_by="service", settings=settings, tenants=tenants, prices=Prices(),
        tenant=terc))
    cost = source.month_to_date(A, "2026-11")
    assert dict(cost.by_service) == {"pismo-ogolne": Decimal(8), "dowod": Decimal(2), "wspolne": Decimal(2)}
    assert cost.fixed == Decimal(2)
    assert dict(cost.by_day) == {"2026-11-01": Decimal(8), "2026-11-02": Decimal(4)}
    source.month_to_date("1418032", "2026-11")
    assert reads == ["2026-11"]  # the region's lines read once for both JSTs
