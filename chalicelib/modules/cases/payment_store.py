"""The cases' outbox of payment requests in DynamoDB (see `payment_requests`)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.events.topics import PaymentRequested
from chalicelib.modules.cases.keys import PAYMENTS
from chalicelib.modules.cases.resources import CaseTable


class DynamoPaymentRequests:
    """The markers in the cases table (pk = P#<case id>, sk = P), on the outbox index's partition `P`."""

    def payment_requested(self, event: PaymentRequested) -> None:
        try:
            CaseTable(pk=f"P#{event.case_id}", sk=PAYMENTS).update(
                actions=[CaseTable.outbox.remove(), CaseTable.outbox_at.remove()], condition=CaseTable.sk.exists())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def payment_requests_due(self, now: datetime, *, limit: int = 100) -> list[PaymentRequested]:
        keys = list(CaseTable.by_outbox.query(PAYMENTS, CaseTable.outbox_at <= now, limit=limit))
        found = []
        for key in keys:
            try:
                item = CaseTable.get(key.pk, key.sk, consistent_read=True)
            except CaseTable.DoesNotExist:
                continue
            if item.outbox and item.record:
                found.append(PaymentRequested.model_validate_json(item.record))
        return found
