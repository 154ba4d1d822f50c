"""Finance's view of a JST's payments: the day's orders, the flags, and the day reconciled with the gateway's
report. No Chalice, no boto3: the stored orders and the gateway's report are ports.

The finance list of a day is every order opened that day and every order verified that day (a payment made
today for an order opened last week is today's money).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from chalicelib.core.errors import ApiError, Unprocessable
from chalicelib.integrations.payment_gateway import GatewayError, Merchant, PaymentGateway, ReportRow
from chalicelib.modules.payments import reconciliation as rec
from chalicelib.modules.payments.models import LABELS

STATUSES = tuple(LABELS)


class StoredOrder(Protocol):
    """What finance reads of a payment order (the payments module's Order has it)."""

    @property
    def order_id(self) -> str: ...
    @property
    def terc(self) -> str: ...
    @property
    def case_id(self) -> str: ...
    @property
    def sign(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def opened_at(self) -> datetime: ...
    @property
    def expires_at(self) -> datetime: ...
    @property
    def paid_at(self) -> datetime | None: ...
    @property
    def paid_amount(self) -> int | None: ...
    @property
    def refunded(self) -> int: ...
    @property
    def gateway_order_id(self) -> int | None: ...
    @property
    def late(self) -> bool: ...


class StoredFlag(Protocol):
    @property
    def flag_id(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def order_id(self) -> str | None: ...
    @property
    def session_id(self) -> str | None: ...
    @property
    def amount(self) -> int | None: ...


class OrdersReader(Protocol):
    def get(self, order_id: str) -> Any: ...  # a StoredOrder, or None
    def opened_on(self, terc: str, day: str) -> Sequence[Any]: ...
    def paid_on(self, terc: str, day: str) -> Sequence[Any]: ...
    def flags(self, terc: str, day: str) -> Sequence[Any]: ...
    def refunds_done(self, order_id: str) -> Sequence[rec.Refund]: ...


Report = Callable[[date], list[ReportRow]]


def parse_day(text: str | None, *, today: date, required: bool = False) -> date:
    """A Warsaw day from the query (YYYY-MM-DD), today when it may be left out; 422 at `day` otherwise."""
    if text is None and not required:
        return today
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        pass
    raise Unprocessable(details=[{"field": "day", "code": "day_invalid",
                                  "message": "Podaj dzień w postaci RRRR-MM-DD, np. 2026-11-23."}])


def parse_status(text: str | None) -> str | None:
    if text is None or text in STATUSES:
        return text
    raise Unprocessable(details=[{"field": "status", "code": "status_invalid",
                                  "message": "Nieznany stan płatności; dozwolone: " + ", ".join(STATUSES) + "."}])


def parse_format(text: str | None) -> bool:
    """Whether the CSV is asked for (`format=csv`); JSON otherwise."""
    if text in (None, "json", "csv"):
        return text == "csv"
    raise Unprocessable(details=[{"field": "format", "code": "format_invalid",
                                  "message": "Dozwolone formaty: json, csv."}])


class ReportUnavailable(ApiError):
    status = 503
    code = "gateway_unavailable"
    message = "Operator płatności nie udostępnił teraz raportu. Spróbuj ponownie za chwilę."


def gateway_report(gateway: PaymentGateway, merchant: Merchant) -> Report:
    """The gateway's report of a day for the JST's merchant account; 503 when the gateway cannot give it."""
    def report(day: date) -> list[ReportRow]:
        try:
            return gateway.report(merchant, day)
        except GatewayError as exc:
            raise ReportUnavailable() from exc

    return report


def _day_orders(orders: OrdersReader, terc: str, day: date) -> list[StoredOrder]:
    found: dict[str, StoredOrder] = {}
    for order in [*orders.opened_on(terc, day.isoformat()), *orders.paid_on(terc, day.isoformat())]:
        found.setdefault(order.order_id, order)
    return sorted(found.values(), key=lambda o: (o.opened_at, o.order_id))


def row(order: StoredOrder) -> dict[str, Any]:
    return {"order_id": order.order_id, "case_id": order.case_id, "sign": order.sign, "service": order.service,
            "title": order.title, "amount": order.amount, "currency": order.currency, "status": order.status,
            "status_label": LABELS.get(order.status, order.status), "opened_at": order.opened_at,
            "expires_at": order.expires_at, "paid_at": order.paid_at, "paid_amount": order.paid_amount,
            "refunded": order.refunded, "gateway_order_id": order.gateway_order_id, "late": order.late}


def payments_of_day(orders: OrdersReader, terc: str, day: date, status: str | None) -> dict[str, Any]:
    shown = [o for o in _day_orders(orders, terc, day) if status is None or o.status == status]
    items = [row(o) for o in shown]
    totals = {"count": len(shown), "amount": sum(o.amount for o in shown),
              "paid_amount": sum(o.paid_amount or 0 for o in shown if o.paid_at is not None),
              "refunded": sum(o.refunded for o in shown)}
    return {"terc": terc, "day": day, "status": status, "items": items, "count": len(items), "totals": totals}


def flags_of_day(orders: OrdersReader, terc: str, day: date) -> dict[str, Any]:
    flags: list[StoredFlag] = list(orders.flags(terc, day.isoformat()))
    items = [{"flag_id": f.flag_id, "code": f.code, "message": f.message, "at": f.at, "order_id": f.order_id,
              "session_id": f.session_id, "amount": f.amount} for f in sorted(flags, key=lambda f: f.at)]
    return {"terc": terc, "day": day, "items": items, "count": len(items)}


def _facts(orders: OrdersReader, order: StoredOrder) -> rec.OrderFacts:
    refunds = tuple(orders.refunds_done(order.order_id)) if order.refunded else ()
    return rec.OrderFacts(order_id=order.order_id, amount=order.amount, status=order.status,
                          opened_at=order.opened_at, paid_at=order.paid_at, gateway_order_id=order.gateway_order_id,
                          case_sign=order.sign, refunds=refunds)


def _named_orders(orders: OrdersReader, terc: str, rows: Iterable[ReportRow], known: set[str]) -> list[StoredOrder]:
    """The orders the report names that the day's lists did not bring; only this JST's (another's is unknown)."""
    found: list[StoredOrder] = []
    for order_id in sorted({rec.order_of(r.session_id) for r in rows} - known):
        order = orders.get(order_id) if len(order_id) == 32 else None  # an order id is a case id: 32 hex
        if order is not None and order.terc == terc:
            found.append(order)
    return found


def reconcile_day(orders: OrdersReader, report: Report, terc: str, day: date) -> rec.Reconciliation:
    """The day reconciled: the day's orders, the gateway's report of the day (and of the day before, for the
    payments made before midnight and verified after it)."""
    of_day = _day_orders(orders, terc, day)
    rows = report(day)
    verified_today = [o for o in of_day if o.paid_at is not None and rec.warsaw_day(o.paid_at) == day]
    earlier = report(day - timedelta(days=1)) if verified_today else []
    named = _named_orders(orders, terc, [*rows, *earlier], {o.order_id for o in of_day})
    facts = [_facts(orders, o) for o in [*of_day, *named]]
    return rec.reconcile(terc, day, facts, rows, day_before=earlier)


def line(item: rec.Line) -> dict[str, Any]:
    return {"outcome": item.outcome.value, "description": item.description, "order_id": item.order_id,
            "case_sign": item.case_sign, "session_id": item.session_id, "gateway_order_id": item.gateway_order_id,
            "our_amount": item.our_amount, "gateway_amount": item.gateway_amount, "commission": item.commission}


def reconciliation_view(result: rec.Reconciliation) -> dict[str, Any]:
    t = result.totals
    totals = {name: getattr(t, name) for name in t.__dataclass_fields__}
    return {"terc": result.terc, "day": result.day, "totals": totals,
            "mismatches": [line(i) for i in result.mismatches], "matched": [line(i) for i in result.matched]}
