"""Refunds by finance: the amount reserved on the order on condition (paid, and the total refunded within what
was paid) BEFORE the gateway is asked, so concurrent refunds never return more than was paid; given back if the
gateway refuses. Under an Idempotency-Key: a repeat replays the first answer and refunds nothing again."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import events
from chalicelib.core.errors import Conflict
from chalicelib.core.observability import logger
from chalicelib.events.topics import PaymentSettled
from chalicelib.integrations.payment_gateway import GatewayError
from chalicelib.modules import audit
from chalicelib.modules.payments import logic
from chalicelib.modules.payments.models import Refund, RefundIn

if TYPE_CHECKING:
    from chalicelib.integrations.payment_gateway import Merchant, PaymentGateway
    from chalicelib.modules.payments.models import Order
    from chalicelib.modules.payments.repository import DynamoOrders


STALLED = timedelta(minutes=2)  # a refund still in progress after this is taken up again by its repeat


class NotRefundable(Conflict):
    code = "not_refundable"
    message = "Zwrot jest możliwy tylko dla opłaconego zlecenia."


class ExceedsPayment(Conflict):
    code = "refund_exceeds_payment"
    message = "Suma zwrotów przekroczyłaby wpłaconą kwotę."


class RefundRefused(Conflict):
    code = "refund_refused"
    message = "Bramka płatności odrzuciła zwrot; kwotę przywrócono do zlecenia."


def refund(store: DynamoOrders, gateway: PaymentGateway, merchant: Merchant, *, order: Order, key: str,
           body: RefundIn, who: str, now: datetime) -> dict[str, Any]:
    earlier = store.refund(order.order_id, key)
    if earlier is not None:
        if earlier.status == "w_toku" and earlier.amount == body.amount and now - earlier.requested_at >= STALLED:
            # its first run died or the gateway did not answer: ask again (the gateway counts it once)
            return _complete(store, gateway, merchant, order, claimed=earlier, now=now)
        return _replay(store, earlier, body)
    if order.status != "oplacone":
        raise NotRefundable()
    claimed = Refund(idempotency_key=key, order_id=order.order_id, amount=body.amount, reason=body.reason,
                     requested_by=who, requested_at=now)
    reserved = store.reserve_refund(order, claimed)
    if reserved == "claimed":
        return _replay(store, store.refund(order.order_id, key) or claimed, body)
    if reserved == "exceeds":
        raise ExceedsPayment()
    return _complete(store, gateway, merchant, order, claimed=claimed, now=now)


def _complete(store: DynamoOrders, gateway: PaymentGateway, merchant: Merchant, order: Order, *, claimed: Refund,
              now: datetime) -> dict[str, Any]:
    """Ask the gateway (the request id makes a repeat count once there), then record the refund as done, or
    give the reserved amount back when the gateway refuses. No answer (a timeout) leaves it reserved: the same
    Idempotency-Key repeated after STALLED asks again."""
    try:
        request_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{order.order_id}/{claimed.idempotency_key}")
        gateway.refund(merchant, request_id=str(request_id),
                       order_id=order.gateway_order_id or 0, session_id=order.paid_session or "",
                       amount=claimed.amount, description=claimed.reason[:100])
    except GatewayError as exc:
        logger.warning("refund not made by the gateway", extra={"order_id": order.order_id, "error": str(exc),
                                                                "retryable": exc.retryable})
        if exc.retryable:
            raise logic.GatewayUnavailable("Bramka płatności nie odpowiedziała; powtórz zwrot z tym samym "
                                           "kluczem Idempotency-Key za kilka minut.") from exc
        store.undo_refund(order, claimed.model_copy(update={"status": "odrzucony", "error": str(exc)[:300]}))
        store.add_flag(logic.flag(order.terc, logic.Refusal("refund_refused", f"Bramka odrzuciła zwrot: {exc}"[:300]),
                                  at=now, raw=b"", source=claimed.requested_by, order_id=order.order_id,
                                  amount=claimed.amount))
        raise RefundRefused() from exc
    current = store.get(order.order_id) or order
    done = claimed.model_copy(update={"status": "wykonany", "done_at": now, "refunded_total": current.refunded})
    event = PaymentSettled(terc=order.terc, service=order.service,
                           case_id=order.case_id, order_id=order.order_id, status="zwrocone",
                           amount=current.refunded, at=now)
    change = audit.Change(action="payment.refunded", actor=audit.Actor(claimed.requested_by), at=audit.stamp(now),
                          case_id=order.case_id, case_sign=order.sign,
                          details={"order_id": order.order_id, "amount": claimed.amount, "reason": claimed.reason,
                                   "refunded": current.refunded})
    store.finish_refund(current, done, event=event, changes=[change])
    if events.publish(event) is not None:
        store.delivered(event)
    final = store.get(order.order_id) or current
    return {"order_id": order.order_id, "amount": claimed.amount, "status": "wykonany", "refunded": final.refunded,
            "order_status": final.status}


def _replay(store: DynamoOrders, earlier: Refund, body: RefundIn) -> dict[str, Any]:
    if earlier.amount != body.amount:
        raise Conflict("Ten klucz Idempotency-Key użyto już dla innego zwrotu.", code="idempotency_key_reused")
    if earlier.status == "w_toku":
        raise Conflict("Ten zwrot jest właśnie wykonywany; powtórz go za kilka minut.", code="refund_in_progress")
    if earlier.status == "odrzucony":
        raise RefundRefused()
    order = store.get(earlier.order_id)
    return {"order_id": earlier.order_id, "amount": earlier.amount, "status": "wykonany",
            "refunded": order.refunded if order else earlier.refunded_total or 0,
            "order_status": order.status if order else "oplacone"}
