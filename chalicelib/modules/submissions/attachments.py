"""Attachments: the upload slot (a presigned POST straight to S3's quarantine), the check's verdict on the content,
and which released files a submission may name.

No Chalice, no boto3.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.core.errors import Unprocessable
from chalicelib.model.service import FILE_TYPES
from chalicelib.modules.submissions.models import AttachmentStatus, AttachmentView, UploadRequest, UploadSlot

if TYPE_CHECKING:
    from chalicelib.forms.compiler import FormData
    from chalicelib.modules.submissions.logic import Offer, Ports

UPLOAD_SECONDS = 15 * 60
QUARANTINE_DAYS = 1
RELEASED_DAYS = 7


def quarantine_key(terc: str, attachment_id: str) -> str:
    return f"quarantine/{terc}/{attachment_id}"


def released_key(terc: str, attachment_id: str) -> str:
    return f"released/{terc}/{attachment_id}"


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
    size, digest = len(content), hashlib.sha256(content).hexdigest()
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
    return check_released(ports.attachments.many(owner, [f.attachment_id for f in form.files]), form, where)


def check_released(found: dict[str, AttachmentView], form: FormData, where: Offer) -> list[AttachmentView]:
    """Of the resident's attachments `found` by id, those the form names, if each is released, of this JST and
    service, within the rules; else 422 naming every field at fault."""
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
