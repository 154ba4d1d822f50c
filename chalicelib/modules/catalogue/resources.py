"""What the catalogue module owns in AWS: its DynamoDB tables (PynamoDB models) and SQS queues.

`infrastructure/template.py` renders them (keys, indexes, TTL, queues with their dead-letter queues) for the
local emulator and the cloud alike; the module's repository reads and writes through the tables.
"""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class CatalogueTable(Model):
    """Published service definitions: one immutable item per (service, version)."""

    class Meta(TableMeta):
        table_name = table_name("catalogue")

    service_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(range_key=True)
    definition = UnicodeAttribute()
    content_sha256 = UnicodeAttribute()
    published_at = UTCDateTimeAttribute()



TABLES: tuple[type[Model], ...] = (CatalogueTable,)
QUEUES: tuple[QueueSpec, ...] = ()
