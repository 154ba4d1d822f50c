"""The payments module's word on a case's fee (`PaymentSettled`), applied to the case (see `fee`).

Pure, over ports. The change is written at the version read, with its audit entries and the party's notice
marker, then the party is mailed (`handling.change`); a redelivered event finds the outcome recorded and writes
nothing. A case changed by a clerk at that very moment fails the message, and SQS delivers it again.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.events.topics import PaymentSettled
from chalicelib.modules.cases import fee, handling, notices


def apply(store: handling.CaseFiles, mailer: notices.Mailer, event: PaymentSettled, *, now: datetime) -> bool:
    """Record the payment's outcome on its case (and move it on when paid); False if it was recorded before."""
    try:
        handling.change(store, event.terc, event.case_id, clerk_department=None, expected_version=None,
                        apply=lambda record, life: fee.settle(record, life, event, at=now), now=now, mailer=mailer)
    except fee.NothingToDo:
        return False
    return True
