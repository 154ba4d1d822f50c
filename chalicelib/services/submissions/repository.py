"""Drafts, attachments and submissions in DynamoDB. Every item is keyed by its owner first, so a resident's
request can only ever reach the resident's own items; clerks reach submissions through the JST's index."""

from __future__ import annotations

import builtins
import json
from datetime import datetime

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.db.tables import AttachmentTable, DraftTable, SubmissionTable
from chalicelib.services.submissions.schemas import (
    AttachmentStatus,
    AttachmentView,
    DraftView,
    RegistrationMessage,
    Submission,
    SubmissionRecord,
    SubmissionStatus,
)


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

    def create(self, submission: Submission) -> bool:
        """Write a new submission; False if one with this id exists (the same Idempotency-Key, concurrently)."""
        s = submission
        item = SubmissionTable(
            owner=s.owner, submission_id=s.submission_id, terc=s.terc, service=s.service,
            form_version=s.form_version, request_sha256=s.request_sha256, delivered_at=s.delivered_at,
            record=s.record.model_dump_json(), status=s.status.value, signed=s.signed,
            flags=json.dumps(s.flags) if s.flags else None,
        )
        try:
            item.save(condition=SubmissionTable.submission_id.does_not_exist())
        except PutError as exc:
            if _conditional(exc):
                return False
            raise
        return True

    def list(self, owner: str) -> list[Submission]:
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

    def mark_unqueued(self, owner: str, submission_id: str) -> None:
        SubmissionTable(owner=owner, submission_id=submission_id).update(
            actions=[SubmissionTable.unqueued.set("1")], condition=SubmissionTable.submission_id.exists())

    def mark_queued(self, owner: str, submission_id: str) -> None:
        SubmissionTable(owner=owner, submission_id=submission_id).update(actions=[SubmissionTable.unqueued.remove()])

    def unqueued(self, *, limit: int = 500) -> builtins.list[RegistrationMessage]:
        """Submissions whose registration message has still to be sent, oldest first."""
        return [RegistrationMessage(submission_id=i.submission_id, owner=i.owner, terc=i.terc, service=i.service)
                for i in SubmissionTable.by_unqueued.query("1", limit=limit)]

    def owner_of(self, terc: str, submission_id: str) -> str | None:
        """Who filed `submission_id` with this JST (None if not filed with it)."""
        for item in SubmissionTable.by_tenant.query(terc, SubmissionTable.submission_id == submission_id, limit=1):
            return str(item.owner)
        return None


def _conditional(exc: Exception) -> bool:
    cause = getattr(exc, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def _submission(item: SubmissionTable) -> Submission:
    return Submission(
        submission_id=item.submission_id, owner=item.owner, terc=item.terc, service=item.service,
        form_version=int(item.form_version), request_sha256=item.request_sha256, delivered_at=item.delivered_at,
        record=SubmissionRecord.model_validate_json(item.record), status=SubmissionStatus(item.status),
        signed=bool(item.signed), flags=json.loads(item.flags) if item.flags else [], case_sign=item.case_sign,
        department=item.department, due_date=item.due_date, registered_at=item.registered_at,
        notified_at=item.notified_at,
    )
