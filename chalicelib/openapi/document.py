"""The OpenAPI 3.1 document of the API, built from the app's routes: their policies and their models.

Everything comes from what `endpoint()` recorded on each view (chalicelib/core/http.py): the access policy
(security, roles as `x-roles`), the content types, and the models named by the route (request body, success
body, query parameters and headers). Errors share one schema, `Error`. Nothing here knows Chalice beyond the
route table it is given.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from chalicelib.core.auth import Access
from chalicelib.core.http import ACCESS_ATTR, FALLBACK_PATH, MODULE_ATTR
from chalicelib.core.route_doc import DOC_ATTR, RouteDoc

OPENAPI_VERSION = "3.1.0"
REF = "#/components/schemas/{model}"
ERROR_REF = {"$ref": "#/components/schemas/Error"}

# Path parameters by name: what the routes accept (TERC of a gmina, powiat or voivodeship; catalogue ids;
# the platform's hex ids).
HEX_ID = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
PATH_PARAMS: dict[str, dict[str, Any]] = {
    "terc": {"type": "string", "pattern": r"^[0-9]{2}([0-9]{2}([0-9]{3})?)?$",
             "description": "Kod TERC jednostki: 2 (województwo), 4 (powiat) albo 7 cyfr (gmina)."},
    "service": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80,
                "description": "Identyfikator usługi w katalogu (WKUP)."},
    "submission_id": HEX_ID,
    "case_id": HEX_ID,
    "draft_id": HEX_ID,
    "attachment_id": HEX_ID,
    "document": {"type": "string", "pattern": "^(document|upp|[0-9a-f]{32})$",
                 "description": "Plik sprawy przekazanej: document, upp albo identyfikator załącznika."},
    "scan_id": HEX_ID,
    "file_id": HEX_ID,
    "order_id": {**HEX_ID, "description": "Identyfikator zlecenia płatności (identyfikator sprawy)."},
    "letter_id": HEX_ID,
    "delivery_id": HEX_ID,
    "evidence_id": HEX_ID,
    "booking_id": {**HEX_ID, "description": "Identyfikator rezerwacji wizyty (e-wizyta)."},
    "topic": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 60,
              "description": "Sprawa, którą można zarezerwować (e-wizyta)."},
    "register": {"type": "string", "enum": ["zezwolenia-alkoholowe", "zajecie-pasa-drogowego", "ewidencja-zabytkow"],
                 "pattern": "^[a-z-]+$", "description": "Rejestr publiczny prowadzony przez JST."},
    "entry_id": {"type": "string", "pattern": "^[0-9]{20}[0-9a-f]{6}$", "description": "Identyfikator wpisu rejestru."},
    "token": {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$",
              "description": "Tajny token subskrypcji skrzynki e-Doręczeń (z adresu wywołania zwrotnego)."},
}

ERRORS: dict[int, str] = {
    400: "Nieprawidłowe żądanie (np. niepoprawny JSON, brak nagłówka).",
    401: "Brak tokenu albo token nieprawidłowy.",
    403: "Rola bez dostępu albo dane innej jednostki.",
    404: "Nie ma takiego zasobu.",
    409: "Konflikt z bieżącym stanem (nieaktualna wersja, klucz użyty dla innej treści).",
    413: "Treść żądania za duża.",
    406: "Klient nie przyjmuje typu odpowiedzi (np. brak Accept: application/xml).",
    415: "Nieobsługiwany typ treści.",
    422: "Dane nie przeszły walidacji (szczegóły per pole).",
    429: "Zbyt wiele żądań (limit wyszukiwań albo dławienie API Gateway); nagłówek Retry-After.",
}
ROLE_WORDS = {"public": "każdy, bez logowania"}


def _error_schema() -> dict[str, Any]:
    detail = {"type": "object", "required": ["field", "code", "message"],
              "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}
    return {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "description": "Jeden kształt błędu w całym API; komunikaty po polsku.",
        "properties": {"error": {
            "type": "object", "required": ["code", "message", "details"],
            # more about the error may follow, e.g. the signature verification report of a refused document
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "details": {"type": "array", "items": detail}},
        }},
    }


def model(ref: str) -> type[BaseModel]:
    """"module:Name" (module under chalicelib) -> the model class, imported now, not when the route was declared."""
    module, _, name = ref.partition(":")
    found = getattr(importlib.import_module(f"chalicelib.{module}"), name)
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        raise TypeError(f"{ref} is not a pydantic model")
    return found


def _is_media_type(ref: str) -> bool:
    return "/" in ref and ":" not in ref


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter is absent or has a value: `X | None` is documented as X."""
    options = schema.get("anyOf")
    if options and {"type": "null"} in options:
        kept = [o for o in options if o != {"type": "null"}]
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default") or (k == "default" and v is not None)}
        return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}
    return schema


class _Models:
    """Collects every model the routes name and renders them once into `components.schemas`."""

    def __init__(self) -> None:
        self._wanted: dict[tuple[str, JsonSchemaMode], type[BaseModel]] = {}

    def want(self, ref: str, mode: JsonSchemaMode) -> None:
        self._wanted[(ref, mode)] = model(ref)

    def render(self) -> tuple[dict[tuple[str, JsonSchemaMode], dict[str, Any]], dict[str, Any]]:
        keys = list(self._wanted)
        refs, top = models_json_schema([(self._wanted[k], k[1]) for k in keys], ref_template=REF)
        by_ref = {k: refs[(self._wanted[k], k[1])] for k in keys}
        return by_ref, dict(top.get("$defs", {}))


