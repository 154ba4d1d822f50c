"""The costs API for finance: the AWS prices a month is priced with."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import WARSAW, get_clock
from chalicelib.core.http import endpoint, json_response
from chalicelib.modules.costs import logic

bp = Blueprint(__name__)
FINANCE_ANY = Access.of(Role.FINANCE)  # a JST's finance and the region's: the prices are the same for all


def _query() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


@endpoint(bp, "/v1/finance/prices", access=FINANCE_ANY, summary="Cennik AWS, którym wyceniany jest miesiąc",
          params="modules.costs.models:PricesQuery", response="modules.costs.models:PriceListView")
def prices() -> Any:
    month = logic.parse_month(_query().get("month"), today=get_clock().now().astimezone(WARSAW).date())
    view = logic.price_list_view(logic.prices_of(month), month)
    from chalicelib.modules.costs import models  # pydantic loads with the first request that answers with it

    return json_response(models.PriceListView.model_validate(view))
