"""Drafts, attachments and submissions in DynamoDB. Every item is keyed by its owner first, so a resident's
request can only ever reach the resident's own items; clerks reach submissions through the JST's index."""

from __future__ import annotations

import builtins
import contextlib
import json
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core.settings import get_settings
from chalicelib.events.topics import RegistrationMessage
from chalicelib.integrations.aws import client
from chalicelib.modules.submissions import TransactUpdate
from chalicelib.modules.submissions.intake import OUTBOX_AFTER, Holder
from chalicelib.modules.submissions.models import (
    AttachmentStatus,
    AttachmentView,
    DraftView,
    Submission,
    SubmissionRecord,
    SubmissionStatus,
)
from chalicelib.modules.submissions.resources import AttachmentTable, DraftTable, SubmissionClaimTable, SubmissionTable
from chalicelib.modules.submissions.sweeper import Due, ObjectVersion, StaleClaim
from chalicelib.resources import bucket_name

if TYPE_CHECKING:
    from chalicelib.modules.submissions.intake import Attempt

IN_PROGRESS, ACCEPTED = "w_toku", "przyjete"  # a claim's state
OUTBOX = "1"
PENDING = "1"


class DynamoDrafts:
    def put(self, owner: str, draft: DraftView) -> None:
        DraftTable(owner=owner, draft_id=draft.draft_id, terc=draft.terc, service=draft.service,
                   form_version=draft.form_version, data=json.dumps(draft.data, ensure_ascii=False),
                   updated_at=draft.updated_at, expires=draft.expires_at).save()

    def get(self, owner: str, draft_id: str) -> DraftView | None:
        try:
            return _draft(DraftTable.get(owner, draft_id))
        except DraftTable.DoesNotExist:
            return None

    def delete(self, owner: str, draft_id: str) -> None:
        DraftTable(owner=owner, draft_id=draft_id).delete()

    def list(self, owner: str) -> list[DraftView]:
        return sorted((_draft(i) for i in DraftTable.query(owner)), key=lambda d: d.updated_at, reverse=True)


def _draft(item: DraftTable) -> DraftView:
    return DraftView(draft_id=item.draft_id, terc=item.terc, service=item.service,
                     form_version=int(item.form_version), data=json.loads(item.data), updated_at=item.updated_at,
                     expires_at=item.expires)


class DynamoAttachments:
    def create(self, owner: str, view: AttachmentView, *, expires: datetime, created_at: datetime) -> None:
        AttachmentTable(owner=owner, attachment_id=view.attachment_id, terc=view.terc, service=view.service,
                        filename=view.filename, content_type=view.content_type, declared_size=0,
                        status=view.status.value, created_at=created_at, expires=expires).save()

    def get(self, owner: str, attachment_id: str) -> AttachmentView | None:
        try:
            return _attachment(AttachmentTable.get(owner, attachment_id, consistent_read=True))
        except AttachmentTable.DoesNotExist:
            return None

    def many(self, owner: str, ids: list[str]) -> dict[str, AttachmentView]:
        if not ids:
            return {}
        items = AttachmentTable.batch_get([(owner, i) for i in dict.fromkeys(ids)], consistent_read=True)
        return {item.attachment_id: _attachment(item) for item in items}

    def claim(self, owner: str, attachment_id: str, etag: str) -> bool:
        """Bind the waiting slot to one upload (its ETag); False if it is bound to another one or settled.
        A slot accepts one file: whichever upload the check reaches first is the only one it ever screens."""
        item = AttachmentTable(owner=owner, attachment_id=attachment_id)
        try:
            item.update(actions=[AttachmentTable.upload_etag.set(etag)],
                        condition=(AttachmentTable.status == AttachmentStatus.OCZEKUJE.value)
                        & (AttachmentTable.upload_etag.does_not_exist() | (AttachmentTable.upload_etag == etag)))
        except UpdateError:
            return False
        return True

    def settle(self, owner: str, attachment_id: str, *, released: bool, reason: str | None, size: int,
               sha256: str, at: datetime, expires: datetime) -> bool:
        """Record the check's verdict once; False if the file was already settled (a repeated notification)."""
        item = AttachmentTable(owner=owner, attachment_id=attachment_id)
        status = AttachmentStatus.PRZYJETY if released else AttachmentStatus.ODRZUCONY
        actions: list[Action] = [AttachmentTable.status.set(status.value), AttachmentTable.size.set(size),
                   AttachmentTable.sha256.set(sha256), AttachmentTable.checked_at.set(at),
                   AttachmentTable.expires.set(expires)]
        if reason:
            actions.append(AttachmentTable.reason.set(reason))
        try:
            item.update(actions=actions, condition=AttachmentTable.status == AttachmentStatus.OCZEKUJE.value)
        except UpdateError:
            return False
        return True