def _security(access: Access) -> dict[str, Any]:
    if access.public:
        return {"security": [], "x-roles": [], "x-public": True}
    roles = sorted(r.value for r in access.roles)
    out: dict[str, Any] = {"security": [{"bearer": []}], "x-roles": roles}
    if access.tenant_param:
        out["x-tenant-param"] = access.tenant_param
    return out


def _access_words(access: Access) -> str:
    if access.public:
        return "Dostęp: każdy (bez tokenu)."
    scope = " (pracownicy JST tylko swojej jednostki)" if access.tenant_param else ""
    return f"Dostęp: {', '.join(sorted(r.value for r in access.roles))}{scope}."


def _parameters(path_args: list[str], params: dict[str, Any] | None, schemas: dict[str, Any]) -> list[Any]:
    out: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": PATH_PARAMS.get(name, {"type": "string"})}
        for name in path_args
    ]
    if params is not None:
        shape = schemas[params["$ref"].rsplit("/", 1)[-1]]
        for name, declared in shape.get("properties", {}).items():
            prop = {k: v for k, v in declared.items() if k not in ("title", "in")}
            description = prop.pop("description", None)
            where = declared.get("in", "query")
            entry = {"name": name, "in": where, "required": name in shape.get("required", []),
                     "schema": _without_null(prop)}
            if description:
                entry["description"] = description
            out.append(entry)
    return out


def _responses(doc: RouteDoc, access: Access, method: str, body: dict[str, Any] | None) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "OK"}
    if doc.response and _is_media_type(doc.response):
        success["content"] = {doc.response: {"schema": {"type": "string"}}}
    elif body is not None:
        success["content"] = {"application/json": {"schema": body}}
    elif doc.status != 204:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    # 401 on a public route too: a token, if sent, must be valid; 429 anywhere: API Gateway's throttling
    codes = [400, 401, 404, 415, 422, 429]
    if not access.public:
        codes.append(403)
    if method in ("POST", "PUT", "DELETE"):
        codes.append(409)
    if method in ("POST", "PUT"):
        codes.append(413)
    if doc.response and _is_media_type(doc.response):  # the edge answers 406 to an Accept that refuses it
        codes.append(406)
    errors = {str(c): {"description": ERRORS[c], "content": {"application/json": {"schema": ERROR_REF}}}
              for c in sorted(codes)}
    return {str(doc.status): success, **errors}


def _request_body(doc: RouteDoc, content_types: list[str], body: dict[str, Any] | None) -> dict[str, Any] | None:
    content: dict[str, Any] = {}
    for media in content_types:
        if media == "application/json":
            if body is not None:
                content[media] = {"schema": body}
        else:  # signed XML, passed byte for byte
            content[media] = {"schema": {"type": "string"}}
    return {"required": True, "content": content} if content else None


def build(routes: Mapping[str, Mapping[str, Any]], *, title: str = "e-Urząd API", version: str = "1") -> dict[str, Any]:
    """The document for a Chalice route table (`app.routes`: path -> method -> RouteEntry)."""
    models = _Models()
    entries = []
    for path in sorted(routes):
        if path == FALLBACK_PATH:  # the edge's answer for paths nothing serves (404/405), not an operation
            continue
        for method in sorted(routes[path]):
            entry = routes[path][method]
            access: Access | None = getattr(entry.view_function, ACCESS_ATTR, None)
            if access is None:  # refused by the edge (default deny): not part of the API
                continue
            doc: RouteDoc = getattr(entry.view_function, DOC_ATTR, None) or RouteDoc()
            if doc.request:
                models.want(doc.request, "validation")
            if doc.params:
                models.want(doc.params, "validation")
            if doc.response and not _is_media_type(doc.response):
                models.want(doc.response, "serialization")
            entries.append((path, method, entry, access, doc))
    refs, schemas = models.render()
    schemas["Error"] = _error_schema()
    paths: dict[str, dict[str, Any]] = {}
    for path, method, entry, access, doc in entries:
        request = refs.get((doc.request, "validation")) if doc.request else None
        response = refs.get((doc.response, "serialization")) if doc.response else None
        params = refs.get((doc.params, "validation")) if doc.params else None
        operation: dict[str, Any] = {
            "operationId": entry.view_name,
            "summary": doc.summary,
            "description": _access_words(access),
            "tags": [getattr(entry.view_function, MODULE_ATTR, "api")],
            **_security(access),
            "parameters": _parameters(list(entry.view_args), params, schemas),
            "responses": _responses(doc, access, method, response),
        }
        body = _request_body(doc, list(entry.content_types), request) if method in ("POST", "PUT") else None
        if body is not None:
            operation["requestBody"] = body
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version,
                 "description": "Regionalna platforma e-Urzędu. Błędy: zawsze kształt `Error`, komunikaty po polsku."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                           "description": "Token RS256; rola w claimie `role` (albo `custom:role`)."}},
        },
    }
