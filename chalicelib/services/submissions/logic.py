"""e-wniosek rules: upload slots, drafts, submission with its official receipt (UPP), the resident's views.

No Chalice, no boto3: the stores, the object storage, the seal, the verifier and the queue come in as ports.
The order of a submission is the law's: the attachments and the document are stored first, DataDoreczenia is
the moment the document is durably stored, only then is the UPP made, sealed and stored, and only then is the
submission recorded and queued for registration.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.core.errors import BadRequest, Conflict, NotFound, Unprocessable
from chalicelib.core.observability import logger
from chalicelib.services.catalogue import logic as catalogue_logic
from chalicelib.services.catalogue.logic import CatalogueReader
from chalicelib.services.catalogue.schemas import FILE_TYPES, ServiceDefinition
from chalicelib.services.submissions.schemas import (
    Applicant,
    AttachmentStatus,
    AttachmentView,
    DraftIn,
    DraftView,
    RegistrationMessage,
    StoredAttachment,
    StoredFile,
    Submission,
    SubmissionIn,
    SubmissionRecord,
    SubmissionStatus,
    UploadRequest,
    UploadSlot,
)
from chalicelib.services.tenants.schemas import TenantConfig

if TYPE_CHECKING:
    from lxml import etree

    from chalicelib.forms.compiler import FormData
    from chalicelib.signatures.report import VerificationReport

UPLOAD_SECONDS = 15 * 60
QUARANTINE_DAYS = 1
RELEASED_DAYS = 7
DRAFT_DAYS = 30
DOWNLOAD_SECONDS = 5 * 60
REQUEUE_AFTER = timedelta(minutes=1)
# Submission ids come from (owner, Idempotency-Key): the same key twice is the same submission.
_ID_NAMESPACE = uuid.UUID("6f1d1f0e-5a4b-4d39-9a57-0d7c3e0b8a21")


# --- ports ---------------------------------------------------------------------------------------------

class Objects(Protocol):
    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> str | None: ...

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str) -> str | None: ...

    def presigned_post(self, bucket: str, key: str, *, content_type: str, max_bytes: int,
                       metadata: dict[str, str], expires: int) -> dict[str, Any]: ...

    def presigned_get(self, bucket: str, key: str, *, version_id: str | None, filename: str, content_type: str,
                      expires: int) -> str: ...


class AttachmentStore(Protocol):
    def create(self, owner: str, view: AttachmentView, *, expires: datetime, created_at: datetime) -> None: ...

    def get(self, owner: str, attachment_id: str) -> AttachmentView | None: ...

    def many(self, owner: str, ids: list[str]) -> dict[str, AttachmentView]: ...


class DraftStore(Protocol):
    def put(self, owner: str, draft: DraftView) -> None: ...

    def get(self, owner: str, draft_id: str) -> DraftView | None: ...

    def delete(self, owner: str, draft_id: str) -> None: ...

    def list(self, owner: str) -> list[DraftView]: ...


class SubmissionStore(Protocol):
    def get(self, owner: str, submission_id: str) -> Submission | None: ...

    def create(self, submission: Submission) -> bool: ...

    def mark_unqueued(self, owner: str, submission_id: str) -> None: ...

    def list(self, owner: str) -> list[Submission]: ...


class Publisher(Protocol):
    def publish(self, key: str, message: Any) -> str: ...


@dataclass(frozen=True)
class Ports:
    catalogue: CatalogueReader
    objects: Objects
    attachments: AttachmentStore
    submissions: SubmissionStore
    drafts: DraftStore
    publisher: Publisher
    seal: Callable[[etree._Element, datetime], bytes]
    verify: Callable[[bytes], Any]  # -> VerificationReport | Unreadable
    now: Callable[[], datetime]


# --- keys ----------------------------------------------------------------------------------------------

def quarantine_key(terc: str, attachment_id: str) -> str:
    return f"quarantine/{terc}/{attachment_id}"


def released_key(terc: str, attachment_id: str) -> str:
    return f"released/{terc}/{attachment_id}"


def submission_prefix(terc: str, submission_id: str) -> str:
    """Where one attempt at a submission stores its files. Each attempt has its own folder, so a request that
    loses a race on the same Idempotency-Key never writes over the files the winner's receipt speaks of."""
    return f"submissions/{terc}/{submission_id}/{uuid.uuid4().hex[:12]}/"


