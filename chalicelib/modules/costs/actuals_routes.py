"""The estimate set against what AWS billed, for the region's finance: `GET /v1/finance/costs/actual`.

Its views hang on the module's blueprint (`routes.bp`), which imports this file.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import WARSAW, get_clock
from chalicelib.core.errors import Forbidden
from chalicelib.core.http import endpoint, json_response, require_principal
from chalicelib.core.settings import get_settings
from chalicelib.modules.costs.actuals_wiring import actual_costs, actuals, actuals_models, estimate_lines
from chalicelib.modules.costs.routes import bp

# Finance of the region: a JST's finance officer (a token with a TERC) is refused in the view, the data being
# every JST's.
REGION_FINANCE = Access.of(Role.FINANCE)


@endpoint(bp, "/v1/finance/costs/actual", access=REGION_FINANCE,
          summary="Szacunek kosztów a rachunek AWS (Cost Explorer) w miesiącu, według usług AWS i jednostek",
          params="modules.costs.actuals_models:ActualCostsQuery",
          response="modules.costs.actuals_models:ActualCostsView")
def actual_costs_of_month() -> Any:
    if require_principal().terc is not None:
        raise Forbidden("Porównanie z rachunkiem AWS obejmuje cały region: widzą je tylko finanse regionu.",
                        code="tenant_forbidden")
    from chalicelib.integrations.actual_costs import ActualCostsUnavailable  # with the first call, not at cold start

    today = get_clock().now().astimezone(WARSAW).date()
    month = actuals.parse_month(dict(bp.current_request.query_params or {}).get("month"), today=today)
    try:  # first, so that without Cost Explorer nothing else is read
        billed = actual_costs().month(month)
    except ActualCostsUnavailable as exc:
        raise actuals.ActualCostsUnavailable(extra={"retryable": exc.retryable}) from exc
    lines, price_list = estimate_lines(month)
    body = actuals.view(actuals.compare(lines, billed), prices_valid_from=price_list.valid_from.isoformat(),
                        region=get_settings().region)
    return json_response(actuals_models.ActualCostsView.model_validate(body))
