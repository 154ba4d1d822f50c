"""What the registers module owns in AWS: one DynamoDB table of register entries and their histories.

`infrastructure/template.py` renders it for the local emulator and the cloud alike. A monument's photo is an
object of the `uploads` bucket under the JST's prefix (`registers/<terc>/…`).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class EntriesByStatus(GlobalSecondaryIndex["RegisterTable"]):
    """A JST's register filtered by status (the public search's `status=`), newest first, without a scan."""

    class Meta:
        index_name = "by-status"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)  # T#<terc>#R#<register>#S#<status>
    sk = UnicodeAttribute(range_key=True)


class ActiveByLastDay(GlobalSecondaryIndex["RegisterTable"]):
    """A JST register's active permits by their last day, sparse (only they carry `ends`): the nightly expiry
    Queries the ones that ended before today and reads nothing else."""

    class Meta:
        index_name = "by-last-day"
        projection = KeysOnlyProjection()

    status_key = UnicodeAttribute(hash_key=True)  # T#<terc>#R#<register>#S#aktywne
    ends = UnicodeAttribute(range_key=True)  # <last day, ISO>#<entry id>


class RegisterTable(Model):
    """A register of a JST (pk = T#<terc>#R#<register>): each entry under sk = E#<entry id> (ids grow with time,
    so a query gives the newest first), its state as attributes and the rest as JSON in `record`. Its history:
    pk = T#<terc>#R#<register>#E#<entry id>, one item per change under sk = H#<version>, written in the same
    transaction as the entry (and the JST's audit entry)."""

    class Meta(TableMeta):
        table_name = table_name("registers")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute(null=True)
    status_key = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)  # every change adds one (optimistic locking)
    search = UnicodeAttribute(null=True)  # lower-case public text the search's `q=` looks in
    record = UnicodeAttribute(null=True)  # JSON: the entry; a history item
    ends = UnicodeAttribute(null=True)  # an active permit's last day (`by-last-day`); gone once it is not active
    by_status = EntriesByStatus()
    by_last_day = ActiveByLastDay()


TABLES: tuple[type[Model], ...] = (RegisterTable,)
QUEUES: tuple[QueueSpec, ...] = ()
