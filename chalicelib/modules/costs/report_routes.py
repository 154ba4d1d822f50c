"""The cost report API for finance: the month per JST, service or AWS resource (JSON or CSV), the metered rows
behind a figure, and the region's cost settings (rates, the split rule, the shared fixed items).

Who: the region's finance (no TERC in the token) sees every JST and changes the settings; a JST's finance sees
its own JST only (403 `tenant_forbidden` for another); every other role is refused. Its views hang on the
module's blueprint (`routes.bp`), which imports this file.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Response

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import WARSAW, get_clock
from chalicelib.core.errors import Forbidden
from chalicelib.core.http import endpoint, if_match_version, json_response, parse_body, require_principal
from chalicelib.modules.costs.report_wiring import (
    cost_settings,
    csv_report,
    queries,
    report_models,
    reporting,
    settings,
    settings_store,
)
from chalicelib.modules.costs.routes import bp

FINANCE = Access.of(Role.FINANCE)  # which JST a caller may see is decided per request (queries.scope)


def _params() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


def _today() -> Any:
    return get_clock().now().astimezone(WARSAW).date()


def _settings_response(stored: Any) -> Response:
    view = report_models.CostSettingsView(settings=stored.settings, version=stored.version,
                                          updated_at=stored.updated_at, updated_by=stored.updated_by)
    return json_response(view, headers={"ETag": f'"{stored.version}"'})


@endpoint(bp, "/v1/finance/costs", access=FINANCE,
          summary="Koszty platformy w miesiącu według JST, usługi albo zasobu AWS (JSON albo CSV)",
          params="modules.costs.report_models:CostsQuery", response="modules.costs.report_models:CostReport")
def month_costs() -> Any:
    request = bp.current_request
    query = queries.parse_query(_params(), accept=str(request.headers.get("accept") or ""), today=_today())
    tenant = queries.scope(query.tenant, own=require_principal().terc)
    found = reporting.month_costs(query.month, tenant=tenant, group_by=query.group_by)
    if query.csv:
        disposition = f'attachment; filename="{csv_report.filename(found)}"'
        return Response(body=csv_report.render(found).decode("utf-8"), status_code=200,
                        headers={"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition})
    return json_response(report_models.CostReport.model_validate(found))


@endpoint(bp, "/v1/finance/costs/rows", access=FINANCE, summary="Wiersze pomiaru stojące za kwotą raportu kosztów",
          params="modules.costs.report_models:CostRowsQuery", response="modules.costs.report_models:CostRows")
def cost_rows() -> Any:
    params = _params()
    month = queries.parse_month(params.get("month"), today=_today())
    own = require_principal().terc
    tenant = queries.scope(params.get("tenant") or None, own=own)
    found = reporting.rows_behind(month, tenant=tenant, service=params.get("service") or None,
                                  resource=params.get("resource") or None, regional=own is None)
    return json_response(report_models.CostRows.model_validate(found))


@endpoint(bp, "/v1/finance/cost-settings", access=FINANCE,
          summary="Ustawienia kosztów regionu: kursy USD→PLN, podział kosztów wspólnych, koszty wspólne",
          response="modules.costs.report_models:CostSettingsView")
def get_cost_settings() -> Any:
    return _settings_response(cost_settings().get() or settings_store.StoredSettings(settings.CostSettings(), 0))


@endpoint(bp, "/v1/finance/cost-settings", access=FINANCE, methods=("PUT",),
          summary="Zmiana ustawień kosztów regionu (finanse regionu; If-Match = wersja)",
          request="modules.costs.settings:CostSettings", response="modules.costs.report_models:CostSettingsView")
def put_cost_settings() -> Any:
    principal = require_principal()
    if principal.terc is not None:
        raise Forbidden("Ustawienia kosztów regionu zmieniają finanse regionu.", code="tenant_forbidden")
    request = bp.current_request
    new = parse_body(request.raw_body, settings.CostSettings)
    reporting.check_shared_prices(new, _today().strftime("%Y-%m"))
    at = get_clock().now()
    version = cost_settings().save(new, expected_version=if_match_version(request.headers, "ustawień kosztów"),
                                   at=at, actor=principal.subject)
    return _settings_response(settings_store.StoredSettings(new, version, at, principal.subject))
