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


class AuditTable(Model):
    """Append-only audit trail: who changed what, per JST. Entries are never updated except to record
    that the change notification went out."""

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
    by_day = AuditByDay()



TABLES: tuple[type[Model], ...] = (TenantTable, AuditTable,)
QUEUES: tuple[QueueSpec, ...] = (
    # Configuration changes: the worker notifies the JST's contact and marks the audit entry.
    QueueSpec("tenant-events", visibility_timeout=60, max_receive_count=3),
)