def _attachment(item: AttachmentTable) -> AttachmentView:
    return AttachmentView(attachment_id=item.attachment_id, terc=item.terc, service=item.service,
                          filename=item.filename, content_type=item.content_type,
                          status=AttachmentStatus(item.status), reason=item.reason,
                          size=int(item.size) if item.size is not None else None, sha256=item.sha256)


class DynamoSubmissions:
    def get(self, owner: str, submission_id: str) -> Submission | None:
        try:
            return _submission(SubmissionTable.get(owner, submission_id, consistent_read=True))
        except SubmissionTable.DoesNotExist:
            return None

    def lookup(self, owner: str, submission_id: str,
               attachment_ids: builtins.list[str]) -> tuple[Submission | None, dict[str, AttachmentView]]:
        """One BatchGetItem over two tables: the submission (the Idempotency-Key already used?) and the attachments
        the request names, both strongly consistent."""
        wanted = {SubmissionTable.Meta.table_name: [{"owner": {"S": owner}, "submission_id": {"S": submission_id}}]}
        if attachment_ids:
            wanted[AttachmentTable.Meta.table_name] = [{"owner": {"S": owner}, "attachment_id": {"S": i}}
                                                       for i in dict.fromkeys(attachment_ids)]
        request = {table: {"Keys": keys, "ConsistentRead": True} for table, keys in wanted.items()}
        found: dict[str, builtins.list[dict[str, Any]]] = {}
        while request:  # at most 1 + 100 keys: one call, unless DynamoDB leaves some keys for a second one
            answer = _connection().dispatch("BatchGetItem", {"RequestItems": request})
            for table, items in answer.get("Responses", {}).items():
                found.setdefault(table, []).extend(items)
            request = answer.get("UnprocessedKeys") or {}
        submissions = found.get(SubmissionTable.Meta.table_name, [])
        attachments = (_attachment(AttachmentTable.from_raw_data(i))
                       for i in found.get(AttachmentTable.Meta.table_name, []))
        return (_submission(SubmissionTable.from_raw_data(submissions[0])) if submissions else None,
                {a.attachment_id: a for a in attachments})

    # --- the claims of one attempt (see intake) -----------------------------------------------------------

    def begin(self, attempt: Attempt, *, now: datetime) -> Holder | None:
        """Claim the key (and the document) in one transaction, unless another attempt holds a live claim or a
        submission completed it; then who holds it."""
        claims = [_key_claim(attempt)] + ([_document_claim(attempt)] if attempt.document_id else [])
        free = SubmissionClaimTable.claim.does_not_exist() | (
            (SubmissionClaimTable.state == IN_PROGRESS) & (SubmissionClaimTable.lease_until <= now))
        try:
            with TransactWrite(connection=_connection()) as tx:
                for claim in claims:
                    tx.save(claim, condition=free)
        except TransactWriteError as exc:
            if not _cancelled_by_condition(exc):
                raise
            return self._holder(attempt, now)
        return None

    def _holder(self, attempt: Attempt, now: datetime) -> Holder:
        key = _claim_item(key_claim(attempt.owner, attempt.submission_id))
        if key is not None and key.attempt != attempt.attempt_id and (key.state != IN_PROGRESS
                                                                       or key.lease_until > now):
            return Holder(kind="key", owner=attempt.owner, submission_id=attempt.submission_id,
                          fingerprint=key.fingerprint)
        document = _claim_item(document_claim(attempt.document_id or ""))
        if document is None:  # both freed in the meantime: the caller waits, then answers 409 in progress
            return Holder(kind="key", owner=attempt.owner, submission_id=attempt.submission_id,
                          fingerprint=attempt.fingerprint)
        return Holder(kind="document", owner=document.owner, submission_id=document.submission_id, fingerprint=None)

    def create(self, submission: Submission, attempt: Attempt) -> bool:
        """The submission with its outbox marker, and the attempt's claims completed: one transaction. False if
        the attempt no longer holds its claims (its lease ran out and another attempt took them)."""
        s = submission
        item = SubmissionTable(
            owner=s.owner, submission_id=s.submission_id, terc=s.terc, service=s.service,
            form_version=s.form_version, request_sha256=s.request_sha256, delivered_at=s.delivered_at,
            record=s.record.model_dump_json(), status=s.status.value, signed=s.signed,
            flags=json.dumps(s.flags) if s.flags else None, department=s.department,
            outbox=OUTBOX, outbox_at=s.delivered_at + OUTBOX_AFTER, outbox_sends=0,
        )
        held = SubmissionClaimTable.attempt == attempt.attempt_id
        done: builtins.list[Action] = [SubmissionClaimTable.state.set(ACCEPTED)]
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.save(item, condition=SubmissionTable.submission_id.does_not_exist())
                tx.update(_key_claim(attempt), actions=done, condition=held)
                if attempt.document_id:
                    tx.update(_document_claim(attempt), actions=done, condition=held)
        except TransactWriteError as exc:
            if _cancelled_by_condition(exc):
                return False
            raise
        return True

    def abandon(self, attempt: Attempt, *, now: datetime) -> None:
        claims = [_key_claim(attempt)] + ([_document_claim(attempt)] if attempt.document_id else [])
        for claim in claims:
            with contextlib.suppress(UpdateError):  # taken over already: nothing of this attempt's to end
                claim.update(actions=[SubmissionClaimTable.lease_until.set(now)],
                             condition=(SubmissionClaimTable.attempt == attempt.attempt_id)
                             & (SubmissionClaimTable.state == IN_PROGRESS))

    # --- the sweeper ----------------------------------------------------------------------------------------

    def outbox_due(self, now: datetime, *, limit: int = 500) -> builtins.list[Due]:
        """Marked submissions whose registration is due, oldest first."""
        return [Due(RegistrationMessage(submission_id=i.submission_id, owner=i.owner, terc=i.terc, service=i.service),
                    sends=int(i.outbox_sends or 0))
                for i in SubmissionTable.by_outbox.query(OUTBOX, SubmissionTable.outbox_at <= now, limit=limit)]

    def postpone(self, owner: str, submission_id: str, *, until: datetime, sends: int) -> None:
        with contextlib.suppress(UpdateError):  # registered in the meantime
            SubmissionTable(owner=owner, submission_id=submission_id).update(
                actions=[SubmissionTable.outbox_at.set(until), SubmissionTable.outbox_sends.set(sends)],
                condition=SubmissionTable.outbox.exists())

    def stale_claims(self, before: datetime, *, limit: int = 200) -> builtins.list[StaleClaim]:
        return [StaleClaim(owner=i.owner, submission_id=i.submission_id, terc=i.terc, attempt=i.attempt,
                           lease_until=i.lease_until)
                for i in SubmissionClaimTable.by_pending.query(PENDING, SubmissionClaimTable.lease_until < before,
                                                               limit=limit)]

    def drop_claim(self, claim: StaleClaim) -> bool:
        """Forget a swept key claim, unless another attempt took it since (the submission keeps the key)."""
        try:
            SubmissionClaimTable(claim=key_claim(claim.owner, claim.submission_id)).delete(
                condition=(SubmissionClaimTable.attempt == claim.attempt)
                & (SubmissionClaimTable.lease_until == claim.lease_until))
        except DeleteError:
            return False
        return True

    # --- views ----------------------------------------------------------------------------------------------

    def list(self, owner: str) -> builtins.list[Submission]:
        return sorted((_submission(i) for i in SubmissionTable.query(owner)), key=lambda s: s.delivered_at,
                      reverse=True)

    def mark_notified(self, owner: str, submission_id: str, *, at: datetime) -> bool:
        """Record that the resident was told the case sign; False if that was already recorded."""
        try:
            SubmissionTable(owner=owner, submission_id=submission_id).update(
                actions=[SubmissionTable.notified_at.set(at)],
                condition=SubmissionTable.notified_at.does_not_exist())
        except UpdateError:
            return False
        return True

    def unmark_notified(self, owner: str, submission_id: str) -> None:
        """Give the notice back (the e-mail could not be sent): the next delivery of the message sends it."""
        SubmissionTable(owner=owner, submission_id=submission_id).update(actions=[SubmissionTable.notified_at.remove()])

    def owner_of(self, terc: str, submission_id: str) -> str | None:
        """Who filed `submission_id` with this JST (None if not filed with it)."""
        for item in SubmissionTable.by_tenant.query(terc, SubmissionTable.submission_id == submission_id, limit=1):
            return str(item.owner)
        return None


