"""The delivery's workers: the send queue's consumer (one attempt per message) and the schedule that follows
every open delivery (retries with backoff, the box's status and evidences when no callback came, the clocks:
the day-7 reminder, deemed delivery on D+15, a decision's finality)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Rate

from chalicelib import events
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.modules.delivery.wiring import deliveries, logic, ports

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.events.topics import DeliverySend

bp = Blueprint(__name__)
BATCH = 100  # deliveries one run follows (the rest wait for the next run, 5 minutes later)


@events.worker(bp, "DeliverySend", module="delivery")
def delivery_sends(message: DeliverySend) -> None:
    bind(tenant=message.terc, service=None, case_id=message.case_id, delivery_id=message.delivery_id)
    record = logic.send(ports(), (message.terc, message.case_id, message.delivery_id), get_clock().now())
    logger.info("delivery send attempted", extra={"status": record["status"] if record else None})


def follow(now: datetime) -> dict[str, int]:
    """Refresh every open delivery whose time has come; one failing delivery never stops the others."""
    seen = {"due": 0, "failed": 0}
    for key in deliveries().due(now, BATCH):
        seen["due"] += 1
        try:
            logic.refresh(ports(), key, now)
        except Exception:
            seen["failed"] += 1
            logger.exception("delivery not followed now; tried again on the next run", extra={"key": key})
    return seen


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def delivery_follower(event: Any) -> None:
    seen = follow(get_clock().now())
    if seen["due"]:
        logger.info("deliveries followed", extra=seen)
