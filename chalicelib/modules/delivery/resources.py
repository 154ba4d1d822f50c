"""What the delivery module owns in AWS: the deliveries table and the queue its sends go through.

`infrastructure/template.py` renders them for the local emulator and the cloud alike. The evidences themselves
are stored under the case in the documents bucket (retention removes them with the case's files).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class OpenDeliveries(GlobalSecondaryIndex["DeliveryTable"]):
    """Sparse: deliveries still waiting for something (a status, a clock, finality), by when to look again."""

    class Meta:
        index_name = "open"
        projection = KeysOnlyProjection()

    open_shard = UnicodeAttribute(hash_key=True)
    check_at = UnicodeAttribute(range_key=True)


class DeliveriesByMessage(GlobalSecondaryIndex["DeliveryTable"]):
    """Sparse: a delivery reached by the box's message id (the box's callback names only that)."""

    class Meta:
        index_name = "by-message"
        projection = KeysOnlyProjection()

    box_message_id = UnicodeAttribute(hash_key=True)


class FailedDeliveries(GlobalSecondaryIndex["DeliveryTable"]):
    """Sparse: a JST's deliveries that failed after every retry or that the box could not deliver, for the
    clerks' inbox ("send again", or on paper)."""

    class Meta:
        index_name = "failed"
        projection = KeysOnlyProjection()

    failed_terc = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class DeliveryTable(Model):
    """Per case (pk = T#<terc>#C#<case id>): each letter's delivery under sk = D#<delivery id> (one per letter:
    the id follows from the letter). The box's callback subscription of a JST's ADE: pk = SUB#<ADE>, sk = SUB,
    with the secret token its callback URL carries."""

    class Meta(TableMeta):
        table_name = table_name("deliveries")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    record = UnicodeAttribute(null=True)  # JSON: the delivery as the API shows it (with its evidences' list)
    version = NumberAttribute(null=True)
    open_shard = UnicodeAttribute(null=True)
    check_at = UnicodeAttribute(null=True)
    box_message_id = UnicodeAttribute(null=True)
    failed_terc = UnicodeAttribute(null=True)
    token = UnicodeAttribute(null=True)  # subscriptions only
    subscription_id = UnicodeAttribute(null=True)
    open = OpenDeliveries()
    by_message = DeliveriesByMessage()
    failed = FailedDeliveries()


TABLES: tuple[type[Model], ...] = (DeliveryTable,)
QUEUES: tuple[QueueSpec, ...] = (
    # Letters to send through the e-Delivery box: the worker retries a failed send (SQS redelivery), and after
    # the module's own count of attempts marks the delivery `nieudana` instead of dead-lettering it.
    QueueSpec("delivery-sends", visibility_timeout=60, max_receive_count=10),
)
