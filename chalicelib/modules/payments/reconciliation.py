"""Reconciliation of one JST's day (Warsaw time): our payment orders, the payments we verified, and the gateway's
report of the merchant's account. Pure: the caller reads the orders and the report and hands them over.

A gateway session id is `<order id>-<attempt>`, so every report row names our order. The gateway reports a
payment on the day the payer paid; we verify it moments later, so a payment made just before midnight is
verified on the next day: an order verified on `day` is looked for in the report of the day before too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from chalicelib.core.clock import WARSAW
from chalicelib.integrations.payment_gateway import ReportRow


class Outcome(str, Enum):
    ZGODNE = "zgodne"  # paid at the gateway and verified here, same amount
    BRAK_W_RAPORCIE = "brak_w_raporcie"  # verified here, the gateway reports no such payment
    NIEZNANA_WPLATA = "nieznana_wplata"  # the gateway reports a payment for no order of ours
    ROZNA_KWOTA = "rozna_kwota"  # both know it, the amounts differ
    NIEPOTWIERDZONA = "niepotwierdzona"  # paid at the gateway, never verified here (the case still waits)
    ROZNY_ZWROT = "rozny_zwrot"  # our refunds of the day and the gateway's returns differ


DESCRIPTIONS = {
    Outcome.ZGODNE: "Wpłata zgodna z raportem operatora.",
    Outcome.BRAK_W_RAPORCIE: "Wpłata potwierdzona w systemie, której nie ma w raporcie operatora.",
    Outcome.NIEZNANA_WPLATA: "Wpłata w raporcie operatora, której system nie zna.",
    Outcome.ROZNA_KWOTA: "Kwota w raporcie operatora różni się od kwoty zlecenia.",
    Outcome.NIEPOTWIERDZONA: "Wpłata w raporcie operatora, której system nie potwierdził (sprawa czeka na opłatę).",
    Outcome.ROZNY_ZWROT: "Zwroty w systemie różnią się od zwrotów w raporcie operatora.",
}


@dataclass(frozen=True)
class Refund:
    at: datetime
    amount: int  # grosze


@dataclass(frozen=True)
class OrderFacts:
    """What reconciliation needs of one payment order."""

    order_id: str
    amount: int  # grosze
    status: str  # nowe | oczekuje | oplacone | nieudane | wygasle | zwrocone
    opened_at: datetime
    paid_at: datetime | None = None  # when we verified it
    gateway_order_id: int | None = None  # the gateway's transaction id from the verified notification
    case_sign: str | None = None
    refunds: tuple[Refund, ...] = ()

    @property
    def verified(self) -> bool:
        return self.paid_at is not None


@dataclass(frozen=True)
class Line:
    outcome: Outcome
    order_id: str | None
    session_id: str | None = None
    gateway_order_id: int | None = None
    case_sign: str | None = None
    our_amount: int | None = None  # grosze; for ROZNY_ZWROT: our refunds of the day
    gateway_amount: int | None = None  # grosze; for ROZNY_ZWROT: the gateway's returns of the day
    commission: int = 0

    @property
    def matched(self) -> bool:
        return self.outcome is Outcome.ZGODNE

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self.outcome]


@dataclass(frozen=True)
class Totals:
    orders_opened: int = 0
    orders_opened_amount: int = 0
    verified: int = 0
    verified_amount: int = 0
    gateway_paid: int = 0
    gateway_paid_amount: int = 0
    gateway_commission: int = 0
    refunded_amount: int = 0
    gateway_returned_amount: int = 0


@dataclass(frozen=True)
class Reconciliation:
    terc: str
    day: date
    totals: Totals
    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def matched(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.matched)

    @property
    def mismatches(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if not line.matched)


def warsaw_day(moment: datetime) -> date:
    return moment.astimezone(WARSAW).date()


def order_of(session_id: str) -> str:
    """Our order id from the gateway's session id `<order id>-<attempt>`."""
    order_id, dash, attempt = session_id.rpartition("-")
    return order_id if dash and attempt.isdigit() else session_id


def reconcile(terc: str, day: date, orders: Iterable[OrderFacts], report: Sequence[ReportRow],
              day_before: Sequence[ReportRow] = ()) -> Reconciliation:
    """`orders`: every order opened, verified or refunded on `day` and every order a report row names;
    `report`: the gateway's rows of `day`; `day_before`: its rows of the day before (late verifications)."""
    known = {order.order_id: order for order in orders}
    paid_rows = _by_order(row for row in report if row.status == "paid")
    earlier_paid = _by_order(row for row in day_before if row.status == "paid")
    lines = [*_gateway_side(known, paid_rows), *_our_side(known, day, paid_rows, earlier_paid),
             *_refunds(known, day, _by_order(row for row in report if row.status == "returned"))]
    lines.sort(key=lambda line: (line.matched, line.outcome.value, line.order_id or "", line.session_id or ""))
    return Reconciliation(terc=terc, day=day, totals=_totals(known.values(), day, report), lines=tuple(lines))


