"""The platform's own DynamoDB tables (usage metering, worker idempotency) and what every table shares.

Each module declares its tables in its own `resources.py`; `infrastructure/template.py` renders them all, with
these, for the local emulator and the cloud. The endpoint comes from AWS_ENDPOINT_URL (botocore reads it).
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.settings import get_settings


def table_name(key: str) -> str:
    return f"{get_settings().resource_prefix}-{key}"


class TableMeta:
    """Common table settings; each model's Meta adds its name."""

    region = get_settings().region
    billing_mode = "PAY_PER_REQUEST"



class MeteringTable(Model):
    """Usage per JST, platform module, catalogue service, function and day. Written with ADD by the metering
    hook (one UpdateItem per invocation); counters for each AWS operation are extra attributes."""

    class Meta(TableMeta):
        table_name = table_name("metering")

    # No secondary index on purpose: every invocation writes here, and an index would double that write.
    # Region-wide reports query each JST's partition (the JST list is known).
    pk = UnicodeAttribute(hash_key=True)  # T#<terc>
    sk = UnicodeAttribute(range_key=True)  # D#<day>#M#<module>#S#<service>#F#<function>
    day = UnicodeAttribute()



class IdempotencyTable(Model):
    """Powertools idempotency records (event workers keyed on the message id)."""

    class Meta(TableMeta):
        table_name = table_name("idempotency")

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)



PLATFORM_TABLES: tuple[type[Model], ...] = (MeteringTable, IdempotencyTable)
