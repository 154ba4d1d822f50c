"""What the tenants module owns in AWS: its DynamoDB tables (PynamoDB models) and SQS queues.

`infrastructure/template.py` renders them (keys, indexes, TTL, queues with their dead-letter queues) for the
local emulator and the cloud alike; the module's repository reads and writes through the tables.
"""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class TenantTable(Model):
    """One item per JST: its whole configuration as validated JSON, with an optimistic-lock version."""

    class Meta(TableMeta):
        table_name = table_name("tenants")

    terc = UnicodeAttribute(hash_key=True)
    config = UnicodeAttribute()
    version = NumberAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class AuditByDay(GlobalSecondaryIndex["AuditTable"]):
    class Meta:
        index_name = "by-day"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class PendingNotices(GlobalSecondaryIndex["AuditTable"]):
    """Sparse: changes whose notice to the JST's contact has not gone out. The marker is written with the change
    (one transaction) and removed when the notice is sent; the sweeper sends every marked change that is due."""

    class Meta:
        index_name = "outbox"
        projection = AllProjection()

    outbox = UnicodeAttribute(hash_key=True)
    outbox_at = UTCDateTimeAttribute(range_key=True)  # when the sweeper should look at it


class AuditTable(Model):
    """Append-only audit trail: who changed what, per JST. Entries are never updated except to record
    that the change notification went out (and, until then, when to send it again)."""

    class Meta(TableMeta):
        table_name = table_name("audit")
        stream_view_type = "NEW_IMAGE"

    pk = UnicodeAttribute(hash_key=True)  # T#<terc>
    sk = UnicodeAttribute(range_key=True)  # <ISO timestamp>#<event id>
    day = UnicodeAttribute()
    event_id = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    summary = UnicodeAttribute()
    notified_at = UTCDateTimeAttribute(null=True)
    notification_id = UnicodeAttribute(null=True)
    correlation_id = UnicodeAttribute(null=True)  # the request that made the change
    outbox = UnicodeAttribute(null=True)
    outbox_at = UTCDateTimeAttribute(null=True)
    outbox_sends = NumberAttribute(null=True)  # how often the sweeper sent it (its back-off)
    by_day = AuditByDay()
    by_outbox = PendingNotices()



TABLES: tuple[type[Model], ...] = (TenantTable, AuditTable,)
QUEUES: tuple[QueueSpec, ...] = (
    # Configuration changes: the worker notifies the JST's contact and marks the audit entry.
    QueueSpec("tenant-events", visibility_timeout=60, max_receive_count=3),
)
