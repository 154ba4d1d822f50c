"""The JST's audit trail for its administrators: the chain page by page, as stored, with its hashes."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access, Role
from chalicelib.core.errors import Unprocessable
from chalicelib.core.http import endpoint
from chalicelib.core.inputs import ascii_int
from chalicelib.modules.audit.wiring import chain

bp = Blueprint(__name__)
AUDITORS = Access.of(Role.TENANT_ADMIN, Role.REGION_ADMIN, tenant_param="terc")
MAX_SEQ = 999_999_999  # what a query parameter may say (ascii_int)


def _number(params: dict[str, str], name: str, default: int, bounds: tuple[int, int], message: str) -> int:
    value = ascii_int(params[name]) if name in params else default
    if value is None or not bounds[0] <= value <= bounds[1]:
        raise Unprocessable(details=[{"field": name, "code": f"{name}_invalid", "message": message}])
    return value


@endpoint(bp, "/v1/tenants/{terc}/audit-trail", access=AUDITORS, summary="Dziennik zdarzeń spraw (łańcuch skrótów)",
          params="modules.audit.models:AuditTrailQuery", response="modules.audit.models:AuditTrailPage")
def audit_trail(terc: str) -> Any:
    params = dict(bp.current_request.query_params or {})
    after = _number(params, "after", 0, (0, MAX_SEQ), "Numer ostatniego wpisu poprzedniej strony (liczba ≥ 0).")
    limit = _number(params, "limit", 50, (1, 100), "Liczba wpisów na stronie: od 1 do 100.")
    head = chain().stored_head(terc)
    page = list(chain().entries(terc, after=after, limit=limit))
    last = page[-1][0] if page else None
    more = last is not None and head is not None and last < head.seq
    return {"terc": terc, "head": {"seq": head.seq, "hash": head.hash} if head else None,
            "items": [entry for _, entry in page], "count": len(page), "next": last if more else None}