def submission_id(owner: str, idempotency_key: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, f"{owner}\n{idempotency_key}").hex


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the service as the JST offers it --------------------------------------------------------------------

@dataclass(frozen=True)
class Offer:
    tenant: TenantConfig
    definition: ServiceDefinition


def offer(catalogue: CatalogueReader, tenant: TenantConfig, service: str, version: int | None = None) -> Offer:
    """The service `tenant` offers, in `version` (default: the latest); 404 when not offered."""
    catalogue_logic.tenant_service(catalogue, tenant, service)  # refuses a service the JST does not offer
    return Offer(tenant=tenant, definition=catalogue_logic.require(catalogue, service, version))


# --- attachments ---------------------------------------------------------------------------------------

def upload_slot(ports: Ports, *, owner: str, where: Offer, request: UploadRequest) -> UploadSlot:
    rules = where.definition.attachment_rules
    details = []
    if request.content_type not in rules.types:
        allowed = ", ".join(FILE_TYPES[t] for t in rules.types)
        details.append({"field": "content_type", "code": "attachment_type_forbidden",
                        "message": f"Niedozwolony typ pliku. Dozwolone: {allowed}."})
    if request.size > rules.max_file_bytes:
        details.append({"field": "size", "code": "attachment_too_large",
                        "message": f"Plik jest za duży: dozwolone najwyżej {_mib(rules.max_file_bytes)}."})
    if details:
        raise Unprocessable("Załącznik nie spełnia wymagań usługi.", code="attachment_refused", details=details)
    attachment_id = uuid.uuid4().hex
    now = ports.now()
    view = AttachmentView(attachment_id=attachment_id, terc=where.tenant.terc, service=where.definition.id,
                          filename=request.filename, content_type=request.content_type,
                          status=AttachmentStatus.OCZEKUJE)
    ports.attachments.create(owner, view, expires=now + timedelta(days=QUARANTINE_DAYS), created_at=now)
    # S3 enforces type, size and owner at upload; the worker checks the content itself afterwards.
    post = ports.objects.presigned_post(
        "uploads", quarantine_key(where.tenant.terc, attachment_id), content_type=request.content_type,
        max_bytes=rules.max_file_bytes, metadata={"owner": owner_tag(owner)}, expires=UPLOAD_SECONDS)
    return UploadSlot(attachment_id=attachment_id, status=view.status, upload=post,
                      expires_at=now + timedelta(seconds=UPLOAD_SECONDS), max_bytes=rules.max_file_bytes)


def owner_tag(owner: str) -> str:
    """The owner as S3 metadata (ASCII only): URL-safe base64 of the subject."""
    return base64.urlsafe_b64encode(owner.encode()).decode().rstrip("=")


def owner_from_tag(tag: str) -> str:
    return base64.urlsafe_b64decode(tag + "=" * (-len(tag) % 4)).decode()


def _mib(size: int) -> str:
    """A size limit as people read it, never rounded up: 10 MiB, 1,5 MiB, 512 KiB."""
    if size < 1024 * 1024:
        return f"{size // 1024} KiB"
    mib = int(size * 10 / (1024 * 1024)) / 10
    return f"{mib:g} MiB".replace(".", ",")


@dataclass(frozen=True)
class Screening:
    """The worker's verdict on an uploaded file."""

    released: bool
    reason: str | None
    sha256: str
    size: int


