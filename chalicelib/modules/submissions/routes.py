"""e-wniosek API for residents: upload slots, drafts, submissions with their UPP, and their own views."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.core.auth import Access, Role
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.http import (
    endpoint,
    error_response,
    json_response,
    parse_body,
    require_accept,
    require_principal,
)
from chalicelib.modules import tenants
from chalicelib.modules.submissions import attachments as attachments_logic
from chalicelib.modules.submissions import drafts, intake, logic, models, signed, views
from chalicelib.modules.submissions.wiring import attachments, submission_ports, submissions

bp = Blueprint(__name__)
RESIDENT = Access.of(Role.RESIDENT)
JSON_OR_XML = ("application/json", "application/xml", "text/xml")


def _owner() -> str:
    return require_principal().subject


def _filer() -> models.Filer | None:
    """The signed-in person as the national login named them (None: the token carries no PESEL)."""
    principal = require_principal()
    return models.Filer(pesel=principal.pesel, name=principal.name) if principal.pesel else None


def _raw() -> bytes:
    body = bp.current_request.raw_body
    return body.encode() if isinstance(body, str) else body or b""


def _offer(terc: str, service: str, version: int | None = None) -> logic.Offer:
    tenant = tenants.config(terc)
    return logic.offer(submission_ports().catalogue, tenant, service, version)


@endpoint(bp, "/v1/tenants/{terc}/services/{service}/attachments", access=RESIDENT, methods=("POST",),
          summary="Miejsce na załącznik (presigned POST do S3)", request="modules.submissions.models:UploadRequest",
          response="modules.submissions.models:UploadSlot", status=201)
def new_attachment(terc: str, service: str) -> Any:
    request = parse_body(_raw(), models.UploadRequest)
    slot = attachments_logic.upload_slot(submission_ports(), owner=_owner(), where=_offer(terc, service),
                                         request=request)
    return json_response(slot, status=201)


@endpoint(bp, "/v1/me/attachments/{attachment_id}", access=RESIDENT, summary="Stan załącznika",
          response="modules.submissions.models:AttachmentView")
def attachment_status(attachment_id: str) -> Any:
    found = attachments().get(_owner(), attachment_id)
    if found is None:
        raise NotFound("Nie ma takiego załącznika.", code="attachment_not_found")
    return found


@endpoint(bp, "/v1/tenants/{terc}/services/{service}/drafts", access=RESIDENT, methods=("POST",),
          summary="Nowa wersja robocza wniosku", request="modules.submissions.models:DraftIn",
          response="modules.submissions.models:DraftView", status=201)
def new_draft(terc: str, service: str) -> Any:
    body = parse_body(_raw(), models.DraftIn)
    draft = drafts.save_draft(submission_ports(), owner=_owner(), where=_offer(terc, service, body.form_version),
                             draft_id=None, body=body)
    return json_response(draft, status=201)


@endpoint(bp, "/v1/me/drafts", access=RESIDENT, summary="Moje wersje robocze", response="openapi.shapes:DraftPage")
def my_drafts() -> Any:
    items = drafts.my_drafts(submission_ports(), _owner())
    return {"items": [d.model_dump(mode="json") for d in items], "count": len(items)}


@endpoint(bp, "/v1/me/drafts/{draft_id}", access=RESIDENT, summary="Wersja robocza",
          response="modules.submissions.models:DraftView")
def my_draft(draft_id: str) -> Any:
    return drafts.require_draft(submission_ports(), _owner(), draft_id)


@endpoint(bp, "/v1/me/drafts/{draft_id}", access=RESIDENT, methods=("PUT",), summary="Zapis wersji roboczej",
          request="modules.submissions.models:DraftIn", response="modules.submissions.models:DraftView")
def update_draft(draft_id: str) -> Any:
    ports = submission_ports()
    current = drafts.require_draft(ports, _owner(), draft_id)
    body = parse_body(_raw(), models.DraftIn)
    where = _offer(current.terc, current.service, body.form_version or current.form_version)
    return drafts.save_draft(ports, owner=_owner(), where=where, draft_id=draft_id, body=body)


@endpoint(bp, "/v1/me/drafts/{draft_id}", access=RESIDENT, methods=("DELETE",), summary="Usunięcie wersji roboczej",
          status=204)
def delete_draft(draft_id: str) -> Any:
    ports = submission_ports()
    drafts.require_draft(ports, _owner(), draft_id)
    ports.drafts.delete(_owner(), draft_id)
    return Response(body="", status_code=204)


@endpoint(bp, "/v1/tenants/{terc}/services/{service}/document", access=RESIDENT, methods=("POST",),
          summary="Dokument wniosku do podpisania (XML)", request="modules.submissions.models:SubmissionIn",
          response="application/xml")
def document_to_sign(terc: str, service: str) -> Any:
    """The application as the ePUAP-style XML, to be signed by the resident and then submitted."""
    media_type = require_accept(bp.current_request, ("application/xml", "text/xml"))
    body = parse_body(_raw(), models.SubmissionIn)
    document = signed.document_to_sign(submission_ports(), owner=_owner(),
                                      where=_offer(terc, service, body.form_version), body=body)
    return Response(body=document, status_code=200, headers={"Content-Type": media_type})


def _idempotency_key() -> str:
    return logic.idempotency_key(bp.current_request.headers.get("idempotency-key"))


@endpoint(bp, "/v1/tenants/{terc}/services/{service}/submissions", access=RESIDENT, methods=("POST",),
          content_types=JSON_OR_XML, summary="Złożenie wniosku (JSON albo podpisany XML)",
          request="modules.submissions.models:SubmissionIn", params="openapi.shapes:IdempotencyHeaders",
          response="openapi.shapes:SubmissionView", status=201)
def submit(terc: str, service: str) -> Any:
    key = _idempotency_key()
    tenant = tenants.config(terc)
    raw = _raw()
    content_type = (bp.current_request.headers.get("content-type") or "").split(";")[0].strip().lower()
    ports = submission_ports()
    try:
        if content_type in ("application/xml", "text/xml"):
            accepted = intake.submit_signed(ports, owner=_owner(), filer=_filer(), tenant=tenant, service=service,
                                            idempotency_key=key, signed=raw)
        else:
            body = parse_body(raw, models.SubmissionIn)
            accepted = intake.submit_form(ports, owner=_owner(), filer=_filer(), tenant=tenant, service=service,
                                          idempotency_key=key, body=body)
    except Conflict as exc:
        if exc.code != "submission_in_progress":
            raise
        response = error_response(exc)  # the same request again shortly gets the winner's submission
        response.headers["Retry-After"] = str(intake.RETRY_AFTER)
        return response
    shown = views.view(accepted.submission)
    headers = {"Location": shown["links"]["self"]}
    if accepted.replayed:
        headers["Idempotent-Replayed"] = "true"
    return json_response(shown, status=201, headers=headers)


@endpoint(bp, "/v1/me/submissions", access=RESIDENT, summary="Moje wnioski", response="openapi.shapes:SubmissionPage")
def my_submissions() -> Any:
    items = [views.view(s) for s in submissions().list(_owner())]
    return {"items": items, "count": len(items)}


@endpoint(bp, "/v1/me/submissions/{submission_id}", access=RESIDENT, summary="Mój wniosek",
          response="openapi.shapes:SubmissionView")
def my_submission(submission_id: str) -> Any:
    return views.view(views.require_submission(submissions(), _owner(), submission_id))


@endpoint(bp, "/v1/me/submissions/{submission_id}/upp", access=RESIDENT, summary="Link do UPP",
          response="openapi.shapes:Download")
def my_upp(submission_id: str) -> Any:
    found = views.require_submission(submissions(), _owner(), submission_id)
    return views.download(submission_ports(), found, "upp")


@endpoint(bp, "/v1/me/submissions/{submission_id}/document", access=RESIDENT, summary="Link do dokumentu wniosku",
          response="openapi.shapes:Download")
def my_document(submission_id: str) -> Any:
    found = views.require_submission(submissions(), _owner(), submission_id)
    return views.download(submission_ports(), found, "document")


@endpoint(bp, "/v1/me/submissions/{submission_id}/attachments/{attachment_id}", access=RESIDENT,
          summary="Link do załącznika wniosku", response="openapi.shapes:Download")
def my_attachment(submission_id: str, attachment_id: str) -> Any:
    found = views.require_submission(submissions(), _owner(), submission_id)
    return views.download(submission_ports(), found, "attachment", attachment_id)