def _by_order(rows: Iterable[ReportRow]) -> dict[str, list[ReportRow]]:
    grouped: dict[str, list[ReportRow]] = defaultdict(list)
    for row in rows:
        grouped[order_of(row.session_id)].append(row)
    return grouped


def _row_line(outcome: Outcome, row: ReportRow, order: OrderFacts | None) -> Line:
    return Line(outcome, order.order_id if order else order_of(row.session_id), session_id=row.session_id,
                gateway_order_id=row.order_id, case_sign=order.case_sign if order else None,
                our_amount=order.amount if order else None, gateway_amount=row.amount, commission=row.fee)


def _gateway_side(known: dict[str, OrderFacts], paid_rows: dict[str, list[ReportRow]]) -> Iterable[Line]:
    """Each payment the gateway reports for the day, against what we know of its order."""
    for order_id, rows in paid_rows.items():
        order = known.get(order_id)
        for row in rows:
            if order is None:
                yield _row_line(Outcome.NIEZNANA_WPLATA, row, None)
            elif row.amount != order.amount or row.currency != "PLN":
                yield _row_line(Outcome.ROZNA_KWOTA, row, order)
            elif not order.verified or (order.gateway_order_id not in (None, row.order_id)):
                # a second paid attempt of a verified order is money we did not verify either
                yield _row_line(Outcome.NIEPOTWIERDZONA, row, order)
            else:
                yield _row_line(Outcome.ZGODNE, row, order)


def _our_side(known: dict[str, OrderFacts], day: date, paid_rows: dict[str, list[ReportRow]],
              earlier_paid: dict[str, list[ReportRow]]) -> Iterable[Line]:
    """Each payment verified here on the day that the gateway reports neither on the day nor the day before."""
    for order in known.values():
        if order.paid_at is None or warsaw_day(order.paid_at) != day or order.order_id in paid_rows:
            continue
        if any(row.order_id == order.gateway_order_id or order.gateway_order_id is None
               for row in earlier_paid.get(order.order_id, [])):
            continue  # paid before midnight, verified after: the day before's reconciliation matched it
        yield Line(Outcome.BRAK_W_RAPORCIE, order.order_id, gateway_order_id=order.gateway_order_id,
                   case_sign=order.case_sign, our_amount=order.amount)


def _refunds(known: dict[str, OrderFacts], day: date, returned: dict[str, list[ReportRow]]) -> Iterable[Line]:
    ours = {order.order_id: sum(r.amount for r in order.refunds if warsaw_day(r.at) == day)
            for order in known.values()}
    for order_id in sorted({o for o, amount in ours.items() if amount} | set(returned)):
        gateway = sum(abs(row.amount) for row in returned.get(order_id, []))  # a return may be reported negative
        if gateway != ours.get(order_id, 0):
            order = known.get(order_id)
            rows = returned.get(order_id, [])
            yield Line(Outcome.ROZNY_ZWROT, order_id, session_id=rows[0].session_id if rows else None,
                       gateway_order_id=rows[0].order_id if rows else None,
                       case_sign=order.case_sign if order else None, our_amount=ours.get(order_id, 0),
                       gateway_amount=gateway)


def _totals(orders: Iterable[OrderFacts], day: date, report: Sequence[ReportRow]) -> Totals:
    orders = list(orders)
    opened = [o for o in orders if warsaw_day(o.opened_at) == day]
    verified = [o for o in orders if o.paid_at is not None and warsaw_day(o.paid_at) == day]
    paid = [row for row in report if row.status == "paid"]
    return Totals(
        orders_opened=len(opened), orders_opened_amount=sum(o.amount for o in opened),
        verified=len(verified), verified_amount=sum(o.amount for o in verified),
        gateway_paid=len(paid), gateway_paid_amount=sum(row.amount for row in paid),
        gateway_commission=sum(row.fee for row in report),
        refunded_amount=sum(r.amount for o in orders for r in o.refunds if warsaw_day(r.at) == day),
        gateway_returned_amount=sum(abs(row.amount) for row in report if row.status == "returned"),
    )
