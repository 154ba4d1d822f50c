"""Finance's view of a JST's day: the day's payments (opened or paid that day) filtered by state, with totals;
the flags; the reconciliation reading the gateway's report (and the day before's only when a payment was
verified that day), looking up the orders the report names, never another JST's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.core.errors import Unprocessable
from chalicelib.integrations.payment_gateway import ReportRow
from chalicelib.modules.payments import finance
from chalicelib.modules.payments.reconciliation import Outcome, Refund

TERC, OTHER = "1418043", "1418032"
DAY = date(2026, 11, 23)
AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Order:
    n: int
    status: str = "oczekuje"
    terc: str = TERC
    opened_at: datetime = AT
    paid_at: datetime | None = None
    refunded: int = 0
    amount: int = 1700
    gateway_order_id: int | None = None
    late: bool = False
    case_id: str = ""
    service: str = "zaswiadczenie"
    title: str = "Opłata skarbowa"
    currency: str = "PLN"
    expires_at: datetime = AT + timedelta(days=7)

    @property
    def order_id(self) -> str:
        return f"{self.n:032x}"

    @property
    def sign(self) -> str:
        return f"OS.6131.{self.n}.2026"

    @property
    def paid_amount(self) -> int | None:
        return self.amount if self.paid_at else None


@dataclass
class Orders:
    opened: list[Order] = field(default_factory=list)
    paid: list[Order] = field(default_factory=list)
    others: list[Order] = field(default_factory=list)
    refunds: dict[str, list[Refund]] = field(default_factory=dict)

    def get(self, order_id: str) -> Order | None:
        return next((o for o in [*self.opened, *self.paid, *self.others] if o.order_id == order_id), None)

    def opened_on(self, terc: str, day: str) -> list[Order]:
        return [o for o in self.opened if o.terc == terc and o.opened_at.date().isoformat() == day]

    def paid_on(self, terc: str, day: str) -> list[Order]:
        return [o for o in self.paid if o.terc == terc and o.paid_at and o.paid_at.date().isoformat() == day]

    def flags(self, terc: str, day: str) -> list[object]:
        return []

    def refunds_done(self, order_id: str) -> list[Refund]:
        return self.refunds.get(order_id, [])


def test_the_days_payments_are_those_opened_or_paid_that_day_once_each_filtered_by_state() -> None:
    paid_today = Order(2, status="oplacone", opened_at=AT - timedelta(days=3), paid_at=AT, gateway_order_id=902)
    both = Order(3, status="oplacone", paid_at=AT, gateway_order_id=903, refunded=500)
    orders = Orders(opened=[Order(1), both], paid=[paid_today, both])

    everything = finance.payments_of_day(orders, TERC, DAY, None)
    paid = finance.payments_of_day(orders, TERC, DAY, "oplacone")

    assert [i["order_id"] for i in everything["items"]] == [o.order_id for o in (paid_today, Order(1), both)]
    assert everything["totals"] == {"count": 3, "amount": 5100, "paid_amount": 3400, "refunded": 500}
    assert [i["status_label"] for i in paid["items"]] == ["opłacone", "opłacone"]


@pytest.mark.parametrize("text", ["23.11.2026", "2026-13-01", "", "2026-11-23T00:00"])
def test_a_day_that_is_not_a_date_is_refused_at_the_field(text: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        finance.parse_day(text, today=DAY)
    assert refused.value.details[0]["field"] == "day"


def test_a_missing_day_is_today_unless_required_and_an_unknown_state_is_refused() -> None:
    assert finance.parse_day(None, today=DAY) == DAY
    with pytest.raises(Unprocessable):
        finance.parse_day(None, today=DAY, required=True)
    with pytest.raises(Unprocessable) as refused:
        finance.parse_status("zaplacone")
    assert refused.value.details[0]["field"] == "status"


def test_reconciliation_finds_the_orders_the_report_names_and_only_this_jsts() -> None:
    paid_last_week = Order(5, status="zwrocone", opened_at=AT - timedelta(days=7), paid_at=AT - timedelta(days=6),
                           gateway_order_id=905, refunded=1700)
    someone_elses = Order(6, terc=OTHER, status="oplacone", paid_at=AT, gateway_order_id=906)
    orders = Orders(others=[paid_last_week, someone_elses],
                    refunds={paid_last_week.order_id: [Refund(AT, 1700)]})
    asked: list[date] = []

    def report(day: date) -> list[ReportRow]:
        asked.append(day)
        return [ReportRow(f"{paid_last_week.order_id}-1", 905, 1700, "PLN", "returned", AT),
                ReportRow(f"{someone_elses.order_id}-1", 906, 1700, "PLN", "paid", AT, fee=34)]

    result = finance.reconcile_day(orders, report, TERC, DAY)

    assert asked == [DAY]  # nothing verified today: the day before's report is not needed
    assert {(line.outcome, line.order_id) for line in result.lines} == {
        (Outcome.NIEZNANA_WPLATA, someone_elses.order_id)}  # the refund matches; another JST's order is unknown
    view = finance.reconciliation_view(result)
    assert view["totals"]["gateway_commission"] == 34 and view["mismatches"][0]["outcome"] == "nieznana_wplata"


def test_a_payment_verified_today_is_looked_for_in_the_day_befores_report_too() -> None:
    late = Order(7, status="oplacone", paid_at=datetime(2026, 11, 22, 23, 1, tzinfo=UTC), gateway_order_id=907)
    orders = Orders(paid=[late])
    orders.paid_on = lambda terc, day: [late] if day == DAY.isoformat() else []  # type: ignore[method-assign]
    asked: list[date] = []

    def report(day: date) -> list[ReportRow]:
        asked.append(day)
        return [ReportRow(f"{late.order_id}-1", 907, 1700, "PLN", "paid", AT - timedelta(hours=10))] \
            if day < DAY else []

    result = finance.reconcile_day(orders, report, TERC, DAY)

    assert asked == [DAY, DAY - timedelta(days=1)]
    assert result.mismatches == () and result.totals.verified == 1


def test_the_format_is_json_or_csv_and_a_gateway_that_cannot_report_is_a_503() -> None:
    from chalicelib.integrations.payment_gateway import GatewayError, Merchant

    assert finance.parse_format(None) is False and finance.parse_format("csv") is True
    with pytest.raises(Unprocessable):
        finance.parse_format("xlsx")

    class Down:
        def report(self, merchant: Merchant, day: date) -> list[ReportRow]:
            raise GatewayError("timeout", retryable=True)

    report = finance.gateway_report(Down(), Merchant(1, 1, "crc", "key"))  # type: ignore[arg-type]
    with pytest.raises(finance.ReportUnavailable) as refused:
        report(DAY)
    assert refused.value.status == 503
