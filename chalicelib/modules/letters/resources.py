"""What the letters module owns in AWS: one DynamoDB table, the letters issued in each case.

`infrastructure/template.py` renders it for the local emulator and the cloud alike. The letters' files themselves
are the case's (the documents bucket, under the case: retention removes them with it).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class LetterTable(Model):
    """Per case (pk = T#<terc>#C#<case id>): each letter issued under sk = L#<letter id> (its id follows from the
    Idempotency-Key), put once on condition that the key is free."""

    class Meta(TableMeta):
        table_name = table_name("letters")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    issued_at = UnicodeAttribute(null=True)
    record = UnicodeAttribute(null=True)  # JSON: the letter as the API shows it, with the request's SHA-256


TABLES: tuple[type[Model], ...] = (LetterTable,)
QUEUES: tuple[QueueSpec, ...] = ()