def screen(content: bytes, *, declared_type: str, rules_types: Iterable[str], max_bytes: int,
           sniff: Callable[[bytes], str | None],
           policy: Callable[[bytes, str], str | None] = lambda content, kind: None) -> Screening:
    """`sniff` names the file's true type; `policy` says why that type's content policy refuses it (or None)."""
    size, digest = len(content), _sha256(content)
    if size > max_bytes:
        return Screening(False, f"Plik jest za duży ({size} B, dozwolone {max_bytes} B).", digest, size)
    actual = sniff(content)
    if actual is None:
        return Screening(False, "Zawartość pliku nie jest żadnym z dozwolonych typów.", digest, size)
    if actual != declared_type:
        return Screening(False, f"Zawartość pliku ({FILE_TYPES[actual]}) nie odpowiada zadeklarowanemu typowi "
                                f"({FILE_TYPES.get(declared_type, declared_type)}).", digest, size)
    if actual not in rules_types:
        return Screening(False, f"Typ {FILE_TYPES[actual]} nie jest dozwolony w tej usłudze.", digest, size)
    refused = policy(content, actual)
    if refused is not None:
        return Screening(False, refused, digest, size)
    return Screening(True, None, digest, size)


def _released(ports: Ports, owner: str, form: FormData, where: Offer) -> list[AttachmentView]:
    """The attachments the form names, each released, of this resident, JST and service, within the rules."""
    found = ports.attachments.many(owner, [f.attachment_id for f in form.files])
    rules = where.definition.attachment_rules
    details: list[dict[str, str]] = []
    chosen: list[AttachmentView] = []
    for ref in form.files:
        path = f"data.{ref.field}"
        att = found.get(ref.attachment_id)
        if att is None or att.terc != where.tenant.terc or att.service != where.definition.id:
            details.append({"field": path, "code": "attachment_not_found",
                            "message": "Nie ma takiego załącznika przesłanego do tej usługi."})
        elif att.status is AttachmentStatus.ODRZUCONY:
            details.append({"field": path, "code": "attachment_rejected",
                            "message": f"Załącznik został odrzucony: {att.reason}"})
        elif att.status is not AttachmentStatus.PRZYJETY:
            details.append({"field": path, "code": "attachment_not_released",
                            "message": "Załącznik nie został jeszcze sprawdzony; spróbuj za chwilę."})
        elif att.content_type not in rules.types:
            details.append({"field": path, "code": "attachment_type_forbidden",
                            "message": f"Typ {FILE_TYPES[att.content_type]} nie jest dozwolony w tej usłudze."})
        else:
            chosen.append(att)
    ids = [ref.attachment_id for ref in form.files]
    if len(set(ids)) != len(ids):
        details.append({"field": "data", "code": "attachment_repeated",
                        "message": "Ten sam załącznik wskazano w formularzu więcej niż raz."})
    if len(ids) > rules.max_files:
        details.append({"field": "data", "code": "too_many_attachments",
                        "message": f"Za dużo załączników: dozwolone najwyżej {rules.max_files}."})
    if sum(a.size or 0 for a in chosen) > rules.max_total_bytes:
        details.append({"field": "data", "code": "attachments_too_large",
                        "message": f"Załączniki razem przekraczają {_mib(rules.max_total_bytes)}."})
    if details:
        raise Unprocessable("Załączniki nie spełniają wymagań.", code="attachments_invalid", details=details)
    return chosen


# --- drafts --------------------------------------------------------------------------------------------

def save_draft(ports: Ports, *, owner: str, where: Offer, draft_id: str | None, body: DraftIn) -> DraftView:
    now = ports.now()
    if len(json.dumps(body.data)) > 256 * 1024:
        raise Unprocessable(details=[{"field": "data", "code": "draft_too_large",
                                      "message": "Wersja robocza jest za duża (najwyżej 256 KiB)."}])
    draft = DraftView(draft_id=draft_id or uuid.uuid4().hex, terc=where.tenant.terc, service=where.definition.id,
                      form_version=where.definition.version, data=body.data, updated_at=now,
                      expires_at=now + timedelta(days=DRAFT_DAYS))
    ports.drafts.put(owner, draft)
    return draft


