"""What the cases module owns in AWS: its DynamoDB tables (PynamoDB models) and SQS queues.

`infrastructure/template.py` renders them (keys, indexes, TTL, queues with their dead-letter queues) for the
local emulator and the cloud alike; the module's repository reads and writes through the tables.
"""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class CasesById(GlobalSecondaryIndex["CaseTable"]):
    """A case reached by its id (sparse: counters carry none); keys only, the case is then read consistently."""

    class Meta:
        index_name = "by-case"
        projection = KeysOnlyProjection()

    case_id = UnicodeAttribute(hash_key=True)


class CasesByOwner(GlobalSecondaryIndex["CaseTable"]):
    """A resident's cases, newest first (e-informacja); sparse: cases registered with their owner."""

    class Meta:
        index_name = "by-owner"
        projection = IncludeProjection(["record"])

    owner = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class CaseNoticeOutbox(GlobalSecondaryIndex["CaseTable"]):
    """Sparse: cases whose party is still owed an e-mail about a change; the sweeper sends what is due."""

    class Meta:
        index_name = "outbox"
        projection = KeysOnlyProjection()

    outbox = UnicodeAttribute(hash_key=True)
    outbox_at = UTCDateTimeAttribute(range_key=True)


class CasesByState(GlobalSecondaryIndex["CaseTable"]):
    """A department's cases in one state, newest first (the inbox filtered by state)."""

    class Meta:
        index_name = "by-state"
        projection = IncludeProjection(["record"])

    state_key = UnicodeAttribute(hash_key=True)  # T#<terc>#D#<department>#S#<state>
    sk = UnicodeAttribute(range_key=True)


class CasesByClerk(GlobalSecondaryIndex["CaseTable"]):
    """A clerk's cases in a JST, newest first (the inbox filtered by assignee); sparse: assigned cases."""

    class Meta:
        index_name = "by-clerk"
        projection = IncludeProjection(["record"])

    clerk_key = UnicodeAttribute(hash_key=True)  # T#<terc>#A#<assignee>
    sk = UnicodeAttribute(range_key=True)


class CasesByDue(GlobalSecondaryIndex["CaseTable"]):
    """A department's open cases, earliest due first: the inbox by due date and the daily overdue sweep (a query
    for the keys before today reads only what is past due). Sparse: only a case whose clock runs or is stopped,
    not ended, with a due date (never one to be settled "niezwłocznie") carries `due_on`."""

    class Meta:
        index_name = "by-due"
        projection = IncludeProjection(["record"])

    pk = UnicodeAttribute(hash_key=True)  # the department's inbox, T#<terc>#D#<department>
    due_on = UnicodeAttribute(range_key=True)  # <due date>#<sk>


class CasesByArchive(GlobalSecondaryIndex["CaseTable"]):
    """Closed cases not yet disposed of (sparse, `cases/retention.py`): category B and BE by archive date (the
    daily retention job asks for the keys up to today), category A by the day closed (the state archive's export
    asks for a year)."""

    class Meta:
        index_name = "by-archive"
        projection = IncludeProjection(["record"])

    archive_pk = UnicodeAttribute(hash_key=True)  # T#<terc>#B or T#<terc>#A
    archive_on = UnicodeAttribute(range_key=True)  # <archive date>#<sk> (B, BE) or <closed on>#<sk> (A)


class CaseTable(Model):
    """Each department's inbox (newest first) and its case-sign counters, side by side in one partition.

    Cases: sk = C#<registered at>#<case id>. Counters: sk = N#<JRWA>#<year>, value = the last number issued.
    A forwarding (art. 65 KPA): pk = F#<source case id>, sk = F, the event and, once registered, the new sign.
    Paper cases add two items each: the once-marker of their Idempotency-Key (pk = T#<terc>#PAPER,
    sk = K#<case id>) and the access item the public lookup reads by sign (pk = SIGN#<sign>,
    sk = T#<terc>#<case id>, with `code_hash`): a query on one key, no index, no scan.
    """

    class Meta(TableMeta):
        table_name = table_name("cases")

    pk = UnicodeAttribute(hash_key=True)  # T#<terc>#D#<department>
    sk = UnicodeAttribute(range_key=True)
    last = NumberAttribute(null=True)  # counters only
    case_id = UnicodeAttribute(null=True)
    case_sign = UnicodeAttribute(null=True)
    owner = UnicodeAttribute(null=True)  # the resident who filed it (e-informacja)
    record = UnicodeAttribute(null=True)  # JSON of the case (with its current state, clerk and due date)
    life = UnicodeAttribute(null=True)  # JSON: history, pauses of the KPA clock, summonses, internal notes
    version = NumberAttribute(null=True)  # absent until the first change after registration
    email = UnicodeAttribute(null=True)  # the party's address for notices of changes
    notified = NumberAttribute(null=True)  # history entries the party was told of
    outbox = UnicodeAttribute(null=True)  # "1" while the party is owed a notice
    outbox_at = UTCDateTimeAttribute(null=True)  # when the sweeper should look at it
    state_key = UnicodeAttribute(null=True)
    clerk_key = UnicodeAttribute(null=True)
    due_on = UnicodeAttribute(null=True)  # <due date>#<sk> while the case is open and has a due date
    sends = NumberAttribute(null=True)  # a forwarding's marker: how often the sweeper sent its event
    code_hash = UnicodeAttribute(null=True)  # a paper case's access item: the salted hash of its access code
    archive_pk = UnicodeAttribute(null=True)  # closed, not disposed of: the archive index's keys
    archive_on = UnicodeAttribute(null=True)
    by_case = CasesById()
    by_owner = CasesByOwner()
    by_outbox = CaseNoticeOutbox()
    by_state = CasesByState()
    by_clerk = CasesByClerk()
    by_due = CasesByDue()
    by_archive = CasesByArchive()


class CaseLookupLimit(Model):
    """Counters of the public lookup by sign and access code, one per client address or sign and hour (TTL)."""

    class Meta(TableMeta):
        table_name = table_name("case-lookups")

    pk = UnicodeAttribute(hash_key=True)  # A#<address>#<hour> or S#<sign>#<hour>
    hits = NumberAttribute(null=True)
    expires = TTLAttribute(null=True)


TABLES: tuple[type[Model], ...] = (CaseTable, CaseLookupLimit)
QUEUES: tuple[QueueSpec, ...] = (
    # Accepted submissions: the worker registers the case in the JST's inbox (ESP) with its case sign.
    QueueSpec("registrations", visibility_timeout=60, max_receive_count=5),
    # Cases forwarded to another JST (art. 65 KPA): the worker copies the files and registers it there.
    QueueSpec("case-forwards", visibility_timeout=60, max_receive_count=5),
    # A case's fee paid, expired or refunded (from the payments module): the case moves on or the clerk is told.
    QueueSpec("payment-settlements", visibility_timeout=60, max_receive_count=5),
)
