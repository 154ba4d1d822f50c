"""The clerk's letters in a case: preview one (rendered, not stored), issue it (sealed, stored, linked to the
case and shared with the party, once per Idempotency-Key), list those issued."""

from __future__ import annotations

import re
from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import get_clock
from chalicelib.core.errors import BadRequest
from chalicelib.core.http import endpoint, json_response, parse_body, require_principal
from chalicelib.modules import cases
from chalicelib.modules.letters import logic, models
from chalicelib.modules.letters.wiring import letters, ports

bp = Blueprint(__name__)
CLERKS = Access.of(Role.CLERK, tenant_param="terc")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


def _clerk() -> cases.Clerk:
    who = require_principal()
    return cases.Clerk(subject=who.subject, name=who.name, department=who.department, head=who.department_head)


def _draft() -> logic.Draft:
    body = parse_body(bp.current_request.raw_body, models.LetterRequest)
    return logic.Draft(kind=body.kind, values=body.fields, signer_name=body.signer_name,
                       signer_position=body.signer_position)


def _idempotency_key() -> str:
    raw = bp.current_request.headers.get("idempotency-key") or ""
    if not IDEMPOTENCY_KEY.fullmatch(raw):
        code = "idempotency_key_invalid" if raw else "idempotency_key_missing"
        raise BadRequest("Brak lub nieprawidłowy nagłówek Idempotency-Key.", code=code, details=[
            {"field": "Idempotency-Key", "code": code,
             "message": "Nagłówek Idempotency-Key jest wymagany (8–100 znaków: litery, cyfry, _ . : -)."}])
    return raw


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/letters/preview", access=CLERKS, methods=("POST",),
          summary="Podgląd pisma w sprawie (PDF, bez zapisu)", request="modules.letters.models:LetterRequest",
          response="modules.letters.models:LetterPreview")
def letter_preview(terc: str, case_id: str) -> Any:
    draft, clerk = _draft(), _clerk()
    record = cases.case_for_clerk(terc, case_id, department=clerk.department)
    return json_response(logic.preview(ports(clerk), record, draft, clerk_name=clerk.name, now=get_clock().now()),
                         headers={"Cache-Control": "no-store"})


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/letters", access=CLERKS, methods=("POST",),
          summary="Wydanie pisma w sprawie: pieczęć urzędu, plik sprawy udostępniony stronie",
          request="modules.letters.models:LetterRequest", response="modules.letters.models:LetterView",
          params="openapi.shapes:IdempotencyHeaders", status=201)
def letter_issue(terc: str, case_id: str) -> Any:
    key, draft, clerk = _idempotency_key(), _draft(), _clerk()
    # a replay answers as the first time did (201), as a retried submission does
    issued, _ = logic.issue(ports(clerk), terc, case_id, draft, clerk=clerk.subject, clerk_name=clerk.name, key=key,
                            now=get_clock().now())
    return json_response(issued, status=201)


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/letters", access=CLERKS, summary="Pisma wydane w sprawie",
          response="modules.letters.models:LetterList")
def letter_list(terc: str, case_id: str) -> Any:
    cases.case_for_clerk(terc, case_id, department=require_principal().department)
    items = letters().of_case(terc, case_id)
    return {"items": items, "count": len(items)}
