"""The budgets' parts, loaded on first use like the module's own: the logic and models as lazy modules, the store,
the month's cost (the costs' report for one JST) and the mailer, one each per warm container."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.core.lazy import lazy_module
from chalicelib.modules import tenants

if TYPE_CHECKING:
    from chalicelib.modules.costs import (
        alerts,
        budget_costs,
        budget_models,
        budget_store,
        budgets,
        fees_vs_costs,
    )
    from chalicelib.modules.costs.model import CostLine
    from chalicelib.modules.costs.report import TenantInfo
    from chalicelib.modules.costs.settings import CostSettings
else:
    alerts = lazy_module("chalicelib.modules.costs.alerts")
    budget_costs = lazy_module("chalicelib.modules.costs.budget_costs")
    budget_models = lazy_module("chalicelib.modules.costs.budget_models")
    budget_store = lazy_module("chalicelib.modules.costs.budget_store")
    budgets = lazy_module("chalicelib.modules.costs.budgets")
    fees_vs_costs = lazy_module("chalicelib.modules.costs.fees_vs_costs")

__all__ = ["alerts", "budget_costs", "budget_models", "budget_store", "budgets", "budgets_store", "fees_vs_costs",
           "month_costs", "region_settings"]


@lru_cache(maxsize=1)
def budgets_store() -> budget_store.DynamoBudgets:
    return budget_store.DynamoBudgets()


def region_settings() -> CostSettings:
    """The region's cost settings (rates, allocation, shared items) as the costs' report reads them; none stored:
    the defaults (no rate: the report's 409 `rate_missing`)."""
    from chalicelib.modules.costs.report_wiring import cost_settings
    from chalicelib.modules.costs.settings import CostSettings

    stored = cost_settings().get()
    return stored.settings if stored else CostSettings()


def _tenants() -> dict[str, TenantInfo]:
    from chalicelib.modules.costs.report import TenantInfo

    return {c.terc: TenantInfo(c.terc, c.name, getattr(c, "population", None)) for c in tenants.configs()}


def _lines(month: str, tenant: str | None) -> list[CostLine]:
    """The month's priced lines the report needs for `tenant` (None: every JST): its partition, the region's,
    and every JST's when the region is asked for or the shared costs are split by usage (one Query each)."""
    from chalicelib.modules.costs import logic, queries
    from chalicelib.modules.costs.model import cost_lines
    from chalicelib.modules.costs.wiring import metering_reader

    keys = queries.partitions(tenant, [c.terc for c in tenants.configs()], region_settings())
    reader = metering_reader()
    return cost_lines(queries.read_all(lambda terc: reader.month(terc, month), keys), logic.prices_of(month))


def _report(lines: list[CostLine], month: str, terc: str) -> dict[str, Any]:
    from chalicelib.modules.costs import logic
    from chalicelib.modules.costs.report import month_report

    return month_report(lines, month=month, group_by="service", settings=region_settings(), tenants=_tenants(),
                        prices=logic.prices_of(month), tenant=terc)


def month_costs(tenant: str | None = None) -> budget_costs.ReportCosts:
    """A cost source for one request or one run of the schedule (it keeps the month's lines it read): for one JST
    (`tenant`) or for all of them."""
    return budget_costs.ReportCosts(lambda month: _lines(month, tenant), _report)
