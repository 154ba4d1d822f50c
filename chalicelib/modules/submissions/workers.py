"""The attachment check: every file a resident uploads waits in quarantine until its content is checked.

S3 queues a notification for each new object under quarantine/; this worker reads the file, checks its real
type (by content) and size against the service's rules, and releases it (released/) or rejects it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from chalice.app import Blueprint

from chalicelib.core import metering
from chalicelib.core.batch import process_sqs
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.integrations.clients import objects
from chalicelib.integrations.objects import Changed
from chalicelib.model.service import MiB
from chalicelib.modules import catalogue
from chalicelib.modules.submissions import logic
from chalicelib.modules.submissions.models import AttachmentStatus
from chalicelib.modules.submissions.wiring import attachments
from chalicelib.resources import QUARANTINE, queue_name

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

bp = Blueprint(__name__)
READ_LIMIT = 100 * MiB  # the largest any service's rules allow; S3's upload policy enforces the service's own
SECOND_UPLOAD = ("Do tego zgłoszenia przesłano więcej niż jeden plik, a każde przyjmuje tylko jeden. "
                 "Utwórz nowe zgłoszenie załącznika i prześlij plik ponownie.")


def screen_upload(key: str, etag: str | None = None) -> str:
    """Check one quarantined object (`etag`: the upload S3's notice speaks of); returns what became of it.

    What is released is exactly what was read and checked: the copy to released/ is conditional on the ETag
    read, and the slot is bound to that one upload first, so a second upload to the same presigned POST (it
    stays usable for 15 minutes) is never released, even if it lands while the first is being checked.
    """
    from botocore.exceptions import ClientError

    from chalicelib.documents.filetypes import refusal, sniff

    parts = key.split("/")
    if len(parts) != 3 or f"{parts[0]}/" != QUARANTINE:
        return "ignored"
    _, terc, attachment_id = parts
    try:
        obj = objects().get("uploads", key, max_bytes=READ_LIMIT)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return "gone"  # already settled and removed by an earlier delivery
        raise
    try:  # only our presigned POST can write here, and its policy fixes the owner tag
        owner = logic.owner_from_tag(obj.metadata["owner"])
    except (KeyError, ValueError):
        objects().delete("uploads", key)
        return "unknown"
    att = attachments().get(owner, attachment_id) if owner else None
    usage = metering.current()
    if usage is not None:
        usage.attribute(tenant=terc, module="submissions", service=att.service if att else None)
    bind(tenant=terc, service=att.service if att else None, attachment_id=attachment_id)
    if att is None or att.terc != terc:
        objects().delete("uploads", key)
        return "unknown"
    if att.status is not AttachmentStatus.OCZEKUJE:
        objects().delete("uploads", key)  # a later upload to a used slot: never checked, never released
        return "settled"
    now = get_clock().now()
    verdict: logic.Screening | None = None
    # The notice names one upload; another object under the key means the slot got a second file.
    if (etag and _bare(etag) != _bare(obj.etag)) or not attachments().claim(owner, attachment_id, _bare(obj.etag)):
        verdict = _second_upload(obj.body)
    else:
        defn = catalogue.definitions().get(att.service)
        rules = defn.attachment_rules if defn else None
        verdict = logic.screen(obj.body, declared_type=att.content_type, rules_types=rules.types if rules else (),
                               max_bytes=rules.max_file_bytes if rules else 0, sniff=sniff,
                               policy=refusal)
        if verdict.released:
            try:
                objects().copy("uploads", key, "uploads", logic.released_key(terc, attachment_id), if_match=obj.etag)
            except Changed:  # overwritten while it was being checked: what is there now was never checked
                verdict = _second_upload(obj.body)
    attachments().settle(owner, attachment_id, released=verdict.released, reason=verdict.reason, size=verdict.size,
                         sha256=verdict.sha256, at=now,
                         expires=now + timedelta(days=logic.RELEASED_DAYS if verdict.released else 1))
    objects().delete("uploads", key)
    logger.info("attachment screened", extra={"released": verdict.released, "reason": verdict.reason})
    return "released" if verdict.released else "rejected"


def _second_upload(content: bytes) -> logic.Screening:
    return logic.Screening(False, SECOND_UPLOAD, hashlib.sha256(content).hexdigest(), len(content))


def _bare(etag: str) -> str:
    return etag.strip('"')


def handle_upload_notice(record: SQSRecord) -> None:
    body = json.loads(record.body)
    for entry in body.get("Records", []):  # S3's test event on configuration has no records
        if str(entry.get("eventName", "")).startswith("ObjectCreated"):
            noticed = entry["s3"]["object"]
            screen_upload(unquote_plus(noticed["key"]), noticed.get("eTag"))


@bp.on_sqs_message(queue=queue_name("attachment-uploads"), batch_size=10)
def attachment_uploads(event: Any) -> PartialItemFailureResponse:
    return process_sqs(event, handle_upload_notice)
