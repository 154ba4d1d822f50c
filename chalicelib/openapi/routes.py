"""GET /v1/openapi.json: the API's own description, built on the first call and kept for the container."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.core.auth import Access
from chalicelib.core.http import endpoint

bp = Blueprint(__name__)
_built: list[str] = []  # the serialized document, once built (routes never change in a running container)


def document_json() -> str:
    if not _built:
        import json

        # The domains' models load here, on the first request for the document, not at cold start.
        from chalicelib.openapi.document import build

        _built.append(json.dumps(build(bp.current_app.routes), ensure_ascii=False))
    return _built[0]


@endpoint(bp, "/v1/openapi.json", access=Access.anyone(), summary="Opis API (OpenAPI 3.1)")
def openapi_document() -> Any:
    return Response(body=document_json(), status_code=200, headers={"Content-Type": "application/json; charset=utf-8"})
