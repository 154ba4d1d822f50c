"""What the submissions module owns in AWS: its DynamoDB tables (PynamoDB models) and SQS queues.

`infrastructure/template.py` renders them (keys, indexes, TTL, queues with their dead-letter queues) for the
local emulator and the cloud alike; the module's repository reads and writes through the tables.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class DraftTable(Model):
    """A resident's unfinished form, kept until it expires. Keyed by its owner: nobody else can reach it."""

    class Meta(TableMeta):
        table_name = table_name("drafts")

    owner = UnicodeAttribute(hash_key=True)  # the resident's subject
    draft_id = UnicodeAttribute(range_key=True)
    terc = UnicodeAttribute()
    service = UnicodeAttribute()
    form_version = NumberAttribute()
    data = UnicodeAttribute()  # JSON, unvalidated (a draft may be incomplete)
    updated_at = UTCDateTimeAttribute()
    expires = TTLAttribute()


class AttachmentTable(Model):
    """An uploaded file on its way from quarantine to a submission: its declared and its checked facts."""

    class Meta(TableMeta):
        table_name = table_name("attachments")

    owner = UnicodeAttribute(hash_key=True)
    attachment_id = UnicodeAttribute(range_key=True)
    terc = UnicodeAttribute()
    service = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()  # declared, fixed by the upload policy
    declared_size = NumberAttribute()
    status = UnicodeAttribute()  # oczekuje | przyjety | odrzucony
    reason = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)  # hex, of the released content
    upload_etag = UnicodeAttribute(null=True)  # the one upload this slot accepted (S3 ETag), set by the check
    created_at = UTCDateTimeAttribute()
    checked_at = UTCDateTimeAttribute(null=True)
    expires = TTLAttribute()  # the record goes with the quarantine copy; a submission keeps its own


class SubmissionsByTenant(GlobalSecondaryIndex["SubmissionTable"]):
    """A JST's clerks reach a submission by its id; the index holds keys only (one small write each)."""

    class Meta:
        index_name = "by-tenant"
        projection = KeysOnlyProjection()

    terc = UnicodeAttribute(hash_key=True)
    submission_id = UnicodeAttribute(range_key=True)


class SubmissionOutbox(GlobalSecondaryIndex["SubmissionTable"]):
    """Sparse: submissions whose registration is still to happen. The marker is written with the submission
    (one write with what the UPP certifies) and removed by the registration transaction; the sweeper sends
    every marked submission that is due."""

    class Meta:
        index_name = "outbox"
        projection = IncludeProjection(["terc", "service", "outbox_sends"])

    outbox = UnicodeAttribute(hash_key=True)
    outbox_at = UTCDateTimeAttribute(range_key=True)  # when the sweeper should look at it


class SubmissionTable(Model):
    """An accepted submission: where its document, attachments and UPP are, and what became of it."""

    class Meta(TableMeta):
        table_name = table_name("submissions")

    owner = UnicodeAttribute(hash_key=True)
    submission_id = UnicodeAttribute(range_key=True)
    terc = UnicodeAttribute()
    service = UnicodeAttribute()
    form_version = NumberAttribute()
    request_sha256 = UnicodeAttribute()  # what the Idempotency-Key was first used for
    delivered_at = UTCDateTimeAttribute()  # DataDoreczenia: the document was durably stored
    record = UnicodeAttribute()  # JSON: document, UPP, attachments, applicant, signature (immutable facts)
    status = UnicodeAttribute()
    signed = BooleanAttribute(default=False)
    flags = UnicodeAttribute(null=True)  # JSON list of codes for the clerk
    case_sign = UnicodeAttribute(null=True)
    department = UnicodeAttribute(null=True)
    due_date = UnicodeAttribute(null=True)
    registered_at = UTCDateTimeAttribute(null=True)
    notified_at = UTCDateTimeAttribute(null=True)  # the resident was told the case sign
    outbox = UnicodeAttribute(null=True)  # "1" until the submission is registered
    outbox_at = UTCDateTimeAttribute(null=True)
    outbox_sends = NumberAttribute(null=True)  # how often the sweeper sent it (its back-off)
    by_tenant = SubmissionsByTenant()
    by_outbox = SubmissionOutbox()


class PendingClaims(GlobalSecondaryIndex["SubmissionClaimTable"]):
    """Sparse: Idempotency-Key claims the sweeper still has to look at (orphaned files, a dead attempt)."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending = UnicodeAttribute(hash_key=True)
    lease_until = UTCDateTimeAttribute(range_key=True)


class SubmissionClaimTable(Model):
    """Claims taken before anything is stored or sealed, by a conditional write.

    K#<owner>#<submission id>: one attempt at a time holds an Idempotency-Key (until its lease ends).
    D#<document id>: a signed document becomes one submission only, whoever sends it and under whatever key.
    """

    class Meta(TableMeta):
        table_name = table_name("submission-claims")

    claim = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()
    submission_id = UnicodeAttribute()
    terc = UnicodeAttribute()
    attempt = UnicodeAttribute()  # the attempt holding the claim (also the name of its folder)
    fingerprint = UnicodeAttribute(null=True)  # the request the key was claimed for
    state = UnicodeAttribute()  # w_toku | przyjete
    lease_until = UTCDateTimeAttribute()
    pending = UnicodeAttribute(null=True)
    by_pending = PendingClaims()



TABLES: tuple[type[Model], ...] = (DraftTable, AttachmentTable, SubmissionTable, SubmissionClaimTable,)
QUEUES: tuple[QueueSpec, ...] = (
    # New files in the upload quarantine (S3 notifications): the worker checks and releases or rejects them.
    QueueSpec("attachment-uploads", visibility_timeout=60, max_receive_count=3),
)