def my_drafts(ports: Ports, owner: str) -> list[DraftView]:
    """The resident's drafts, newest first; expired ones are gone even before DynamoDB's TTL removes them."""
    now = ports.now()
    return [d for d in ports.drafts.list(owner) if d.expires_at > now]


def require_draft(ports: Ports, owner: str, draft_id: str) -> DraftView:
    draft = ports.drafts.get(owner, draft_id)
    if draft is None or draft.expires_at <= ports.now():
        raise NotFound("Nie ma takiej wersji roboczej (mogła wygasnąć).", code="draft_not_found")
    return draft


# --- submission ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Accepted:
    submission: Submission
    replayed: bool


def request_fingerprint(terc: str, service: str, payload: bytes) -> str:
    return _sha256(f"{terc}\n{service}\n".encode() + payload)


def _replay(ports: Ports, existing: Submission, fingerprint: str) -> Accepted:
    if existing.request_sha256 != fingerprint:
        raise Conflict("Ten klucz Idempotency-Key użyto już dla innego wniosku.", code="idempotency_key_reused",
                       details=[{"field": "Idempotency-Key", "code": "idempotency_key_reused",
                                 "message": "Użyj nowego klucza dla nowego wniosku."}])
    if existing.status is SubmissionStatus.PRZYJETE and ports.now() - existing.delivered_at > REQUEUE_AFTER:
        # The first attempt may have died between saving and queueing: queue again (registration is idempotent).
        _queue_registration(ports, existing)
    return Accepted(existing, replayed=True)


def _queue_registration(ports: Ports, submission: Submission) -> None:
    """Hand the submission to the registration worker. The submission is already saved and its UPP issued, so
    a failure here must not fail the request: the submission is marked, and the sweeper sends it later."""
    message = RegistrationMessage(submission_id=submission.submission_id, owner=submission.owner,
                                  terc=submission.terc, service=submission.service)
    try:
        ports.publisher.publish("registrations", message)
    except Exception:
        logger.exception("registration message not sent; left for the sweeper",
                         extra={"submission_id": submission.submission_id})
        ports.submissions.mark_unqueued(submission.owner, submission.submission_id)


def _applicant(form: FormData) -> Applicant | None:
    party = form.applicant
    if party is None:
        return None
    return Applicant(kind=party.kind, name=party.name, pesel=party.pesel, nip=party.nip, regon=party.regon)


def submit_form(ports: Ports, *, owner: str, tenant: TenantConfig, service: str, idempotency_key: str,
                body: SubmissionIn) -> Accepted:
    """A form filled in the browser: validate, render the ePUAP document, store, issue the UPP."""
    from chalicelib.documents import wniosek
    from chalicelib.forms.compiler import compile_form

    sid = submission_id(owner, idempotency_key)
    # The request as data, not bytes: a retry that orders keys or spaces the JSON differently is the same request.
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode()
    fingerprint = request_fingerprint(tenant.terc, service, canonical)
    existing = ports.submissions.get(owner, sid)
    if existing is not None:
        return _replay(ports, existing, fingerprint)
    where = offer(ports.catalogue, tenant, service, body.form_version)
    form = compile_form(where.definition).validate(body.data)
    attachments = _released(ports, owner, form, where)
    prefix = submission_prefix(tenant.terc, sid)
    stored_attachments = _store_attachments(ports, tenant.terc, prefix, form, attachments)
    applicant = _applicant(form)
    by_id = {a.attachment_id: a for a in attachments}
    root = wniosek.render(defn=where.definition, tenant=tenant, values=form.values, sender=form.applicant,
                          attachments=[_ref(f.field, by_id[f.attachment_id]) for f in form.files], document_id=sid,
                          created_at=ports.now())
    document = wniosek.to_bytes(root)
    accepted = _accept(ports, owner=owner, sid=sid, prefix=prefix, where=where, fingerprint=fingerprint,
                       document=document,
                       attachments=stored_attachments, applicant=applicant, email=form.email, signer=None, flags=[])
    if body.draft_id:
        ports.drafts.delete(owner, body.draft_id)
    return accepted


