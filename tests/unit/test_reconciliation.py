"""Reconciliation of a JST's day: what finance must see is every payment matched with the gateway's report, and
every mismatch named (paid here but not at the gateway, at the gateway but unknown here, amounts differ, paid at
the gateway but never verified here, refunds differ), with the gateway's commission; and the CSV Excel opens."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from chalicelib.integrations.payment_gateway import ReportRow
from chalicelib.modules.payments import reconciliation_csv
from chalicelib.modules.payments.reconciliation import OrderFacts, Outcome, Refund, reconcile

TERC = "1418043"
DAY = date(2026, 11, 23)
MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 9:00 in Warsaw


def _order(n: int, *, amount: int = 1700, paid: datetime | None = MORNING, gateway_id: int | None = None,
           status: str | None = None, refunds: tuple[Refund, ...] = ()) -> OrderFacts:
    return OrderFacts(order_id=f"{n:032x}", amount=amount, status=status or ("oplacone" if paid else "oczekuje"),
                      opened_at=MORNING, paid_at=paid, gateway_order_id=gateway_id if paid else None,
                      case_sign=f"OS.6131.{n}.2026", refunds=refunds)


def _row(n: int, *, amount: int = 1700, gateway_id: int | None = None, status: str = "paid",
         at: datetime = MORNING, fee: int = 34, attempt: int = 1) -> ReportRow:
    return ReportRow(session_id=f"{n:032x}-{attempt}", order_id=gateway_id or 900 + n, amount=amount,
                     currency="PLN", status=status, at=at, fee=fee)


def test_every_payment_verified_here_and_reported_by_the_gateway_matches_with_its_commission() -> None:
    orders = [_order(1, gateway_id=901), _order(2, amount=8200, gateway_id=902)]
    result = reconcile(TERC, DAY, orders, [_row(1), _row(2, amount=8200, fee=164)])

    assert [line.outcome for line in result.lines] == [Outcome.ZGODNE, Outcome.ZGODNE]
    assert result.mismatches == ()
    assert result.totals.verified == 2 and result.totals.verified_amount == 9900
    assert result.totals.gateway_paid_amount == 9900 and result.totals.gateway_commission == 198
    assert result.totals.orders_opened == 2


def test_each_kind_of_mismatch_is_named_for_its_order() -> None:
    orders = [
        _order(1, gateway_id=901),  # verified here, not in the report
        _order(3, amount=1700, gateway_id=903),  # the gateway took another amount
        _order(4, paid=None),  # paid at the gateway, never verified here
        _order(5, gateway_id=905, status="oplacone", refunds=(Refund(MORNING, 700),)),  # refund the gateway lacks
        _order(6, paid=None, status="nowe"),  # opened only: not a mismatch
    ]
    report = [_row(2), _row(3, amount=1000), _row(4), _row(5)]

    result = reconcile(TERC, DAY, orders, report)
    found = {(line.outcome, line.order_id) for line in result.mismatches}

    assert found == {(Outcome.BRAK_W_RAPORCIE, f"{1:032x}"), (Outcome.NIEZNANA_WPLATA, f"{2:032x}"),
                     (Outcome.ROZNA_KWOTA, f"{3:032x}"), (Outcome.NIEPOTWIERDZONA, f"{4:032x}"),
                     (Outcome.ROZNY_ZWROT, f"{5:032x}")}
    differing = next(line for line in result.mismatches if line.outcome is Outcome.ROZNA_KWOTA)
    assert (differing.our_amount, differing.gateway_amount) == (1700, 1000)
    refund = next(line for line in result.mismatches if line.outcome is Outcome.ROZNY_ZWROT)
    assert (refund.our_amount, refund.gateway_amount) == (700, 0)
    assert [line.outcome for line in result.matched] == [Outcome.ZGODNE]  # order 5's payment itself
    assert result.totals.orders_opened == 5 and result.totals.refunded_amount == 700


def test_a_refund_reported_by_the_gateway_and_made_here_on_the_day_matches() -> None:
    orders = [_order(5, gateway_id=905, refunds=(Refund(MORNING, 1700),), status="zwrocone")]
    report = [_row(5), _row(5, status="returned", fee=0)]

    result = reconcile(TERC, DAY, orders, report)

    assert result.mismatches == ()
    assert result.totals.gateway_returned_amount == 1700 and result.totals.refunded_amount == 1700


def test_a_second_paid_attempt_of_a_verified_order_is_money_never_verified() -> None:
    orders = [_order(7, gateway_id=907)]
    report = [_row(7), _row(7, gateway_id=1907, attempt=2)]

    result = reconcile(TERC, DAY, orders, report)

    assert [(line.outcome, line.session_id) for line in result.mismatches] == [
        (Outcome.NIEPOTWIERDZONA, f"{7:032x}-2")]


def test_paid_before_midnight_and_verified_after_it_is_no_mismatch_on_either_day() -> None:
    paid_at_gateway = datetime(2026, 11, 22, 22, 59, tzinfo=UTC)  # 23:59 in Warsaw, the day before
    verified = datetime(2026, 11, 22, 23, 1, tzinfo=UTC)  # 00:01 in Warsaw on DAY
    order = _order(8, paid=verified, gateway_id=908)
    row = _row(8, at=paid_at_gateway)

    on_day = reconcile(TERC, DAY, [order], [], day_before=[row])
    day_before = reconcile(TERC, date(2026, 11, 22), [order], [row])

    assert on_day.mismatches == () and on_day.totals.verified == 1
    assert [line.outcome for line in day_before.lines] == [Outcome.ZGODNE]
    assert day_before.totals.verified == 0  # verified on DAY in Warsaw, not the day before


def test_csv_opens_in_polish_excel_header_semicolons_decimal_comma_bom_mismatches_first() -> None:
    orders = [_order(1, gateway_id=901), _order(3, amount=123456, gateway_id=903)]
    report = [_row(1, fee=34), _row(3, amount=1000), ReportRow("=HYPERLINK(\"x\")", 1, 500, "PLN", "paid", MORNING)]
    result = reconcile(TERC, DAY, orders, report)

    body = reconciliation_csv.render(result)

    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Dzień", "JST (TERC)", "Zlecenie"] and "Kwota w systemie (zł)" in rows[0]
    assert b"\r\n" in body
    assert [row[9] for row in rows[1:]] == ["nieznana_wplata", "rozna_kwota", "zgodne"]
    differing = rows[2]
    assert (differing[6], differing[7]) == ("1234,56", "10,00")
    assert rows[3][8] == "0,34"  # the gateway's commission
    assert rows[1][4] == "'=HYPERLINK(\"x\")"  # never a formula
    assert reconciliation_csv.filename(result) == "rozliczenie-1418043-2026-11-23.csv"
