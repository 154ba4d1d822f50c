"""The intake of a submission: nothing accepted is ever lost, and no receipt exists for a submission that does not.

No Chalice, no boto3. One pipeline for both ways in: a reader per kind of request (`filled`: a form filled in the
browser; `signed`: a document the resident signed) turns it into a `Read`; everything after that is common.
The order:
1. the request is read and checked (form, applicant, signature, draft); then ONE read gives both the submission
   already made under the Idempotency-Key, if any (its first answer is replayed), and the attachments' state,
   which are checked next: a refused request writes nothing;
2. the Idempotency-Key, and a signed document's own id, are claimed by one conditional write, before anything is
   stored or sealed: one attempt at a time holds them, for a lease longer than the function may run;
3. the attachments and the document go to the attempt's own folder; DataDoreczenia is the moment the document is
   durably stored; only then is the UPP made, sealed and stored;
4. ONE write records the submission, its pending-registration marker (the outbox) and completes the claims;
5. the registration message is sent, best effort: whatever dies or fails here, the marker stays and the sweeper
   sends it. A request that loses the race on its key waits a moment and replays the winner (like a bank's
   idempotent payment API), or gets 409 `submission_in_progress` with Retry-After while the winner is still at it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

from chalicelib import events
from chalicelib.core.errors import ApiError, Conflict
from chalicelib.core.observability import correlation_id
from chalicelib.documents import upp, wniosek
from chalicelib.events.topics import RegistrationFacts, RegistrationMessage
from chalicelib.model.fees import FeeDue
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules import catalogue
from chalicelib.modules.submissions import applicants
from chalicelib.modules.submissions.attachments import check_released, released_key
from chalicelib.modules.submissions.facts import facts_of
from chalicelib.modules.submissions.logic import Offer, Ports, submission_id
from chalicelib.modules.submissions.models import (
    Answers,
    Applicant,
    AttachmentView,
    Filer,
    StoredAttachment,
    StoredFile,
    Submission,
    SubmissionIn,
    SubmissionRecord,
    SubmissionStatus,
)

if TYPE_CHECKING:
    from chalicelib.forms.compiler import FormData

LEASE = timedelta(minutes=2)  # longer than the API function may run (30 s): an older attempt is dead
OUTBOX_AFTER = timedelta(minutes=3)  # the sweeper sends what the worker has not registered by then
REQUEUE_AFTER = timedelta(minutes=1)
IN_PROGRESS_WAIT = 3.0  # seconds a request that lost the race waits for the winner before answering 409
POLL = 0.25
RETRY_AFTER = 2


@dataclass(frozen=True)
class Attempt:
    """One attempt at a submission: what it claims, and where its files go."""

    owner: str
    submission_id: str
    terc: str
    attempt_id: str
    fingerprint: str
    document_id: str | None  # a signed document's own id: it makes one submission only
    lease_until: datetime

    @property
    def prefix(self) -> str:
        """The attempt's own folder: a request that loses a race never writes over the winner's files."""
        return f"{folder(self.terc, self.submission_id)}{self.attempt_id}/"


@dataclass(frozen=True)
class Holder:
    """Who holds the claim that stopped an attempt."""

    kind: Literal["key", "document"]
    owner: str
    submission_id: str
    fingerprint: str | None


@dataclass(frozen=True)
class Accepted:
    submission: Submission
    replayed: bool


def folder(terc: str, sid: str) -> str:
    """Every attempt at one submission stores under this folder."""
    return f"submissions/{terc}/{sid}/"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def request_fingerprint(terc: str, service: str, payload: bytes) -> str:
    return _sha256(f"{terc}\n{service}\n".encode() + payload)


# --- replay, claim, registration ------------------------------------------------------------------------

def _replay(ports: Ports, existing: Submission, fingerprint: str) -> Accepted:
    if existing.request_sha256 != fingerprint:
        raise key_reused()
    if existing.status is SubmissionStatus.PRZYJETE and ports.now() - existing.delivered_at > REQUEUE_AFTER:
        _queue_registration(ports, existing)  # sooner than the sweeper; registration is idempotent
    return Accepted(existing, replayed=True)


def key_reused() -> Conflict:
    return Conflict("Ten klucz Idempotency-Key użyto już dla innego wniosku.", code="idempotency_key_reused",
                    details=[{"field": "Idempotency-Key", "code": "idempotency_key_reused",
                              "message": "Użyj nowego klucza dla nowego wniosku."}])


def in_progress() -> Conflict:
    return Conflict("Wniosek z tym kluczem Idempotency-Key jest właśnie przyjmowany; ponów żądanie za chwilę.",
                    code="submission_in_progress",
                    details=[{"field": "Idempotency-Key", "code": "submission_in_progress",
                              "message": f"Ponów to samo żądanie za {RETRY_AFTER} s: dostaniesz ten sam wniosek."}])


def _claim(ports: Ports, *, owner: str, sid: str, terc: str, fingerprint: str,
           document_id: str | None) -> Attempt | Accepted:
    """Claim the key (and the document) for this attempt; or the winner's submission if another attempt won."""
    attempt = Attempt(owner=owner, submission_id=sid, terc=terc, attempt_id=uuid.uuid4().hex[:12],
                      fingerprint=fingerprint, document_id=document_id, lease_until=ports.now() + LEASE)
    holder = ports.submissions.begin(attempt, now=ports.now())
    if holder is None:
        return attempt
    if holder.kind == "document":
        raise applicants.already_submitted(owner=owner, holder_owner=holder.owner,
                                           holder_submission_id=holder.submission_id)
    waited = 0.0
    while True:
        winner = ports.submissions.get(owner, sid)
        if winner is not None:
            return _replay(ports, winner, fingerprint)
        if holder.fingerprint != fingerprint:
            raise key_reused()
        if waited >= IN_PROGRESS_WAIT:
            raise in_progress()
        ports.sleep(POLL)
        waited += POLL