def document_to_sign(ports: Ports, *, owner: str, where: Offer, body: SubmissionIn) -> bytes:
    """The ePUAP document for the resident to sign themselves (then submitted as signed XML)."""
    from chalicelib.documents import wniosek
    from chalicelib.forms.compiler import compile_form

    form = compile_form(where.definition).validate(body.data)
    by_id = {a.attachment_id: a for a in _released(ports, owner, form, where)}
    refs = [_ref(f.field, by_id[f.attachment_id]) for f in form.files]
    root = wniosek.render(defn=where.definition, tenant=where.tenant, values=form.values, sender=form.applicant,
                          attachments=refs, document_id=uuid.uuid4().hex, created_at=ports.now())
    return wniosek.to_bytes(root)


def submit_signed(ports: Ports, *, owner: str, tenant: TenantConfig, service: str, idempotency_key: str,
                  signed: bytes) -> Accepted:
    """A document the resident signed (XAdES): verified, read back, validated, stored exactly as signed."""
    from lxml import etree

    from chalicelib.documents import wniosek
    from chalicelib.forms.compiler import compile_form

    sid = submission_id(owner, idempotency_key)
    fingerprint = request_fingerprint(tenant.terc, service, signed)
    existing = ports.submissions.get(owner, sid)
    if existing is not None:
        return _replay(ports, existing, fingerprint)
    report = _verified(ports.verify(signed))
    signature = report.signature
    content = next((c for c in signature.signed_content if c.xml), None)
    if content is None or content.xml is None:
        raise Unprocessable("Podpis nie obejmuje dokumentu wniosku.", code="document_not_signed")
    try:
        read = wniosek.read(etree.fromstring(content.xml.encode()))
    except wniosek.DocumentError as exc:
        raise Unprocessable(exc.message, code=exc.code) from exc
    if (read.service, read.terc) != (service, tenant.terc):
        raise Unprocessable(
            f"Podpisany dokument dotyczy usługi „{read.service}” w jednostce {read.terc}, "
            f"a został złożony do „{service}” w jednostce {tenant.terc}.", code="document_mismatch")
    where = offer(ports.catalogue, tenant, service, read.version)
    form = compile_form(where.definition).validate(read.values)
    attachments = _released(ports, owner, form, where)
    _same_digests(read.digests, attachments)
    prefix = submission_prefix(tenant.terc, sid)
    stored_attachments = _store_attachments(ports, tenant.terc, prefix, form, attachments)
    applicant = _applicant(form)
    signer = signature.signer
    flags = []
    if applicant is not None and applicant.pesel and (signer is None or signer.pesel != applicant.pesel):
        flags.append("signer_not_applicant")  # accepted, but the clerk must look (DOMAIN: PESEL must match)
    signed_by = {**(signer.model_dump(mode="json", exclude_none=True) if signer else {}),
                 "signing_time": signature.signing_time.isoformat() if signature.signing_time else None}
    return _accept(ports, owner=owner, sid=sid, prefix=prefix, where=where, fingerprint=fingerprint,
                   document=signed, attachments=stored_attachments, applicant=applicant, email=form.email,
                   signer=signed_by, flags=flags)


