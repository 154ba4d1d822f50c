"""The office's side of the electronic inbox (ESP): a department's cases, and a submission's files."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access, Role
from chalicelib.core.http import endpoint, require_principal
from chalicelib.modules import submissions, tenants
from chalicelib.modules.cases import logic
from chalicelib.modules.cases.wiring import cases

bp = Blueprint(__name__)
CLERKS = Access.of(Role.CLERK, tenant_param="terc")


def _params() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


@endpoint(bp, "/v1/tenants/{terc}/inbox", access=CLERKS, summary="Skrzynka podawcza komórki (ESP)",
          params="openapi.shapes:InboxQuery", response="openapi.shapes:InboxPage")
def inbox(terc: str) -> Any:
    return logic.inbox(cases(), lambda: tenants.config(terc), terc=terc,
                       clerk_department=require_principal().department, params=_params())


def _filed(terc: str, submission_id: str) -> submissions.Filed:
    return logic.require_visible(submissions.filed_with(terc, submission_id),
                                 clerk_department=require_principal().department)


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}", access=CLERKS, summary="Wniosek w JST",
          response="openapi.shapes:ClerkSubmissionView")
def submission(terc: str, submission_id: str) -> Any:
    return _filed(terc, submission_id).view()


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/upp", access=CLERKS, summary="Link do UPP wniosku",
          response="openapi.shapes:Download")
def submission_upp(terc: str, submission_id: str) -> Any:
    return _filed(terc, submission_id).link("upp")


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/document", access=CLERKS,
          summary="Link do dokumentu wniosku", response="openapi.shapes:Download")
def submission_document(terc: str, submission_id: str) -> Any:
    return _filed(terc, submission_id).link("document")


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/attachments/{attachment_id}", access=CLERKS,
          summary="Link do załącznika wniosku", response="openapi.shapes:Download")
def submission_attachment(terc: str, submission_id: str, attachment_id: str) -> Any:
    return _filed(terc, submission_id).link("attachment", attachment_id)
