"""The office's side of the electronic inbox (ESP): a department's cases, and a submission's files."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import get_clock
from chalicelib.core.http import endpoint, if_match_version, json_response, parse_body, require_principal
from chalicelib.integrations.clients import mailer
from chalicelib.modules import audit, submissions, tenants
from chalicelib.modules.cases import calculator, einformacja, handling, lifecycle, logic, models, trail
from chalicelib.modules.cases.wiring import cases

bp = Blueprint(__name__)
CLERKS = Access.of(Role.CLERK, tenant_param="terc")
RESIDENT = Access.of(Role.RESIDENT)
MY_CASES_LIMIT = 100


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
    return _read(terc, submission_id, "upp")


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/document", access=CLERKS,
          summary="Link do dokumentu wniosku", response="openapi.shapes:Download")
def submission_document(terc: str, submission_id: str) -> Any:
    return _read(terc, submission_id, "document")


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/attachments/{attachment_id}", access=CLERKS,
          summary="Link do załącznika wniosku", response="openapi.shapes:Download")
def submission_attachment(terc: str, submission_id: str, attachment_id: str) -> Any:
    return _read(terc, submission_id, "attachment", attachment_id)


def _read(terc: str, submission_id: str, what: str, attachment_id: str | None = None) -> Any:
    """A link to a document for staff, given only once its read is in the audit trail (503 if it cannot be)."""
    filed = _filed(terc, submission_id)
    link = filed.link(what, attachment_id)
    who = require_principal()
    audit.record(terc, [trail.document_read(terc, submission_id, filed.submission.case_sign, what, attachment_id,
                                            actor=audit.Actor(who.subject, who.name), at=get_clock().now())])
    return link


# --- the case's life: its clerks of its department (a clerk without one, the kancelaria, sees every case) ---

def _actor() -> lifecycle.Actor:
    who = require_principal()
    return lifecycle.Actor(subject=who.subject, name=who.name, head=who.department_head)


def _answer(view: dict[str, Any]) -> Any:
    return json_response(view, headers={"ETag": f'"{view["version"]}"'})


def _change(terc: str, case_id: str, apply: handling.Change) -> Any:
    expected = if_match_version(bp.current_request.headers, "sprawy")
    return _answer(handling.change(cases(), terc, case_id, clerk_department=require_principal().department,
                                   expected_version=expected, apply=apply, now=get_clock().now(), mailer=mailer()))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}", access=CLERKS, summary="Sprawa: stan, termin, historia, notatki",
          response="modules.cases.models:CaseView")
def case(terc: str, case_id: str) -> Any:
    stored = handling.open_case(cases(), terc, case_id, clerk_department=require_principal().department)
    return _answer(handling.view(stored))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/transitions", access=CLERKS, methods=("POST",),
          summary="Zmiana stanu sprawy", request="modules.cases.models:TransitionRequest",
          response="modules.cases.models:CaseView", params="openapi.shapes:IfMatchHeaders")
def case_transition(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.TransitionRequest)
    move = lifecycle.Move(to=body.to, reason=body.reason, gaps=tuple(body.gaps), term_days=body.term_days,
                          document=body.document, office=body.office)
    return _change(terc, case_id, handling.transition(move, actor=_actor(), at=get_clock().now()))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/assignment", access=CLERKS, methods=("POST",),
          summary="Przyjęcie lub przydział sprawy", request="modules.cases.models:AssignmentRequest",
          response="modules.cases.models:CaseView", params="openapi.shapes:IfMatchHeaders")
def case_assignment(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.AssignmentRequest)
    return _change(terc, case_id, handling.assignment(body.clerk, actor=_actor(), at=get_clock().now()))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/notes", access=CLERKS, methods=("POST",),
          summary="Notatka wewnętrzna do sprawy", request="modules.cases.models:NoteRequest",
          response="modules.cases.models:CaseView", params="openapi.shapes:IfMatchHeaders")
def case_note(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.NoteRequest)
    return _change(terc, case_id, handling.note(body.text, actor=_actor(), at=get_clock().now()))


# --- e-informacja: the resident's own cases ---

@endpoint(bp, "/v1/me/cases", access=RESIDENT, summary="Moje sprawy (e-informacja)",
          response="modules.cases.models:ResidentCases")
def my_cases() -> Any:
    items = [einformacja.summary(r) for r in cases().of_owner(require_principal().subject, limit=MY_CASES_LIMIT)]
    return {"items": items, "count": len(items)}


@endpoint(bp, "/v1/me/cases/{case_id}", access=RESIDENT, summary="Moja sprawa: etapy, termin, wezwania",
          response="modules.cases.models:ResidentCase")
def my_case(case_id: str) -> Any:
    return einformacja.case_for(cases().find(None, case_id), owner=require_principal().subject)


@endpoint(bp, "/v1/deadlines", access=Access.anyone(), summary="Kalkulator terminu KPA",
          params="modules.cases.models:DeadlineQuery", response="modules.cases.models:DeadlineAnswer")
def deadline() -> Any:
    params = _params()
    return calculator.calculate(*calculator.parse(params.get("kind"), params.get("from"), params.get("paused")))