def _queue_registration(ports: Ports, submission: Submission, facts: RegistrationFacts | None = None) -> None:
    """Hand the submission to the registration worker, with what registering it needs (`facts`; without them the
    worker reads them). Its marker is already stored with it, so a failure here must not fail the request: the
    sweeper sends every marked submission that is due."""
    message = RegistrationMessage(submission_id=submission.submission_id, owner=submission.owner,
                                  terc=submission.terc, service=submission.service, facts=facts)
    events.publish(message, publisher=ports.publisher)


# --- the pipeline ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Read:
    """A request as its reader made it out: checked, its form validated; what the pipeline needs of its kind."""

    where: Offer
    form: FormData
    applicant: Applicant | None
    filer: Filer  # the signed-in person who files it
    flags: list[str]
    # (submission id, the released attachments, the clock) -> the document's bytes and its own id (the UPP names it)
    document: Callable[[str, list[AttachmentView], Callable[[], datetime]], tuple[bytes, str]]
    document_id: str | None = None  # a signed document's own id: claimed with the key, it makes one submission only
    signer: dict[str, Any] | None = None
    check_attachments: Callable[[list[AttachmentView]], None] = lambda attachments: None
    draft_id: str | None = None  # the draft the form came from: deleted once the submission is accepted
    answers: Answers | None = None  # a supplementary submission: the case it answers (`answers.py`)


class Reader(Protocol):
    @property
    def canonical(self) -> bytes:
        """The request as the Idempotency-Key's fingerprint sees it."""

    def read(self, ports: Ports, *, owner: str, tenant: TenantConfig, service: str, filer: Filer) -> Read: ...


