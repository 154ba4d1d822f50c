"""Public route of the signatures module: verify an electronic signature (XAdES) and see who signed and what."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access
from chalicelib.core.errors import BadRequest, Unprocessable
from chalicelib.core.http import endpoint
from chalicelib.modules.signatures import logic as service

bp = Blueprint(__name__)

XML_TYPES = ("application/xml", "text/xml")


@endpoint(bp, "/v1/signatures/verify", access=Access.anyone(), methods=("POST",), content_types=XML_TYPES,
          summary="Weryfikacja podpisu XAdES", params="openapi.shapes:PolicyQuery",
          response="signatures.report:VerificationReport")
def verify() -> Any:
    request = bp.current_request
    params: dict[str, str] = dict(request.query_params or {})
    policy = params.get("policy", "strict")
    if policy not in service.POLICIES:
        raise Unprocessable(details=[{"field": "policy", "code": "enum",
                                      "message": "Tryb weryfikacji musi mieć wartość strict albo archival."}])
    body = request.raw_body
    outcome = service.verify(body.encode() if isinstance(body, str) else body or b"", policy)
    if isinstance(outcome, service.Unreadable):
        error = BadRequest if outcome.code == "xml_malformed" else Unprocessable
        raise error(outcome.message, code=outcome.code,
                    details=list(outcome.details) or [{"field": "", "code": outcome.code, "message": outcome.message}])
    return outcome.model_dump(mode="json")
