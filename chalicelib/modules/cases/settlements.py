"""The payments module's word on a case's fee (`PaymentSettled`), applied to the case (see `fee`).

Pure, over ports. The change is written at the version read, with its audit entries and the party's notice
marker, then the party is mailed (`handling.change`); a redelivered event finds the outcome recorded and writes
nothing. A case changed by a clerk at that very moment fails the message, and SQS delivers it again. An outcome
for a case this platform does not hold is logged and dropped: a case is written before it asks for its order, so
no retry could ever find it (it would only end in the dead-letter queue).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.errors import NotFound
from chalicelib.core.observability import logger
from chalicelib.events.topics import PaymentSettled
from chalicelib.modules.cases import fee, handling, notices


def apply(store: handling.CaseFiles, mailer: notices.Mailer, event: PaymentSettled, *, now: datetime) -> bool:
    """Record the payment's outcome on its case (and move it on when paid); False if it was recorded before, or
    names no case of the platform (dropped)."""
    try:
        handling.change(store, event.terc, event.case_id, clerk_department=None, expected_version=None,
                        apply=lambda record, life: fee.settle(record, life, event, at=now), now=now, mailer=mailer)
    except fee.NothingToDo:
        return False
    except NotFound as exc:
        if exc.code != "case_not_found":
            raise
        logger.error("payment outcome for a case that does not exist: dropped",
                     extra={"case_id": event.case_id, "order_id": event.order_id, "status": event.status,
                            "amount": event.amount})
        return False
    return True
