"""JST directory (public) and configuration by the JST's administrator."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import get_clock
from chalicelib.core.http import endpoint, if_match_version, json_response, parse_body, require_principal
from chalicelib.modules import catalogue
from chalicelib.modules.tenants import logic, models
from chalicelib.modules.tenants.wiring import tenant_store

bp = Blueprint(__name__)
ADMINS = Access.of(Role.TENANT_ADMIN, Role.REGION_ADMIN, tenant_param="terc")
STAFF_READ = Access.of(Role.TENANT_ADMIN, Role.REGION_ADMIN, Role.FINANCE, tenant_param="terc")


@endpoint(bp, "/v1/tenants", access=Access.anyone(), summary="Jednostki samorządu regionu",
          response="openapi.shapes:TenantPage")
def list_tenants() -> Any:
    items = [s.model_dump(mode="json") for s in tenant_store().directory()]
    return {"items": items, "count": len(items)}


@endpoint(bp, "/v1/tenants/{terc}", access=Access.anyone(), summary="Dane kontaktowe i konto JST",
          response="modules.tenants.models:TenantProfile")
def tenant_profile(terc: str) -> Any:
    config = logic.require_tenant(tenant_store(), terc).config
    return models.TenantProfile(**config.model_dump())


@endpoint(bp, "/v1/tenants/{terc}/services", access=Access.anyone(), summary="Usługi udostępniane przez JST",
          response="openapi.shapes:TenantServices")
def tenant_services(terc: str) -> Any:
    config = logic.require_tenant(tenant_store(), terc).config
    found = catalogue.search(catalogue.definitions().latest_all(), q=None, category=None, tenant=config)
    return {"tenant": terc, "items": [e.model_dump(mode="json") for e in found], "count": len(found)}


@endpoint(bp, "/v1/tenants/{terc}/services/{service}", access=Access.anyone(), summary="Usługa w wersji JST",
          response="modules.catalogue.models:CatalogueEntry")
def tenant_service(terc: str, service: str) -> Any:
    config = logic.require_tenant(tenant_store(), terc).config
    return catalogue.tenant_service(catalogue.definitions(), config, service).model_dump(mode="json")


@endpoint(bp, "/v1/tenants/{terc}/services/{service}/fee", access=Access.anyone(), methods=("POST",),
          summary="Opłata za wniosek wypełniony dotąd (przed złożeniem)", request="modules.catalogue.models:FeeQuoteIn",
          response="modules.catalogue.models:FeeQuote")
def fee_quote(terc: str, service: str) -> Any:
    config = logic.require_tenant(tenant_store(), terc).config
    body = parse_body(bp.current_request.raw_body, catalogue.FeeQuoteIn)
    return catalogue.quote(catalogue.definitions(), config, service, body).model_dump(mode="json")


@endpoint(bp, "/v1/tenants/{terc}/config", access=ADMINS, summary="Konfiguracja JST (ETag = wersja)",
          response="openapi.shapes:TenantConfigView")
def tenant_config(terc: str) -> Any:
    stored = logic.require_tenant(tenant_store(), terc)
    return json_response({"version": stored.version, "config": stored.config.model_dump(mode="json")},
                         headers={"ETag": f'"{stored.version}"'})


@endpoint(bp, "/v1/tenants/{terc}/services/{service}/settings", access=ADMINS, methods=("PUT",),
          summary="Zmiana ustawień usługi w JST", request="modules.tenants.models:ServiceSettingChange",
          params="openapi.shapes:IfMatchHeaders", response="openapi.shapes:SettingChanged")
def change_service(terc: str, service: str) -> Any:
    change = parse_body(bp.current_request.raw_body, models.ServiceSettingChange)
    stored, audit = logic.change_service(
        tenant_store(),
        terc=terc,
        service_id=service,
        change=change,
        catalogue_ids=catalogue.definitions().ids(),
        definition=catalogue.definitions().get(service),
        actor=require_principal(),
        now=get_clock().now(),
        expected_version=if_match_version(bp.current_request.headers, "konfiguracji"),
    )
    setting = stored.config.setting(service)
    return json_response(
        {"version": stored.version, "service": setting.model_dump(mode="json") if setting else None,
         "audit_event": audit.event_id},
        headers={"ETag": f'"{stored.version}"'},
    )


@endpoint(bp, "/v1/tenants/{terc}/audit", access=STAFF_READ, summary="Dziennik zmian konfiguracji JST",
          response="openapi.shapes:AuditPage")
def tenant_audit(terc: str) -> Any:
    return {"items": logic.audit_of(tenant_store(), terc)}
