"""The adapters finance's view and the proof of payment read through: the orders' table (its refunds done) and the
documents bucket (the sealed proofs, each created only where none exists: S3's conditional put)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from chalicelib.integrations.aws import client
from chalicelib.modules.payments import reconciliation as rec
from chalicelib.resources import bucket_name

if TYPE_CHECKING:
    from chalicelib.modules.payments.models import Flag, Order
    from chalicelib.modules.payments.repository import DynamoOrders

BUCKET = "documents"
MAX_PROOF_BYTES = 256 * 1024
WAIT_ROUNDS, WAIT_SECONDS = 20, 0.1


class FinanceOrders:
    """The payments store as finance reads it, plus the refunds done of an order (under its own partition)."""

    def __init__(self, orders: DynamoOrders) -> None:
        self._orders = orders

    def get(self, order_id: str) -> Order | None:
        return self._orders.get(order_id)

    def opened_on(self, terc: str, day: str) -> list[Order]:
        return self._orders.opened_on(terc, day)

    def paid_on(self, terc: str, day: str) -> list[Order]:
        return self._orders.paid_on(terc, day)

    def flags(self, terc: str, day: str) -> list[Flag]:
        return self._orders.flags(terc, day)

    def refunds_done(self, order_id: str) -> list[rec.Refund]:
        from chalicelib.modules.payments.models import Refund
        from chalicelib.modules.payments.repository import order_pk
        from chalicelib.modules.payments.resources import PaymentOrderTable as T

        done: list[rec.Refund] = []
        for item in T.query(order_pk(order_id), T.sk.startswith("R#"), consistent_read=True):
            refund = Refund.model_validate_json(item.record or "{}")
            if refund.status == "wykonany" and refund.done_at is not None:
                done.append(rec.Refund(at=refund.done_at, amount=refund.amount))
        return done


class S3Proofs:
    """Sealed proofs in the documents bucket (versioned, KMS)."""

    def read(self, key: str) -> bytes | None:
        s3 = client("s3")
        try:
            response = s3.get_object(Bucket=bucket_name(BUCKET), Key=key)
        except s3.exceptions.NoSuchKey:
            return None
        body: bytes = response["Body"].read(MAX_PROOF_BYTES + 1)
        return body

    def create(self, key: str, body: bytes, content_type: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            client("s3").put_object(Bucket=bucket_name(BUCKET), Key=key, Body=body, ContentType=content_type,
                                    IfNoneMatch="*")
        except ClientError as exc:
            if not _refused_as_existing(exc.response):
                raise
            self._until_stored(key)
            return False
        return True

    def _until_stored(self, key: str) -> None:
        """A concurrent first request is storing its proof (S3 answers 409 meanwhile): let it finish, so the
        caller serves that one."""
        for _ in range(WAIT_ROUNDS):
            if self.read(key) is not None:
                return
            time.sleep(WAIT_SECONDS)


def _refused_as_existing(response: Any) -> bool:
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    # 412: something is stored there; 409: a concurrent conditional write to the same key is under way
    return code in ("PreconditionFailed", "ConditionalRequestConflict") or status in (409, 412)
