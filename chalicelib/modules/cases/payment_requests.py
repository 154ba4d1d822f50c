"""The cases' outbox of `PaymentRequested`: each case registered with its fee asks for its payment order once.

The registration writes the request's marker (`keys.payment_marker`, keyed by the case) in its own transaction;
the registration worker then sends the event and takes the marker off the outbox. If that send fails (or the
function dies before it), the marker stays and the sweeper (`workers.payment_requests_sweeper`) sends it after
`keys.PAYMENT_AFTER`, then takes it off. The event is built once and stored whole, so every send is the same
event (the same `event_id`), and the payments module opens one order per case (`order_id = case_id`): a send the
sweeper repeats after a function died between sending and unmarking opens nothing twice.

Pure, over ports; the markers in DynamoDB are `payment_store`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from chalicelib.core.observability import logger
from chalicelib.events.publishing import Publisher, send
from chalicelib.events.topics import PaymentRequested


class RequestOutbox(Protocol):
    def payment_requested(self, event: PaymentRequested) -> None:
        """The event is on its queue: its marker off the outbox."""

    def payment_requests_due(self, now: datetime, *, limit: int = ...) -> list[PaymentRequested]: ...


def publish(outbox: RequestOutbox, event: PaymentRequested, *, publisher: Publisher | None = None) -> bool:
    """Send the case's request now, then unmark it; False (logged) if the queue refused: the sweeper sends it."""
    try:
        send(event, publisher=publisher)
    except Exception:
        logger.exception("payment request not sent; left for the sweeper", extra={"case_id": event.case_id})
        return False
    outbox.payment_requested(event)
    return True


def sweep(outbox: RequestOutbox, now: datetime, *, publisher: Publisher | None = None, limit: int = 100) -> int:
    """Send every request still marked since before `now`; how many went. A refusal stops the run (the rest wait)."""
    sent = 0
    for event in outbox.payment_requests_due(now, limit=limit):
        if not publish(outbox, event, publisher=publisher):
            break
        sent += 1
    return sent