def registered_update(owner: str, submission_id: str, *, case_sign: str, department: str, due_date: date | None,
                      at: datetime, notify: bool) -> TransactUpdate:
    """The submission marked registered (conditional on it existing, not registered yet), for the case register's
    transaction; its outbox marker goes with it (the sweeper never sends it again) and, with `notify`, the
    resident's notice is taken in the same write."""
    actions: builtins.list[Action] = [
        SubmissionTable.status.set(SubmissionStatus.ZAREJESTROWANA.value), SubmissionTable.case_sign.set(case_sign),
        SubmissionTable.department.set(department), SubmissionTable.registered_at.set(at),
        SubmissionTable.outbox.remove(), SubmissionTable.outbox_at.remove(), SubmissionTable.outbox_sends.remove()]
    if due_date:
        actions.append(SubmissionTable.due_date.set(due_date.isoformat()))
    if notify:
        actions.append(SubmissionTable.notified_at.set(at))
    return TransactUpdate(item=SubmissionTable(owner=owner, submission_id=submission_id), actions=actions,
                          condition=SubmissionTable.submission_id.exists() & SubmissionTable.case_sign.does_not_exist())


def key_claim(owner: str, submission_id: str) -> str:
    return f"K#{owner}#{submission_id}"


def document_claim(document_id: str) -> str:
    return f"D#{document_id}"