def _verified(result: Any) -> VerificationReport:
    from chalicelib.signatures.report import Verdict

    code = getattr(result, "code", None)
    if code is not None and not hasattr(result, "verdict"):  # unreadable XML
        raise (BadRequest if code == "xml_malformed" else Unprocessable)(result.message, code=code)
    if result.verdict is not Verdict.VALID:
        reasons = [{"field": "", "code": r.code, "message": r.message}
                   for s in result.signatures for r in s.reasons if r.severity != "warning"]
        raise Unprocessable("Podpis dokumentu jest nieprawidłowy albo niezaufany; wniosku nie przyjęto.",
                            code="signature_not_accepted", details=reasons,
                            extra={"report": result.model_dump(mode="json")})
    return result  # type: ignore[no-any-return]


def _same_digests(digests: dict[str, str], attachments: list[AttachmentView]) -> None:
    """The signed document binds each attachment by its digest: the stored file must be that file."""
    for att in attachments:
        if digests.get(att.attachment_id) != att.sha256:
            raise Unprocessable("Podpisany dokument wskazuje załącznik o innej treści niż przesłany.",
                                code="attachment_digest_mismatch")


def _ref(field: str, att: AttachmentView) -> Any:
    """How the document names an attachment: file name, type, size and SHA-256 of the released content."""
    from chalicelib.documents import wniosek

    return wniosek.AttachmentRef(attachment_id=att.attachment_id, field=field, filename=att.filename,
                                 content_type=att.content_type, size=att.size or 0,
                                 sha256=bytes.fromhex(att.sha256 or ""))


def _store_attachments(ports: Ports, terc: str, prefix: str, form: FormData,
                       attachments: list[AttachmentView]) -> list[StoredAttachment]:
    """Copy each released file into the submission's own place in the documents bucket."""
    by_id = {a.attachment_id: a for a in attachments}
    stored = []
    for ref in form.files:
        att = by_id[ref.attachment_id]
        key = f"{prefix}attachments/{att.attachment_id}"
        version = ports.objects.copy("uploads", released_key(terc, att.attachment_id), "documents", key)
        stored.append(StoredAttachment(key=key, version_id=version, sha256=att.sha256 or "", size=att.size or 0,
                                       content_type=att.content_type, filename=att.filename,
                                       attachment_id=att.attachment_id, field=ref.field))
    return stored


def _accept(ports: Ports, *, owner: str, sid: str, prefix: str, where: Offer, fingerprint: str, document: bytes,
            attachments: list[StoredAttachment], applicant: Applicant | None, email: str | None,
            signer: dict[str, Any] | None, flags: list[str]) -> Accepted:
    from chalicelib.documents import upp

    terc = where.tenant.terc
    doc_name = f"wniosek-{where.definition.id}-{sid[:8]}.xml"
    doc_version = ports.objects.put("documents", prefix + "document.xml", document, "application/xml")
    delivered_at = ports.now()  # DataDoreczenia: S3 has acknowledged the document
    receipt_id = f"UPP-{sid}"
    sender_id, sender_type = _sender_identifier(applicant, owner)
    receipt = upp.Receipt(
        receipt_id=receipt_id, office_name=where.tenant.office_name, office_id=terc, office_id_type="TERC",
        office_address=_address(where.tenant), sender_name=applicant.name if applicant else owner,
        sender_id=sender_id, sender_id_type=sender_type, delivered_at=delivered_at, issued_at=ports.now(),
        document_id=sid, document_filename=doc_name, document_sha256=hashlib.sha256(document).digest(),
        information=f"Wniosek „{where.definition.name}” (formularz w wersji {where.definition.version}) "
                    f"został zapisany w systemie teleinformatycznym urzędu.",
    )
    sealed = ports.seal(upp.build(receipt), receipt.issued_at)
    upp_version = ports.objects.put("documents", prefix + "upp.xml", sealed, "application/xml")
    record = SubmissionRecord(
        document=StoredFile(key=prefix + "document.xml", version_id=doc_version, sha256=_sha256(document),
                            size=len(document), content_type="application/xml", filename=doc_name),
        upp=StoredFile(key=prefix + "upp.xml", version_id=upp_version, sha256=_sha256(sealed), size=len(sealed),
                       content_type="application/xml", filename=f"UPP-{sid[:8]}.xml"),
        receipt_id=receipt_id, attachments=attachments, applicant=applicant, email=email,
        service_name=where.definition.name, office_name=where.tenant.office_name, signer=signer,
    )
    submission = Submission(submission_id=sid, owner=owner, terc=terc, service=where.definition.id,
                            form_version=where.definition.version, request_sha256=fingerprint,
                            delivered_at=delivered_at, record=record, signed=signer is not None, flags=flags)
    if not ports.submissions.create(submission):
        # A concurrent request with the same key won; its receipt is the one that counts.
        winner = ports.submissions.get(owner, sid)
        if winner is None:
            raise Conflict("Wniosek jest właśnie przyjmowany; spróbuj ponownie.", code="submission_in_progress")
        return _replay(ports, winner, fingerprint)
    _queue_registration(ports, submission)
    return Accepted(submission, replayed=False)


