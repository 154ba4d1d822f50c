"""The payments module's workers: a case's payment order opened on `PaymentRequested` (once per case), the
expiry of unpaid orders (every 15 minutes), and the sweeper of `PaymentSettled` events not yet on their queue."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Rate

from chalicelib import events
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.modules import tenants
from chalicelib.modules.payments import expiry, logic
from chalicelib.modules.payments.wiring import gateway, orders

if TYPE_CHECKING:
    from chalicelib.events.topics import PaymentRequested

bp = Blueprint(__name__)


@events.worker(bp, "PaymentRequested", module="payments")
def payment_requests(message: PaymentRequested) -> None:
    """Open the case's payment order: `nowe`, expiring the JST's number of days after the registration."""
    bind(tenant=message.terc, service=message.service, case_id=message.case_id)
    setting = tenants.config(message.terc).payments
    if setting is None:
        logger.warning("no payment order: the JST takes no fees online (the fee is paid at the office)")
        return
    if not message.fee.payable:
        logger.info("no payment order: nothing to pay")
        return
    opened = orders().open(logic.open_order(message, setting, get_clock().now()))
    logger.info("payment order opened", extra={"order_id": message.case_id, "opened_now": opened})


@bp.schedule(Rate(15, unit=Rate.MINUTES))
def payment_expiry(event: Any) -> None:
    """Expire every JST's unpaid orders past their time (money waiting at the gateway is left to its notice)."""
    now, failed = get_clock().now(), []
    for config in tenants.configs():
        setting = config.payments
        if setting is None:
            continue
        bind(tenant=config.terc, service=None)
        try:
            swept = expiry.sweep(orders(), partial(gateway, setting), terc=config.terc, now=now)
        except Exception:  # one JST's failure must not keep the others' orders open
            logger.exception("payment expiry failed for this JST")
            failed.append(config.terc)
            continue
        if swept.read:
            logger.info("payment orders swept", extra={"read": swept.read, "expired": swept.expired,
                                                       "left": swept.left})
    if failed:
        raise RuntimeError(f"payment expiry failed for {', '.join(failed)}")


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def payment_settlements_sweeper(event: Any) -> None:
    """Send the `PaymentSettled` events whose first sending failed or died."""
    sent = events.sweep(orders(), get_clock().now())
    if sent:
        logger.warning("sweeper: payment events sent late", extra={"sent": sent})
