"""The actual-costs side of the costs module, loaded on first use: what AWS billed (Cost Explorer, its answers
kept per container for `cost_explorer_cache_seconds`: every request costs USD 0.01) and the region's estimate
from every JST's metering (replaceable in tests by a source of their own, `use_source`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.integrations.actual_costs import ActualCostSource, MonthActuals
    from chalicelib.modules.costs import actuals, actuals_models, logic, model, prices
else:
    actuals = lazy_module("chalicelib.modules.costs.actuals")
    actuals_models = lazy_module("chalicelib.modules.costs.actuals_models")
    logic = lazy_module("chalicelib.modules.costs.logic")
    model = lazy_module("chalicelib.modules.costs.model")

__all__ = ["CachedActuals", "actual_costs", "actuals", "actuals_models", "estimate_lines", "use_source"]


class CachedActuals:
    """A source whose answers are kept per month for `ttl_seconds`; a refusal is not kept."""

    def __init__(self, source: ActualCostSource, ttl_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._ttl = ttl_seconds
        self._clock = clock
        self._kept: dict[str, tuple[float, MonthActuals]] = {}

    def month(self, month: str) -> MonthActuals:
        kept = self._kept.get(month)
        if kept is not None and self._clock() - kept[0] < self._ttl:
            return kept[1]
        answer = self._source.month(month)
        self._kept[month] = (self._clock(), answer)
        return answer


_sources: list[ActualCostSource] = []


def use_source(source: ActualCostSource | None) -> None:
    """Read actual costs from `source` instead of Cost Explorer (None: back to Cost Explorer)."""
    _sources.clear()
    if source is not None:
        _sources.append(source)


def actual_costs() -> ActualCostSource:
    if _sources:
        return _sources[0]
    if not _default:
        from chalicelib.integrations.cost_explorer import CostExplorer, ce_client

        settings = get_settings()
        _default.append(CachedActuals(CostExplorer(ce_client(), region=settings.region),
                                      settings.cost_explorer_cache_seconds))
    return _default[0]


_default: list[ActualCostSource] = []


def estimate_lines(month: str) -> tuple[list[model.CostLine], prices.PriceList]:
    """Every JST's (and the region's own) metered month priced with the month's price list: one Query per
    partition, a few at once (the costs report's reader)."""
    from chalicelib.core.metering import REGION
    from chalicelib.modules import tenants
    from chalicelib.modules.costs import queries
    from chalicelib.modules.costs.wiring import metering_reader

    price_list = logic.prices_of(month)  # 404 no_price_list for a month before the first price list
    reader = metering_reader()
    owners = [config.terc for config in tenants.configs()] + [REGION]
    rows = queries.read_all(lambda terc: reader.month(terc, month), owners)
    return model.cost_lines(rows, price_list), price_list