def _sender_identifier(applicant: Applicant | None, owner: str) -> tuple[str, str]:
    if applicant is not None and applicant.pesel:
        return applicant.pesel, "PESEL"
    if applicant is not None and applicant.nip:
        return applicant.nip, "NIP"
    return owner, "IdKonta"


def _address(tenant: TenantConfig) -> str:
    a = tenant.address
    return f"{a.street} {a.building}, {a.postal_code} {a.city}"


# --- views ---------------------------------------------------------------------------------------------

def require_submission(store: SubmissionStore, owner: str, submission_id: str) -> Submission:
    found = store.get(owner, submission_id)
    if found is None:
        raise NotFound("Nie ma takiego wniosku.", code="submission_not_found")
    return found


def view(submission: Submission, base: str = "/v1/me/submissions") -> dict[str, Any]:
    s = submission
    link = f"{base}/{s.submission_id}"
    return {
        "submission_id": s.submission_id,
        "terc": s.terc,
        "service": s.service,
        "service_name": s.record.service_name,
        "office_name": s.record.office_name,
        "form_version": s.form_version,
        "status": s.status.value,
        "delivered_at": s.delivered_at.isoformat(),
        "receipt_id": s.record.receipt_id,
        "case_sign": s.case_sign,
        "department": s.department,
        "due_date": s.due_date,
        "registered_at": s.registered_at.isoformat() if s.registered_at else None,
        "signed": s.signed,
        "flags": s.flags,
        "signer": s.record.signer,  # who signed a self-signed document, and when (SigningTime)
        "document_sha256": s.record.document.sha256,
        "attachments": [{"attachment_id": a.attachment_id, "field": a.field, "filename": a.filename,
                         "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
                         "href": f"{link}/attachments/{a.attachment_id}"} for a in s.record.attachments],
        "links": {"self": link, "upp": f"{link}/upp", "document": f"{link}/document"},
    }


def download(ports: Ports, submission: Submission, what: str, attachment_id: str | None = None) -> dict[str, Any]:
    """A short-lived link to exactly the stored version of the document, the UPP or one attachment."""
    stored: StoredFile
    if what == "document":
        stored = submission.record.document
    elif what == "upp":
        stored = submission.record.upp
    else:
        found = next((a for a in submission.record.attachments if a.attachment_id == attachment_id), None)
        if found is None:
            raise NotFound("Wniosek nie ma takiego załącznika.", code="attachment_not_found")
        stored = found
    url = ports.objects.presigned_get("documents", stored.key, version_id=stored.version_id,
                                      filename=stored.filename, content_type=stored.content_type,
                                      expires=DOWNLOAD_SECONDS)
    return {"url": url, "expires_at": (ports.now() + timedelta(seconds=DOWNLOAD_SECONDS)).isoformat(),
            "filename": stored.filename, "sha256": stored.sha256, "size": stored.size}
