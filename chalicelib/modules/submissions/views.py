"""A submission as its resident (and, through the published interface, its JST's clerks) sees it, and short-lived
links to its files. No Chalice, no boto3."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.core.errors import NotFound
from chalicelib.modules.submissions.models import StoredFile, Submission

if TYPE_CHECKING:
    from chalicelib.modules.submissions.logic import Ports, SubmissionStore

DOWNLOAD_SECONDS = 5 * 60


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
        # a supplementary submission: the case it answers
        "answers": {"case_id": a.case_id, "case_sign": a.case_sign} if (a := s.record.answers) else None,
        # what the resident owes (grosze), and whether it can be paid online in "Moje sprawy"
        "fee": {**f.model_dump(mode="json"), "online": s.record.fee_online} if (f := s.record.fee) else None,
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
