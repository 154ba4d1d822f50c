"""The gateway's notification that a payment was made: checked, verified at the gateway, then recorded once.

The order of the checks: the signature (the adapter, in constant time), the merchant and point of sale of this
JST, the session naming an order of this JST, the amount and currency of that order; then `verify` at the gateway
BEFORE anything is marked; then one transaction: the order paid (on condition of the version it was read at), the
`PaymentSettled` marker and the audit entry. A refused notification changes nothing but leaves a flag for
finance (who sent it, what, when, the body's hash). A repeat, or a copy racing the first, writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from chalicelib import events
from chalicelib.core import metering
from chalicelib.core.errors import BadRequest
from chalicelib.core.observability import logger
from chalicelib.events.topics import PaymentSettled
from chalicelib.integrations.payment_gateway import GatewayError, InvalidSignature
from chalicelib.modules import audit
from chalicelib.modules.payments import logic
from chalicelib.modules.payments.logic import Refusal

if TYPE_CHECKING:
    from chalicelib.integrations.payment_gateway import Merchant, Notification, PaymentGateway
    from chalicelib.modules.payments.models import Order
    from chalicelib.modules.payments.repository import DynamoOrders

ROUNDS = 20


class NotificationRefused(BadRequest):
    """400 with the refusal's code: the gateway's notification was not accepted (and finance has a flag)."""


def receive(store: DynamoOrders, gateway: PaymentGateway, merchant: Merchant, *, terc: str, raw: bytes,
            source: str | None, now: datetime) -> str:
    """Handle one notification: "paid" (recorded now), "repeat" (recorded before), or NotificationRefused."""
    try:
        note = gateway.read_notification(merchant, raw)
    except InvalidSignature:
        _refuse(store, terc, logic.FORGED, raw=raw, source=source, now=now)
    except Exception:  # whatever the body is, it is not a notification: refused, never a 500
        _refuse(store, terc, logic.MALFORMED, raw=raw, source=source, now=now)
    order_id = logic.order_of_session(note.session_id)
    order = store.get(order_id) if order_id else None
    refused = logic.refusal(order, note, merchant, terc)
    if refused is not None or order is None:
        _refuse(store, terc, refused or logic.UNKNOWN, raw=raw, source=source, now=now, note=note)
    metering.attribute(service=order.service)
    if order.status in ("oplacone", "zwrocone"):
        return _after_payment(store, order, note, raw=raw, source=source, now=now)
    try:
        accepted = gateway.verify(merchant, note)
    except GatewayError as exc:
        logger.warning("verify failed; the gateway will notify again", extra={"order_id": order.order_id})
        raise logic.GatewayUnavailable() from exc
    if not accepted:
        current = store.get(order.order_id)
        if current is not None and current.paid_session == note.session_id:
            return "repeat"  # a copy that raced the first: the gateway verifies a transaction once
        _refuse(store, terc, logic.NOT_VERIFIED, raw=raw, source=source, now=now, note=note)
    return _record(store, order, note, raw=raw, source=source, now=now)


def _record(store: DynamoOrders, order: Order, note: Notification, *, raw: bytes, source: str | None,
            now: datetime) -> str:
    for _ in range(ROUNDS):
        changed = logic.paid(order, note, now)
        event = PaymentSettled(terc=order.terc, service=order.service,
                               case_id=order.case_id, order_id=order.order_id, status="oplacone",
                               amount=note.amount, at=now)
        change = audit.Change(action="payment.paid", actor=audit.SYSTEM, at=audit.stamp(now), case_id=order.case_id,
                              case_sign=order.sign, details={"order_id": order.order_id, "amount": note.amount,
                                                             "session_id": note.session_id, "late": changed.late,
                                                             "gateway_order_id": note.order_id})
        if store.commit(changed, order.version, event=event, changes=[change]):
            if changed.late:
                store.add_flag(logic.flag(order.terc, logic.LATE, at=now, raw=raw, source=source,
                                          order_id=order.order_id, session=note.session_id, amount=note.amount))
            if events.publish(event) is not None:
                store.delivered(event)
            return "paid"
        current = store.get(order.order_id)
        if current is None:
            break
        if current.status in ("oplacone", "zwrocone"):
            return _after_payment(store, current, note, raw=raw, source=source, now=now)
        order = current  # changed otherwise (a new attempt, expiry): record the payment on what is there now
    raise logic.GatewayUnavailable("Zlecenie zmienia się zbyt często; powiadomienie zostanie ponowione.")


def _after_payment(store: DynamoOrders, order: Order, note: Notification, *, raw: bytes, source: str | None,
                   now: datetime) -> str:
    """A notification for a paid order: a repeat of its payment (200, nothing written), or a second payment by
    another attempt, which is not verified (the gateway keeps the money off the account) and is flagged."""
    if order.paid_session == note.session_id:
        return "repeat"
    store.add_flag(logic.flag(order.terc, Refusal("second_payment", "Druga wpłata za opłacone już zlecenie: "
                                                  "niezweryfikowana, do wyjaśnienia z płatnikiem."),
                              at=now, raw=raw, source=source, order_id=order.order_id, session=note.session_id,
                              amount=note.amount))
    return "repeat"


def _refuse(store: DynamoOrders, terc: str, refused: Refusal, *, raw: bytes, source: str | None, now: datetime,
            note: Notification | None = None) -> NoReturn:
    order_id = logic.order_of_session(note.session_id) if note is not None else None
    store.add_flag(logic.flag(terc, refused, at=now, raw=raw, source=source, order_id=order_id,
                              session=note.session_id if note else None, amount=note.amount if note else None))
    logger.warning("payment notification refused", extra={"code": refused.code, "order_id": order_id})
    raise NotificationRefused(refused.message, code=refused.code)