def submit(ports: Ports, *, owner: str, filer: Filer | None, tenant: TenantConfig, service: str,
           idempotency_key: str, reader: Reader) -> Accepted:
    sid = submission_id(owner, idempotency_key)
    fingerprint = request_fingerprint(tenant.terc, service, reader.canonical)
    try:
        read = reader.read(ports, owner=owner, tenant=tenant, service=service, filer=applicants.require_filer(filer))
        fee = fee_of(read)
    except ApiError:
        # Refused as things stand now (the draft gone, the service switched off...): a request accepted before
        # under this key still gets its first answer.
        existing = ports.submissions.get(owner, sid)
        if existing is None:
            raise
        return _replay(ports, existing, fingerprint)
    existing, found = ports.submissions.lookup(owner, sid, [f.attachment_id for f in read.form.files])
    if existing is not None:
        return _replay(ports, existing, fingerprint)
    attachments = check_released(found, read.form, read.where)
    read.check_attachments(attachments)
    claimed = _claim(ports, owner=owner, sid=sid, terc=tenant.terc, fingerprint=fingerprint,
                     document_id=read.document_id)
    if isinstance(claimed, Accepted):
        return claimed
    accepted = _accept(ports, claimed, read, attachments, fee)
    if read.draft_id:
        ports.drafts.delete(owner, read.draft_id)
    return accepted


def submit_form(ports: Ports, *, owner: str, filer: Filer | None, tenant: TenantConfig, service: str,
                idempotency_key: str, body: SubmissionIn) -> Accepted:
    """A form filled in the browser: validated, rendered as the ePUAP document, stored, the UPP issued."""
    from chalicelib.modules.submissions.filled import FilledForm

    return submit(ports, owner=owner, filer=filer, tenant=tenant, service=service, idempotency_key=idempotency_key,
                  reader=FilledForm(body))


def submit_signed(ports: Ports, *, owner: str, filer: Filer | None, tenant: TenantConfig, service: str,
                  idempotency_key: str, signed: bytes) -> Accepted:
    """A document the resident signed (XAdES): verified, read back, validated, stored exactly as signed."""
    from chalicelib.modules.submissions.signed import SignedDocument

    return submit(ports, owner=owner, filer=filer, tenant=tenant, service=service, idempotency_key=idempotency_key,
                  reader=SignedDocument(signed))


# --- storing, sealing, recording ----------------------------------------------------------------------------

def ref(field: str, att: Any) -> Any:
    """How the document names an attachment: file name, type, size and SHA-256 of the released content."""
    return wniosek.AttachmentRef(attachment_id=att.attachment_id, field=field, filename=att.filename,
                                 content_type=att.content_type, size=att.size or 0,
                                 sha256=bytes.fromhex(att.sha256 or ""))


def _store_attachments(ports: Ports, attempt: Attempt, form: FormData,
                       attachments: list[Any]) -> list[StoredAttachment]:
    """Copy each released file into the attempt's own folder in the documents bucket."""
    by_id = {a.attachment_id: a for a in attachments}
    stored = []
    for f in form.files:
        att = by_id[f.attachment_id]
        key = f"{attempt.prefix}attachments/{att.attachment_id}"
        version = ports.objects.copy("uploads", released_key(attempt.terc, att.attachment_id), "documents", key)
        stored.append(StoredAttachment(key=key, version_id=version, sha256=att.sha256 or "", size=att.size or 0,
                                       content_type=att.content_type, filename=att.filename,
                                       attachment_id=att.attachment_id, field=f.field))
    return stored


def fee_of(read: Read) -> FeeDue | None:
    """The fee the form owes as the JST charges it now; an answer to a summons is a letter in a case: none."""
    if read.answers is not None:
        return None
    return catalogue.fee_due(read.where.definition, read.where.tenant, read.form.values)


def _accept(ports: Ports, attempt: Attempt, read: Read, attachments: list[AttachmentView],
            fee: FeeDue | None) -> Accepted:
    try:
        submission = _store_and_seal(ports, attempt, read, attachments, fee)
        recorded = ports.submissions.create(submission, attempt)
    except Exception:
        # The key is free again at once; this attempt's files (if any) are left for the sweeper.
        ports.submissions.abandon(attempt, now=ports.now())
        raise
    if not recorded:  # the lease ran out and another attempt holds the key now: its answer is the one
        raise in_progress()
    _queue_registration(ports, submission, facts_of(submission, read.where.definition, read.where.tenant))
    return Accepted(submission, replayed=False)


