"""The resident pays: a new attempt registered at the gateway (its payer page is where the browser goes), and
the order as the resident sees it, with an open attempt asked about at the gateway once the payer is back."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.core.errors import Conflict
from chalicelib.core.observability import logger
from chalicelib.integrations.payment_gateway import GatewayError, Registration
from chalicelib.modules.payments import logic
from chalicelib.modules.payments.models import LABELS, Order

if TYPE_CHECKING:
    from chalicelib.integrations.payment_gateway import Merchant, PaymentGateway
    from chalicelib.modules.payments.repository import DynamoOrders

PAYER_PAGE_MINUTES = 15


def pay(store: DynamoOrders, gateway: PaymentGateway, merchant: Merchant, *, order: Order, back_to: str,
        notify_url: str, fallback_email: str, now: datetime) -> dict[str, Any]:
    """Register attempt n+1 at the gateway and keep it on the order (`oczekuje`): 201 with the payer's page."""
    n, session = logic.next_attempt(order, now)
    registration = Registration(session_id=session, amount=order.amount, currency=order.currency,
                                description=f"{order.title} - {order.sign}"[:1024],
                                email=order.email or fallback_email, url_return=back_to, url_status=notify_url,
                                time_limit_minutes=PAYER_PAGE_MINUTES)
    try:
        redirect = gateway.register(merchant, registration)
    except GatewayError as exc:
        logger.warning("payment not registered at the gateway", extra={"order_id": order.order_id, "error": str(exc)})
        raise logic.GatewayUnavailable() from exc
    changed = logic.with_attempt(order, n, session, redirect_url=redirect, back_to=back_to, now=now)
    if not store.replace(changed, order.version):
        # a notification or another attempt changed the order meanwhile: the payer starts again from its state
        raise Conflict("Stan płatności zmienił się w tej chwili. Odśwież stronę.", code="payment_changed")
    return {"order_id": order.order_id, "status": changed.status, "redirect_url": redirect}


def refreshed(store: DynamoOrders, gateway: PaymentGateway | None, merchant: Merchant | None, order: Order) -> Order:
    """The order, its open attempt first asked about at the gateway: no payment there -> that attempt failed."""
    attempt = order.open_attempt
    if attempt is None or gateway is None or merchant is None:
        return order
    try:
        state = gateway.status(merchant, attempt.session_id)
    except GatewayError:
        return order  # the gateway's word comes later (its notification, or the next read)
    if state is None or state.status != "no_payment":
        return order  # paid at the gateway: the notification settles it once verified
    failed = logic.attempt_failed(order, attempt.session_id)
    return failed if store.replace(failed, order.version) else (store.get(order.order_id) or order)


def view(order: Order, *, proof: bool) -> dict[str, Any]:
    return {"order_id": order.order_id, "status": order.status, "status_label": LABELS[order.status],
            "amount": order.amount, "currency": order.currency, "title": order.title, "sign": order.sign,
            "expires_at": order.expires_at, "paid_at": order.paid_at, "refunded": order.refunded, "proof": proof}
