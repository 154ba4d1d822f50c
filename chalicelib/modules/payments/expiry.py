"""The expiry of unpaid orders: past `expires_at` in nowe, oczekuje or nieudane -> `wygasle`, with the
`PaymentSettled(wygasle)` marker and an audit entry in one transaction. An open attempt is asked about at the
gateway first: money there is left to its notification (which verifies and records it). Idempotent: an expired
order is no longer in the index the sweep reads, and a changed order is read again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib import events
from chalicelib.core.errors import ApiError
from chalicelib.events.topics import PaymentSettled
from chalicelib.integrations.payment_gateway import GatewayError
from chalicelib.modules import audit
from chalicelib.modules.payments import logic

if TYPE_CHECKING:
    from chalicelib.integrations.payment_gateway import Merchant, PaymentGateway
    from chalicelib.modules.payments.models import Order
    from chalicelib.modules.payments.repository import DynamoOrders

Gateway = Callable[[], "tuple[PaymentGateway, Merchant] | None"]


@dataclass(frozen=True)
class Swept:
    read: int
    expired: int
    left: int  # paid at the gateway, or the gateway did not answer: the next run looks again


def sweep(store: DynamoOrders, gateway: Gateway, *, terc: str, now: datetime) -> Swept:
    read = expired_now = left = 0
    for order_id in store.expiring(terc, now):
        read += 1
        order = store.get(order_id)
        if order is None:
            continue
        outcome = expire(store, gateway, order, now)
        expired_now += outcome == "expired"
        left += outcome == "left"
    return Swept(read, expired_now, left)


def expire(store: DynamoOrders, gateway: Gateway, order: Order, now: datetime) -> str:
    for _ in range(5):
        changed = logic.expired(order, now)
        if changed is None:
            return "not_due"
        if order.open_attempt is not None and _money_waiting(gateway, order):
            return "left"
        event = PaymentSettled(terc=order.terc, service=order.service,
                               case_id=order.case_id, order_id=order.order_id, status="wygasle",
                               amount=order.amount, at=now)
        change = audit.Change(action="payment.expired", actor=audit.SYSTEM, at=audit.stamp(now),
                              case_id=order.case_id, case_sign=order.sign,
                              details={"order_id": order.order_id, "amount": order.amount,
                                       "expires_at": order.expires_at.isoformat()})
        if store.commit(changed, order.version, event=event, changes=[change]):
            if events.publish(event) is not None:
                store.delivered(event)
            return "expired"
        current = store.get(order.order_id)
        if current is None:
            return "not_due"
        order = current
    return "left"


def _money_waiting(gateway: Gateway, order: Order) -> bool:
    """Whether the open attempt's money may be at the gateway (paid, or no answer): then expiry waits."""
    attempt = order.open_attempt
    if attempt is None:
        return False
    try:
        found = gateway()
        state = found[0].status(found[1], attempt.session_id) if found is not None else None
    except (GatewayError, ApiError):  # no answer: the next run asks again
        return True
    return state is not None and state.status in ("paid", "advance")


def close(store: DynamoOrders, order_id: str, now: datetime) -> bool:
    """The open order of a fee paid another way (the office's cash desk, a transfer) expired now, so it is not paid
    online as well: no new attempt (409 `order_expired`), and money an open attempt still brings is recorded late
    and flagged (`late_payment`) for finance to refund. No `PaymentSettled`: the case recorded the payment itself.
    An order already paid online is flagged `paid_twice` for finance. False when there is no open order."""
    for _ in range(5):
        order = store.get(order_id)
        if order is None:
            return False
        if order.status == "oplacone":
            store.add_flag(logic.flag(order.terc, logic.PAID_TWICE, at=now, raw=b"", source=None,
                                      order_id=order.order_id, amount=order.paid_amount))
            return False
        changed = logic.expired(order.model_copy(update={"expires_at": min(order.expires_at, now)}), now)
        if changed is None:
            return False
        change = audit.Change(action="payment.closed", actor=audit.SYSTEM, at=audit.stamp(now),
                              case_id=order.case_id, case_sign=order.sign,
                              details={"order_id": order.order_id, "amount": order.amount,
                                       "reason": "paid_otherwise"})
        if store.commit(changed, order.version, event=None, changes=[change]):
            return True
    return False