def _key_claim(attempt: Attempt) -> SubmissionClaimTable:
    # Only key claims are pending for the sweeper: they lead it to the submission's folder.
    return SubmissionClaimTable(claim=key_claim(attempt.owner, attempt.submission_id), owner=attempt.owner,
                                submission_id=attempt.submission_id, terc=attempt.terc, attempt=attempt.attempt_id,
                                fingerprint=attempt.fingerprint, state=IN_PROGRESS, lease_until=attempt.lease_until,
                                pending=PENDING)


def _document_claim(attempt: Attempt) -> SubmissionClaimTable:
    return SubmissionClaimTable(claim=document_claim(attempt.document_id or ""), owner=attempt.owner,
                                submission_id=attempt.submission_id, terc=attempt.terc, attempt=attempt.attempt_id,
                                state=IN_PROGRESS, lease_until=attempt.lease_until)


def _claim_item(claim: str) -> SubmissionClaimTable | None:
    try:
        return SubmissionClaimTable.get(claim, consistent_read=True)
    except SubmissionClaimTable.DoesNotExist:
        return None


def _cancelled_by_condition(exc: TransactWriteError) -> bool:
    return any(r is not None and r.code == "ConditionalCheckFailed" for r in exc.cancellation_reasons or [])


@lru_cache(maxsize=1)
def _connection() -> Connection:
    return Connection(region=get_settings().region)


class S3Folders:
    """Every stored version under a folder of the documents bucket, and their removal (a versioned bucket keeps
    a deleted object's versions: an orphaned receipt is gone only when its versions are)."""

    def versions(self, prefix: str) -> builtins.list[ObjectVersion]:
        found: builtins.list[ObjectVersion] = []
        pages = client("s3").get_paginator("list_object_versions").paginate(Bucket=bucket_name("documents"),
                                                                            Prefix=prefix)
        for page in pages:
            for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                found.append(ObjectVersion(key=v["Key"], version_id=v.get("VersionId"), modified=v["LastModified"]))
        return found

    def remove(self, versions: builtins.list[ObjectVersion]) -> None:
        for start in range(0, len(versions), 1000):
            chunk = versions[start:start + 1000]
            client("s3").delete_objects(Bucket=bucket_name("documents"), Delete={"Quiet": True, "Objects": [
                {"Key": v.key, **({"VersionId": v.version_id} if v.version_id else {})} for v in chunk]})


def _submission(item: SubmissionTable) -> Submission:
    return Submission(
        submission_id=item.submission_id, owner=item.owner, terc=item.terc, service=item.service,
        form_version=int(item.form_version), request_sha256=item.request_sha256, delivered_at=item.delivered_at,
        record=SubmissionRecord.model_validate_json(item.record), status=SubmissionStatus(item.status),
        signed=bool(item.signed), flags=json.loads(item.flags) if item.flags else [], case_sign=item.case_sign,
        department=item.department, due_date=item.due_date, registered_at=item.registered_at,
        notified_at=item.notified_at,
    )
