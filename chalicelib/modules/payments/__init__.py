"""Payments: a case's fee paid online into its JST's own merchant account (Przelewy24), the gateway's
notifications checked and verified, unpaid orders expired, refunds by finance, and flags for finance.

What other modules may use of it:
- `order(order_id)`: one payment order (`Order`; order_id = case_id), None if the case has none;
- `orders_of_day(terc, day)`: a JST's orders opened on a Warsaw day (YYYY-MM-DD);
- `paid_on(terc, day)`: a JST's orders verified as paid on a Warsaw day;
- `fees_of_month(terc, month)`: a JST's fees paid online in a Warsaw month (YYYY-MM) per catalogue service
  (`ServiceFees`: count, paid, refunded, net; grosze), by one Query of the orders verified that month;
- `fees_of_month_by_day(terc, month)`: the same per Warsaw day of payment ({day: {service: ServiceFees}});
- `flags(terc, day)`: what finance must look at (`Flag`: refused notifications, late payments, refused refunds);
- `close_order(order_id, at=)`: the case's fee was paid another way (cash desk, transfer): its open order expires
  now, so it is not paid online twice (money already on its way is flagged `late_payment`, an order already paid
  online `paid_twice`, for finance to refund).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.modules.payments import wiring as _wiring  # its heavy parts load on first use

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.modules.payments.logic import ServiceFees
    from chalicelib.modules.payments.models import Flag, Order

__all__ = ["close_order", "fees_of_month", "fees_of_month_by_day", "flags", "order", "orders_of_day", "paid_on"]


def order(order_id: str) -> Order | None:
    return _wiring.orders().get(order_id)


def orders_of_day(terc: str, day: str) -> list[Order]:
    return _wiring.orders().opened_on(terc, day)


def paid_on(terc: str, day: str) -> list[Order]:
    return _wiring.orders().paid_on(terc, day)


def fees_of_month(terc: str, month: str) -> dict[str, ServiceFees]:
    from chalicelib.modules.payments import logic

    return logic.fees_by_service(_wiring.orders().paid_in_month(terc, month))


def fees_of_month_by_day(terc: str, month: str) -> dict[str, dict[str, ServiceFees]]:
    from chalicelib.modules.payments import logic

    return logic.fees_by_day(_wiring.orders().paid_in_month(terc, month))


def flags(terc: str, day: str) -> list[Flag]:
    return _wiring.orders().flags(terc, day)


def close_order(order_id: str, *, at: datetime) -> bool:
    from chalicelib.modules.payments import expiry

    return expiry.close(_wiring.orders(), order_id, at)
