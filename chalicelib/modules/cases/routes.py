"""The office's side of the electronic inbox (ESP): a department's cases, and a submission's files."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access, Role
from chalicelib.core.errors import Forbidden, NotFound, Unprocessable
from chalicelib.core.http import endpoint, require_principal
from chalicelib.core.inputs import ascii_int
from chalicelib.modules import tenants
from chalicelib.modules.cases.wiring import cases
from chalicelib.modules.submissions import logic as submission_logic
from chalicelib.modules.submissions.models import Submission
from chalicelib.modules.submissions.wiring import submission_ports, submissions

bp = Blueprint(__name__)
CLERKS = Access.of(Role.CLERK, tenant_param="terc")


def _params() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


def _department(terc: str) -> str:
    principal = require_principal()
    params = _params()
    asked = params.get("department") or principal.department
    if not asked:
        raise Unprocessable(details=[{"field": "department", "code": "missing",
                                      "message": "Wskaż komórkę organizacyjną (parametr department)."}])
    # A clerk assigned to a department works its inbox only; one without an assignment (kancelaria) sees all.
    if principal.department and asked != principal.department:
        raise Forbidden("Brak dostępu do skrzynki innej komórki.", code="department_forbidden")
    if asked not in {d.symbol for d in tenants.config(terc).departments}:
        raise NotFound(f"Jednostka nie ma komórki „{asked}”.", code="department_not_found")
    return asked


def _limit() -> int:
    limit = ascii_int(_params().get("limit", "20"))
    if limit is None or not 1 <= limit <= 100:
        raise Unprocessable(details=[{"field": "limit", "code": "limit_invalid",
                                      "message": "Liczba pozycji na stronie: od 1 do 100."}])
    return limit


@endpoint(bp, "/v1/tenants/{terc}/inbox", access=CLERKS, summary="Skrzynka podawcza komórki (ESP)",
          params="openapi.shapes:InboxQuery", response="openapi.shapes:InboxPage")
def inbox(terc: str) -> Any:
    department = _department(terc)
    items, next_token = cases().inbox(terc, department, limit=_limit(),
                                      after=_params().get("next"))
    return {"terc": terc, "department": department, "items": items, "count": len(items), "next": next_token}


def _submission(terc: str, submission_id: str) -> Submission:
    owner = submissions().owner_of(terc, submission_id)
    found = submissions().get(owner, submission_id) if owner else None
    if found is None:
        raise NotFound("Nie ma takiego wniosku w tej jednostce.", code="submission_not_found")
    principal = require_principal()
    # The department is recorded with the submission: a clerk of another department never sees it, and one
    # of an older submission whose department is not known yet is refused rather than let in.
    if principal.department and found.department != principal.department:
        raise Forbidden("Wniosek prowadzi inna komórka.", code="department_forbidden")
    return found


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}", access=CLERKS, summary="Wniosek w JST",
          response="openapi.shapes:ClerkSubmissionView")
def submission(terc: str, submission_id: str) -> Any:
    found = _submission(terc, submission_id)
    shown = submission_logic.view(found, base=f"/v1/tenants/{terc}/submissions")
    shown["applicant"] = found.record.applicant.model_dump() if found.record.applicant else None
    # who filed it (the national login's PESEL and name): with the `representative` flag, not the applicant
    shown["filed_by"] = found.record.filer.model_dump() if found.record.filer else None
    return shown


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/upp", access=CLERKS, summary="Link do UPP wniosku",
          response="openapi.shapes:Download")
def submission_upp(terc: str, submission_id: str) -> Any:
    return submission_logic.download(submission_ports(), _submission(terc, submission_id), "upp")


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/document", access=CLERKS,
          summary="Link do dokumentu wniosku", response="openapi.shapes:Download")
def submission_document(terc: str, submission_id: str) -> Any:
    return submission_logic.download(submission_ports(), _submission(terc, submission_id), "document")


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/attachments/{attachment_id}", access=CLERKS,
          summary="Link do załącznika wniosku", response="openapi.shapes:Download")
def submission_attachment(terc: str, submission_id: str, attachment_id: str) -> Any:
    return submission_logic.download(submission_ports(), _submission(terc, submission_id), "attachment",
                                     attachment_id)
