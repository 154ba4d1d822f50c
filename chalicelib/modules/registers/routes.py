"""The public registers: anyone searches a JST's register (filters, cursor paging, CSV) and reads an entry as
the law makes it public; the clerks of the register's department create entries (by hand or from a decided
case), change, revoke, read the history, record a declaration of sales and a monument's photo."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import WARSAW, get_clock
from chalicelib.core.errors import NotFound, Unprocessable
from chalicelib.core.http import endpoint, if_match_version, json_response, parse_body, require_principal
from chalicelib.modules import tenants
from chalicelib.modules.registers import logic, models, prefill, public
from chalicelib.modules.registers.wiring import ports, registers

bp = Blueprint(__name__)
ANYONE = Access.anyone()
CLERKS = Access.of(Role.CLERK, tenant_param="terc")
BASE = "/v1/tenants/{terc}/registers/{register}"
PAGE, MAX_PAGE, MAX_CSV = 20, 100, 5000
PHOTO_MAX, LINK_SECONDS = 10 * 1024 * 1024, 300


def _clerk() -> logic.Clerk:
    who = require_principal()
    return logic.Clerk(subject=who.subject, name=who.name, department=who.department)


def _search() -> models.SearchQuery:
    raw = dict(bp.current_request.query_params or {})
    query = models.SearchQuery.model_validate(raw)  # 422 on the parameter, in the error shape
    if query.limit is not None and not 1 <= int(query.limit) <= MAX_PAGE:
        raise Unprocessable(details=[{"field": "limit", "code": "limit_invalid",
                                      "message": f"Liczba wpisów na stronie: od 1 do {MAX_PAGE}."}])
    return query


def _today() -> date:
    return get_clock().now().astimezone(WARSAW).date()


def _shown(entries: list[dict[str, Any]], status: str | None) -> list[dict[str, Any]]:
    """Between the nightly runs a permit past its last day is shown "wygasłe", so the `aktywne` filter drops it."""
    today = _today()
    return [e for e in entries if status is None or public.status_on(e, today) == status]


def _photo_url(terc: str, entry: dict[str, Any]) -> str:
    return f"/v1/tenants/{terc}/registers/{entry['register']}/{entry['entry_id']}/photo"


@endpoint(bp, BASE, access=ANYONE, summary="Rejestr publiczny JST: wyszukiwanie, filtry, strony, eksport CSV",
          params="modules.registers.models:SearchQuery", response="modules.registers.models:PublicPage")
def register_search(terc: str, register: str) -> Any:
    kind, _ = logic.register_of(tenants.config(terc), register)
    query = _search()
    if query.status is not None and query.status not in public.STATUSES[kind]:
        raise Unprocessable(details=[{"field": "status", "code": "status_unknown", "message": (
            "Stan wpisu: " + ", ".join(public.STATUSES[kind]) + ".")}])
    q = (query.q or "").strip().lower() or None
    if query.format == "csv":
        entries: list[dict[str, Any]] = []
        after = query.page
        while len(entries) < MAX_CSV:
            found = registers().page(terc, kind.value, status=query.status, q=q, after=after, size=MAX_PAGE)
            entries += found.entries
            if found.next is None:
                break
            after = found.next
        body = public.csv_bytes(kind, _shown(entries, query.status), _today()).decode("utf-8")
        return Response(body=body, status_code=200, headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="rejestr-{kind.value}-{terc}.csv"'})
    size = int(query.limit) if query.limit else PAGE
    found = registers().page(terc, kind.value, status=query.status, q=q, after=query.page, size=size)
    items = [public.view(e, _photo_url(terc, e), _today()) for e in _shown(found.entries, query.status)]
    return {"items": items, "count": len(items), "next": found.next}


@endpoint(bp, BASE + "/{entry_id}", access=ANYONE, summary="Wpis rejestru publicznego (dane jawne)",
          response="modules.registers.models:PublicEntry")
def register_entry(terc: str, register: str, entry_id: str) -> Any:
    kind, _ = logic.register_of(tenants.config(terc), register)
    found = registers().get(terc, kind.value, entry_id)
    if found is None:
        raise NotFound("Nie ma takiego wpisu w rejestrze.", code="entry_not_found")
    return public.view(found.entry, _photo_url(terc, found.entry), _today())


@endpoint(bp, BASE, access=CLERKS, methods=("POST",), status=201, request="modules.registers.models:EntryRequest",
          summary="Nowy wpis rejestru (ręcznie albo z załatwionej sprawy usługi rejestru)",
          response="modules.registers.models:ClerkEntry")
def register_create(terc: str, register: str) -> Any:
    body, clerk, now = parse_body(bp.current_request.raw_body, models.EntryRequest), _clerk(), get_clock().now()
    if body.case_id is not None:
        entry = prefill.from_case(ports(clerk.department), terc, register, body.case_id, body.data, clerk=clerk,
                                  at=now)
    else:
        entry = logic.create(ports(clerk.department), terc, register, body.data, clerk=clerk, at=now)
    return json_response(logic.for_clerk(ports(clerk.department), terc, register, entry["entry_id"], clerk=clerk),
                         status=201, headers={"ETag": f'"{entry["version"]}"'})


@endpoint(bp, BASE + "/{entry_id}", access=CLERKS, methods=("PUT",), request="modules.registers.models:EntryRequest",
          summary="Zmiana wpisu rejestru (z powodem; If-Match: wersja)", params="openapi.shapes:IfMatchHeaders",
          response="modules.registers.models:ClerkEntry")
def register_change(terc: str, register: str, entry_id: str) -> Any:
    body, clerk = parse_body(bp.current_request.raw_body, models.EntryRequest), _clerk()
    expected = if_match_version(bp.current_request.headers, "wpisu")
    entry = logic.change(ports(clerk.department), terc, register, entry_id, body.data, reason=body.reason,
                         clerk=clerk, at=get_clock().now(), expected_version=expected)
    return json_response(logic.for_clerk(ports(clerk.department), terc, register, entry_id, clerk=clerk),
                         headers={"ETag": f'"{entry["version"]}"'})


@endpoint(bp, BASE + "/{entry_id}/revocation", access=CLERKS, methods=("POST",),
          request="modules.registers.models:RevocationRequest", response="modules.registers.models:ClerkEntry",
          summary="Cofnięcie zezwolenia albo wykreślenie zabytku z ewidencji")
def register_revoke(terc: str, register: str, entry_id: str) -> Any:
    body, clerk = parse_body(bp.current_request.raw_body, models.RevocationRequest), _clerk()
    logic.revoke(ports(clerk.department), terc, register, entry_id, reason=body.reason, case_sign=body.case_sign,
                 clerk=clerk, at=get_clock().now())
    return logic.for_clerk(ports(clerk.department), terc, register, entry_id, clerk=clerk)


@endpoint(bp, BASE + "/{entry_id}/history", access=CLERKS, summary="Wpis z pełnymi danymi i historią zmian",
          response="modules.registers.models:ClerkEntry")
def register_history(terc: str, register: str, entry_id: str) -> Any:
    clerk = _clerk()
    return logic.for_clerk(ports(clerk.department), terc, register, entry_id, clerk=clerk)


@endpoint(bp, BASE + "/{entry_id}/declarations", access=CLERKS, methods=("POST",),
          request="modules.registers.models:DeclarationRequest", response="modules.registers.models:ClerkEntry",
          summary="Oświadczenie o wartości sprzedaży (sprawa) ustala opłatę zezwolenia na bieżący rok")
def register_declaration(terc: str, register: str, entry_id: str) -> Any:
    body, clerk = parse_body(bp.current_request.raw_body, models.DeclarationRequest), _clerk()
    prefill.declare(ports(clerk.department), terc, register, entry_id, body.case_id, clerk=clerk,
                    at=get_clock().now())
    return logic.for_clerk(ports(clerk.department), terc, register, entry_id, clerk=clerk)


def _photo_key(terc: str, register: str, entry_id: str, at: Any) -> str:
    return f"registers/{terc}/{register}/{entry_id}/photo-{at:%Y%m%d%H%M%S%f}"


@endpoint(bp, BASE + "/{entry_id}/photo", access=CLERKS, methods=("POST",), status=201,
          request="modules.registers.models:PhotoRequest", response="modules.registers.models:PhotoSlot",
          summary="Zdjęcie zabytku: formularz wysyłki prosto do S3 (pod prefiksem JST)")
def register_photo_slot(terc: str, register: str, entry_id: str) -> Any:
    from chalicelib.integrations.clients import objects

    body, clerk, now = parse_body(bp.current_request.raw_body, models.PhotoRequest), _clerk(), get_clock().now()
    key = _photo_key(terc, register, entry_id, now)
    logic.set_photo(ports(clerk.department), terc, register, entry_id, key=key, content_type=body.content_type,
                    clerk=clerk, at=now)
    upload = objects().presigned_post("uploads", key, content_type=body.content_type, max_bytes=PHOTO_MAX,
                                      metadata={"terc": terc}, expires=LINK_SECONDS)
    return json_response({"upload": upload, "max_bytes": PHOTO_MAX}, status=201)


@endpoint(bp, BASE + "/{entry_id}/photo", access=ANYONE, response="modules.registers.models:PhotoLink",
          summary="Zdjęcie zabytku: krótkotrwały odnośnik do pliku")
def register_photo(terc: str, register: str, entry_id: str) -> Any:
    from chalicelib.integrations.clients import objects

    kind, _ = logic.register_of(tenants.config(terc), register)
    found = registers().get(terc, kind.value, entry_id)
    photo = found.entry.get("photo") if found else None
    if not photo:
        raise NotFound("Ten wpis nie ma zdjęcia.", code="photo_not_found")
    extension = "png" if photo["content_type"] == "image/png" else "jpg"
    url = objects().presigned_get("uploads", photo["key"], version_id=None, filename=f"zabytek-{entry_id}.{extension}",
                                  content_type=photo["content_type"], expires=LINK_SECONDS)
    return json_response({"url": url, "content_type": photo["content_type"], "expires_in": LINK_SECONDS},
                         headers={"Cache-Control": "no-store"})