def _store_and_seal(ports: Ports, attempt: Attempt, read: Read, attachments: list[AttachmentView],
                    fee: FeeDue | None) -> Submission:
    where, applicant, filer = read.where, read.applicant, read.filer
    sid, prefix, terc = attempt.submission_id, attempt.prefix, where.tenant.terc
    stored_attachments = _store_attachments(ports, attempt, read.form, attachments)
    content, document_id = read.document(sid, attachments, ports.now)
    doc_name = f"wniosek-{where.definition.id}-{sid[:8]}.xml"
    doc_version = ports.objects.put("documents", prefix + "document.xml", content, "application/xml")
    delivered_at = ports.now()  # DataDoreczenia: S3 has acknowledged the document
    receipt_id = f"UPP-{sid}"
    sender_id, sender_type = _sender_identifier(applicant, filer)
    receipt = upp.Receipt(
        receipt_id=receipt_id, office_name=where.tenant.office_name, office_id=terc, office_id_type="TERC",
        office_address=_address(where.tenant),
        sender_name=applicant.name if applicant else (filer.name or filer.pesel),
        sender_id=sender_id, sender_id_type=sender_type, delivered_at=delivered_at, issued_at=ports.now(),
        document_id=document_id, document_filename=doc_name, document_sha256=hashlib.sha256(content).digest(),
        information=f"Wniosek „{where.definition.name}” (formularz w wersji {where.definition.version}) "
                    + (f"w sprawie {read.answers.case_sign} " if read.answers else "")
                    + "został zapisany w systemie teleinformatycznym urzędu."
                    + (f" Należna opłata: {_zl(fee.amount)} ({fee.title})." if fee is not None and fee.payable else ""),
    )
    sealed = ports.seal(upp.build(receipt), receipt.issued_at)
    upp_version = ports.objects.put("documents", prefix + "upp.xml", sealed, "application/xml")
    record = SubmissionRecord(
        document=StoredFile(key=prefix + "document.xml", version_id=doc_version, sha256=_sha256(content),
                            size=len(content), content_type="application/xml", filename=doc_name),
        document_id=document_id,
        upp=StoredFile(key=prefix + "upp.xml", version_id=upp_version, sha256=_sha256(sealed), size=len(sealed),
                       content_type="application/xml", filename=f"UPP-{sid[:8]}.xml"),
        receipt_id=receipt_id, attachments=stored_attachments, applicant=applicant, email=read.form.email,
        edelivery_address=read.form.edelivery_address,
        service_name=where.definition.name, office_name=where.tenant.office_name, signer=read.signer, filer=filer,
        correlation_id=correlation_id(), answers=read.answers, fee=fee,
        fee_online=fee is not None and fee.payable and where.tenant.payments is not None,
    )
    # The department is known now: clerks of other departments never see the submission, registered or not.
    # An answer to a summons goes to the case's own department, whichever handles the general letter.
    department = read.answers.department if read.answers else catalogue.entry(where.definition, where.tenant).department
    return Submission(submission_id=sid, owner=attempt.owner, terc=terc, service=where.definition.id,
                      form_version=where.definition.version, request_sha256=attempt.fingerprint,
                      delivered_at=delivered_at, record=record, signed=read.signer is not None, flags=read.flags,
                      department=department)


def _sender_identifier(applicant: Applicant | None, filer: Filer) -> tuple[str, str]:
    if applicant is not None and applicant.pesel:
        return applicant.pesel, "PESEL"
    if applicant is not None and applicant.nip:
        return applicant.nip, "NIP"
    return filer.pesel, "PESEL"


def _zl(grosze: int) -> str:
    """2 100,00 zł, as the catalogue and the portal write it."""
    whole = f"{grosze // 100:,}".replace(",", " ")
    return f"{whole},{grosze % 100:02d} zł"


def _address(tenant: TenantConfig) -> str:
    a = tenant.address
    return f"{a.street} {a.building}, {a.postal_code} {a.city}"
