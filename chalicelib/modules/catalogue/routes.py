"""Public catalogue API (WKUP): search, service detail, form as JSON Schema + UI hints."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access
from chalicelib.core.errors import Unprocessable
from chalicelib.core.http import endpoint
from chalicelib.core.inputs import ascii_int
from chalicelib.modules import tenants
from chalicelib.modules.catalogue import logic
from chalicelib.modules.catalogue.models import CatalogueSearch
from chalicelib.modules.catalogue.wiring import catalogue

bp = Blueprint(__name__)


def _query() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


def _version() -> int | None:
    raw = _query().get("version")
    if raw is None:
        return None
    version = ascii_int(raw)
    if version is None or version < 1:
        raise Unprocessable(details=[{"field": "version", "code": "int_parsing",
                                      "message": "Wersja musi być dodatnią liczbą całkowitą."}])
    return version


@endpoint(bp, "/v1/catalogue", access=Access.anyone(), summary="Wyszukiwanie usług w katalogu",
          params="modules.catalogue.models:CatalogueSearch", response="openapi.shapes:CataloguePage")
def search() -> Any:
    params = CatalogueSearch.model_validate(_query())
    tenant = tenants.config(params.tenant) if params.tenant else None
    found = logic.search(catalogue().latest_all(), q=params.q, category=params.category, tenant=tenant)
    return {"items": [e.model_dump(mode="json") for e in found], "count": len(found)}


@endpoint(bp, "/v1/catalogue/{service}", access=Access.anyone(), summary="Opis usługi",
          params="openapi.shapes:VersionQuery", response="modules.catalogue.models:CatalogueEntry")
def service_detail(service: str) -> Any:
    defn = logic.require(catalogue(), service, _version())
    return logic.entry(defn).model_dump(mode="json")


@endpoint(bp, "/v1/catalogue/{service}/form", access=Access.anyone(), summary="Formularz usługi (JSON Schema)",
          params="openapi.shapes:VersionQuery", response="modules.catalogue.models:FormSchema")
def service_form(service: str) -> Any:
    defn = logic.require(catalogue(), service, _version())
    return logic.form_schema(defn)
