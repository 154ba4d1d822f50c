"""What the payments module owns in AWS: one DynamoDB table of payment orders, their refunds, the outbox of
`PaymentSettled` and the flags finance reads; and the queue of `PaymentRequested` it consumes.

`infrastructure/template.py` renders them for the local emulator and the cloud alike.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class OrdersByDay(GlobalSecondaryIndex["PaymentOrderTable"]):
    """A JST's orders opened on one (Warsaw) day: finance's list and the reconciliation's "orders opened"."""

    class Meta:
        index_name = "by-day"
        projection = IncludeProjection(["record", "status", "amount", "refunded", "version"])

    day_key = UnicodeAttribute(hash_key=True)  # T#<terc>#D#<YYYY-MM-DD>
    order_id = UnicodeAttribute(range_key=True)


class OrdersByPaidDay(GlobalSecondaryIndex["PaymentOrderTable"]):
    """A JST's orders verified on one (Warsaw) day: the reconciliation's "payments verified"."""

    class Meta:
        index_name = "by-paid-day"
        projection = IncludeProjection(["record", "status", "amount", "refunded", "version"])

    paid_key = UnicodeAttribute(hash_key=True)  # T#<terc>#D#<YYYY-MM-DD>
    order_id = UnicodeAttribute(range_key=True)


class OrdersByPaidMonth(GlobalSecondaryIndex["PaymentOrderTable"]):
    """A JST's orders verified in one (Warsaw) month: the fees received beside the month's running costs."""

    class Meta:
        index_name = "by-paid-month"
        projection = IncludeProjection(["record", "status", "amount", "refunded", "version"])

    paid_month = UnicodeAttribute(hash_key=True)  # T#<terc>#M#<YYYY-MM>
    order_id = UnicodeAttribute(range_key=True)


class OrdersByExpiry(GlobalSecondaryIndex["PaymentOrderTable"]):
    """Sparse: a JST's orders still unpaid (nowe, oczekuje, nieudane), earliest expiry first, for the sweeper."""

    class Meta:
        index_name = "by-expiry"
        projection = KeysOnlyProjection()

    open_key = UnicodeAttribute(hash_key=True)  # T#<terc>
    expires_at = UTCDateTimeAttribute(range_key=True)


class SettledOutbox(GlobalSecondaryIndex["PaymentOrderTable"]):
    """Sparse: `PaymentSettled` events written but not yet taken by their queue; the sweeper sends them."""

    class Meta:
        index_name = "outbox"
        projection = KeysOnlyProjection()

    outbox = UnicodeAttribute(hash_key=True)
    outbox_at = UTCDateTimeAttribute(range_key=True)


class PaymentOrderTable(Model):
    """Per order (pk = O#<order id> = O#<case id>): the order under sk = O (its state as attributes, the rest as
    JSON in `record`), each refund under sk = R#<Idempotency-Key>, each `PaymentSettled` event under
    sk = S#<event id> (marked with `outbox` until its queue took it). Finance's flags: pk = F#<terc>#<day>,
    sk = <code>#<the body's SHA-256> (a repeated body is one flag), read with one query per JST and day.
    """

    class Meta(TableMeta):
        table_name = table_name("payment-orders")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    order_id = UnicodeAttribute(null=True)
    terc = UnicodeAttribute(null=True)
    owner = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    amount = NumberAttribute(null=True)  # grosze: the order's; a refund's
    refunded = NumberAttribute(null=True)  # grosze refunded or being refunded (reserved before the gateway call)
    version = NumberAttribute(null=True)  # every change of the order adds one (optimistic locking)
    record = UnicodeAttribute(null=True)  # JSON: the order (attempts, payment), a refund, an event, a flag
    day_key = UnicodeAttribute(null=True)
    paid_key = UnicodeAttribute(null=True)
    paid_month = UnicodeAttribute(null=True)
    open_key = UnicodeAttribute(null=True)
    expires_at = UTCDateTimeAttribute(null=True)
    outbox = UnicodeAttribute(null=True)
    outbox_at = UTCDateTimeAttribute(null=True)
    sends = NumberAttribute(null=True)
    by_day = OrdersByDay()
    by_paid_day = OrdersByPaidDay()
    by_paid_month = OrdersByPaidMonth()
    by_expiry = OrdersByExpiry()
    by_outbox = SettledOutbox()


TABLES: tuple[type[Model], ...] = (PaymentOrderTable,)
QUEUES: tuple[QueueSpec, ...] = (
    # Cases registered with a payable fee: the worker opens the case's payment order (once).
    QueueSpec("payment-requests", visibility_timeout=60, max_receive_count=5),
)
