"""e-wniosek rules: the ports, upload slots and the quarantine verdict, drafts, the resident's views.

No Chalice, no boto3: the stores, the object storage, the seal, the verifier and the queue come in as ports.
The submission itself (claim, store, seal, record) is `intake`; a self-signed document's checks are `signed`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.core.errors import NotFound, Unprocessable
from chalicelib.model.service import FILE_TYPES, ServiceDefinition
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.catalogue import logic as catalogue_logic
from chalicelib.modules.catalogue.logic import CatalogueReader
from chalicelib.modules.submissions.models import (
    AttachmentStatus,
    AttachmentView,
    DraftIn,
    DraftView,
    StoredFile,
    Submission,
    UploadRequest,
    UploadSlot,
)

if TYPE_CHECKING:
    from lxml import etree

    from chalicelib.forms.compiler import FormData
    from chalicelib.modules.submissions.intake import Attempt, Holder

UPLOAD_SECONDS = 15 * 60
QUARANTINE_DAYS = 1
RELEASED_DAYS = 7
DRAFT_DAYS = 30
DOWNLOAD_SECONDS = 5 * 60
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

    def begin(self, attempt: Attempt, *, now: datetime) -> Holder | None:
        """Claim the attempt's key (and document) unless another live attempt or a submission holds it."""

    def create(self, submission: Submission, attempt: Attempt) -> bool:
        """In one write: the submission, its outbox marker, the attempt's claims completed. False: claim lost."""

    def abandon(self, attempt: Attempt, *, now: datetime) -> None:
        """End the attempt's lease now (it failed): the key may be claimed again, its files are swept."""

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
    sleep: Callable[[float], None] = time.sleep


# --- keys ----------------------------------------------------------------------------------------------

def quarantine_key(terc: str, attachment_id: str) -> str:
    return f"quarantine/{terc}/{attachment_id}"


def released_key(terc: str, attachment_id: str) -> str:
    return f"released/{terc}/{attachment_id}"


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


def released_attachments(ports: Ports, owner: str, form: FormData, where: Offer) -> list[AttachmentView]:
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
