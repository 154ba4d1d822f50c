"""The attachment check: every file a resident uploads waits in quarantine until its content is checked.

S3 queues a notification for each new object under quarantine/; this worker reads the file, checks its real
type (by content) and size against the service's rules, and releases it (released/) or rejects it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Rate

from chalicelib import events
from chalicelib.core import metering
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.integrations.clients import objects
from chalicelib.integrations.objects import Changed, StoredObject
from chalicelib.modules import catalogue
from chalicelib.modules.submissions import attachments as slots
from chalicelib.modules.submissions import models, repository, sweeper
from chalicelib.modules.submissions.wiring import attachments, submissions
from chalicelib.resources import QUARANTINE

if TYPE_CHECKING:
    from chalicelib.events.topics import UploadNotice

bp = Blueprint(__name__)
# 100 MiB, the largest any service's rules allow; S3's upload policy enforces the service's own.
READ_LIMIT = 100 * 1024 * 1024
SECOND_UPLOAD = ("Do tego zgłoszenia przesłano więcej niż jeden plik, a każde przyjmuje tylko jeden. "
                 "Utwórz nowe zgłoszenie załącznika i prześlij plik ponownie.")


def screen_upload(key: str, etag: str | None = None) -> str:
    """Check one quarantined object (`etag`: the upload S3's notice speaks of); returns what became of it.

    What is released is exactly what was read and checked: the copy to released/ is conditional on the ETag
    read, and the slot is bound to that one upload first, so a second upload to the same presigned POST (it
    stays usable for 15 minutes) is never released, even if it lands while the first is being checked.
    """
    parts = key.split("/")
    if len(parts) != 3 or f"{parts[0]}/" != QUARANTINE:
        return "ignored"
    _, terc, attachment_id = parts
    obj = _read(key)
    if obj is None:
        return "gone"  # already settled and removed by an earlier delivery
    try:  # only our presigned POST can write here, and its policy fixes the owner tag
        owner = slots.owner_from_tag(obj.metadata["owner"])
    except (KeyError, ValueError):
        objects().delete("uploads", key)
        return "unknown"
    att = attachments().get(owner, attachment_id) if owner else None
    _attribute(terc, att.service if att else None, attachment_id)
    if att is None or att.terc != terc:
        objects().delete("uploads", key)
        return "unknown"
    if att.status is not models.AttachmentStatus.OCZEKUJE:
        objects().delete("uploads", key)  # a later upload to a used slot: never checked, never released
        return "settled"
    now = get_clock().now()
    verdict = _verdict(key, obj, etag, owner=owner, att=att, attachment_id=attachment_id)
    attachments().settle(owner, attachment_id, released=verdict.released, reason=verdict.reason, size=verdict.size,
                         sha256=verdict.sha256, at=now,
                         expires=now + timedelta(days=slots.RELEASED_DAYS if verdict.released else 1))
    objects().delete("uploads", key)
    logger.info("attachment screened", extra={"released": verdict.released, "reason": verdict.reason})
    return "released" if verdict.released else "rejected"


def _read(key: str) -> StoredObject | None:
    from botocore.exceptions import ClientError

    try:
        return objects().get("uploads", key, max_bytes=READ_LIMIT)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise


def _attribute(terc: str, service: str | None, attachment_id: str) -> None:
    """The notice names the JST; the attachment names the catalogue service."""
    usage = metering.current()
    if usage is not None:
        usage.attribute(tenant=terc, module="submissions", service=service)
    bind(tenant=terc, service=service, attachment_id=attachment_id)


def _verdict(key: str, obj: StoredObject, etag: str | None, *, owner: str, att: models.AttachmentView,
             attachment_id: str) -> slots.Screening:
    """Check the content against the service's rules and release it, unless the slot got a second file."""
    from chalicelib.documents.filetypes import refusal, sniff

    # The notice names one upload; another object under the key means the slot got a second file.
    if (etag and _bare(etag) != _bare(obj.etag)) or not attachments().claim(owner, attachment_id, _bare(obj.etag)):
        return _second_upload(obj.body)
    defn = catalogue.definitions().get(att.service)
    rules = defn.attachment_rules if defn else None
    verdict = slots.screen(obj.body, declared_type=att.content_type, rules_types=rules.types if rules else (),
                           max_bytes=rules.max_file_bytes if rules else 0, sniff=sniff, policy=refusal)
    if verdict.released:
        try:
            objects().copy("uploads", key, "uploads", slots.released_key(att.terc, attachment_id), if_match=obj.etag)
        except Changed:  # overwritten while it was being checked: what is there now was never checked
            return _second_upload(obj.body)
    return verdict


def _second_upload(content: bytes) -> slots.Screening:
    return slots.Screening(False, SECOND_UPLOAD, hashlib.sha256(content).hexdigest(), len(content))


def _bare(etag: str) -> str:
    return etag.strip('"')


@events.worker(bp, "UploadNotice", module="submissions")
def attachment_uploads(notice: UploadNotice) -> None:
    for uploaded in notice.objects:
        screen_upload(uploaded.key, uploaded.etag)


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def registration_sweeper(event: Any) -> None:
    """Send every submission still marked for registration that is due; remove what failed attempts stored."""
    swept = sweeper.sweep(store=submissions(), folders=repository.S3Folders(), publisher=None, now=get_clock().now())
    if swept.sent or swept.removed:
        logger.warning("sweeper: registrations sent again, failed attempts' files removed",
                       extra={"sent": swept.sent, "removed": swept.removed, "claims": swept.claims})
