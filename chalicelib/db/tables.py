"""DynamoDB tables, declared once as PynamoDB models.

These classes are the single declaration of every table: the application reads and writes through them,
and `infrastructure/template.py` renders their keys, indexes, TTL and streams into CloudFormation for both
the local emulator and the cloud. The endpoint comes from AWS_ENDPOINT_URL (botocore reads it).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.settings import get_settings


def table_name(key: str) -> str:
    return f"{get_settings().resource_prefix}-{key}"


class _Meta:
    """Common table settings; each model's Meta adds its name."""

    region = get_settings().region
    billing_mode = "PAY_PER_REQUEST"


class TenantTable(Model):
    """One item per JST: its whole configuration as validated JSON, with an optimistic-lock version."""

    class Meta(_Meta):
        table_name = table_name("tenants")

    terc = UnicodeAttribute(hash_key=True)
    config = UnicodeAttribute()
    version = NumberAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class CatalogueTable(Model):
    """Published service definitions: one immutable item per (service, version)."""

    class Meta(_Meta):
        table_name = table_name("catalogue")

    service_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(range_key=True)
    definition = UnicodeAttribute()
    content_sha256 = UnicodeAttribute()
    published_at = UTCDateTimeAttribute()


class AuditByDay(GlobalSecondaryIndex["AuditTable"]):
    class Meta:
        index_name = "by-day"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class AuditTable(Model):
    """Append-only audit trail: who changed what, per JST. Entries are never updated except to record
    that the change notification went out."""

    class Meta(_Meta):
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


class MeteringTable(Model):
    """Usage per JST, e-service, catalogue service, function and day. Written with ADD by the metering
    hook (one UpdateItem per invocation); counters for each AWS operation are extra attributes."""

    class Meta(_Meta):
        table_name = table_name("metering")

    # No secondary index on purpose: every invocation writes here, and an index would double that write.
    # Region-wide reports query each JST's partition (the JST list is known).
    pk = UnicodeAttribute(hash_key=True)  # T#<terc>
    sk = UnicodeAttribute(range_key=True)  # D#<day>#M#<module>#S#<service>#F#<function>
    day = UnicodeAttribute()


class IdempotencyTable(Model):
    """Powertools idempotency records (event workers keyed on the message id)."""

    class Meta(_Meta):
        table_name = table_name("idempotency")

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)


ALL_TABLES: tuple[type[Model], ...] = (TenantTable, CatalogueTable, AuditTable, MeteringTable, IdempotencyTable)
