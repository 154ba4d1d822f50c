"""e-wniosek's ports, the submission's id and the service as the JST offers it.

No Chalice, no boto3: the stores, the object storage, the seal, the verifier and the queue come in as ports.
Attachments are `attachments`, drafts `drafts`, the resident's views `views`; the submission itself (one pipeline:
check, claim, store, seal, record) is `intake`, fed by a reader per way in (`forms` for the form, `signed` for a
document the resident signed).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.core.errors import BadRequest, Unprocessable
from chalicelib.model.service import ServiceDefinition
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules import catalogue as catalogue_module
from chalicelib.modules.catalogue import CatalogueReader
from chalicelib.modules.submissions.models import AttachmentView, DraftView, IdempotencyKey, Submission

if TYPE_CHECKING:
    from lxml import etree

    from chalicelib.forms.compiler import FormData
    from chalicelib.modules.submissions.intake import Attempt, Holder

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

    def lookup(self, owner: str, submission_id: str,
               attachment_ids: list[str]) -> tuple[Submission | None, dict[str, AttachmentView]]:
        """In one read: the submission under this id (a replay), and the resident's attachments by id."""

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

def submission_id(owner: str, idempotency_key: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, f"{owner}\n{idempotency_key}").hex


def idempotency_key(raw: str | None) -> str:
    """The `Idempotency-Key` header checked: 400 when missing or malformed."""
    from pydantic import TypeAdapter, ValidationError

    field = {"field": "Idempotency-Key", "code": "idempotency_key_missing",
             "message": "Nagłówek Idempotency-Key jest wymagany (8–100 znaków: litery, cyfry, _ . : -)."}
    if not raw:
        raise BadRequest("Brak nagłówka Idempotency-Key.", code="idempotency_key_missing", details=[field])
    try:
        return TypeAdapter(IdempotencyKey).validate_python(raw)
    except ValidationError as exc:
        raise BadRequest("Nieprawidłowy nagłówek Idempotency-Key.", code="idempotency_key_invalid",
                         details=[{**field, "code": "idempotency_key_invalid"}]) from exc


# --- the service as the JST offers it --------------------------------------------------------------------

@dataclass(frozen=True)
class Offer:
    tenant: TenantConfig
    definition: ServiceDefinition


def offer(catalogue: CatalogueReader, tenant: TenantConfig, service: str, version: int | None = None) -> Offer:
    """The service `tenant` offers, in `version` (default: the latest); 404 when not offered."""
    catalogue_module.tenant_service(catalogue, tenant, service)  # refuses a service the JST does not offer
    return Offer(tenant=tenant, definition=catalogue_module.require(catalogue, service, version))


def validated(defn: ServiceDefinition, data: object) -> FormData:
    """The form's data checked against the service's definition, or 422 `form_invalid` with every error."""
    from chalicelib.forms.compiler import FormInvalid, compile_form

    try:
        return compile_form(defn).validate(data)
    except FormInvalid as exc:
        raise Unprocessable("Formularz zawiera błędy.", code="form_invalid", details=exc.details) from None
