"""DynamoDB tables, declared once as PynamoDB models.

These classes are the single declaration of every table: the application reads and writes through them,
and `infrastructure/template.py` renders their keys, indexes, TTL and streams into CloudFormation for both
the local emulator and the cloud. The endpoint comes from AWS_ENDPOINT_URL (botocore reads it).
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


class DraftTable(Model):
    """A resident's unfinished form, kept until it expires. Keyed by its owner: nobody else can reach it."""

    class Meta(_Meta):
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

    class Meta(_Meta):
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

    class Meta(_Meta):
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

    class Meta(_Meta):
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


class CaseTable(Model):
    """Each department's inbox (newest first) and its case-sign counters, side by side in one partition.

    Cases: sk = C#<registered at>#<case id>. Counters: sk = N#<JRWA>#<year>, value = the last number issued.
    """

    class Meta(_Meta):
        table_name = table_name("cases")

    pk = UnicodeAttribute(hash_key=True)  # T#<terc>#D#<department>
    sk = UnicodeAttribute(range_key=True)
    last = NumberAttribute(null=True)  # counters only
    case_id = UnicodeAttribute(null=True)
    case_sign = UnicodeAttribute(null=True)
    record = UnicodeAttribute(null=True)  # JSON of the case


ALL_TABLES: tuple[type[Model], ...] = (
    TenantTable, CatalogueTable, AuditTable, MeteringTable, IdempotencyTable,
    DraftTable, AttachmentTable, SubmissionTable, SubmissionClaimTable, CaseTable,
)
