"""What the audit module owns in AWS: one DynamoDB table of hash-chained entries, one chain per JST.

`infrastructure/template.py` renders it for the local emulator and the cloud alike.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class AuditChainTable(Model):
    """Per JST (pk = T#<terc>): the entries under sk = E#<number, 12 digits> in the order they were written, and
    the head under sk = H (the last number and its hash), advanced on condition in each entry's transaction.

    Append-only: the platform puts an entry once (on condition that its key is free) and never updates or
    deletes one; `cli audit verify` finds what someone else did to them.
    """

    class Meta(TableMeta):
        table_name = table_name("audit-chain")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    seq = NumberAttribute(null=True)  # entries: the number; the head: the last number
    hash = UnicodeAttribute(null=True)  # entries: SHA-256 of the entry; the head: the last entry's
    terc = UnicodeAttribute(null=True)
    prev_hash = UnicodeAttribute(null=True)
    at = UnicodeAttribute(null=True)
    action = UnicodeAttribute(null=True)
    actor = UnicodeAttribute(null=True)
    actor_name = UnicodeAttribute(null=True)
    case_id = UnicodeAttribute(null=True)
    case_sign = UnicodeAttribute(null=True)
    details = UnicodeAttribute(null=True)  # JSON (canonical)
    correlation_id = UnicodeAttribute(null=True)


TABLES: tuple[type[Model], ...] = (AuditChainTable,)
QUEUES: tuple[QueueSpec, ...] = ()
