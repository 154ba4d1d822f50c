"""Liveness of the API for uptime checks and load balancers: answered by the function alone, no AWS call."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access
from chalicelib.core.http import endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/v1/health", access=Access.anyone(), summary="Czy API działa",
          response="openapi.shapes:Health")
def health() -> Any:
    return {"status": "ok"}
