"""The budgets' parts, loaded on first use like the module's own: the logic and models as lazy modules, the store
(one per warm container) and the month's cost (the costs' report for one JST, by the costs report's own path)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.modules.costs import (
        alerts,
        budget_costs,
        budget_models,
        budget_store,
        budgets,
        fees_vs_costs,
        reporting,
    )
else:
    alerts = lazy_module("chalicelib.modules.costs.alerts")
    budget_costs = lazy_module("chalicelib.modules.costs.budget_costs")
    budget_models = lazy_module("chalicelib.modules.costs.budget_models")
    budget_store = lazy_module("chalicelib.modules.costs.budget_store")
    budgets = lazy_module("chalicelib.modules.costs.budgets")
    fees_vs_costs = lazy_module("chalicelib.modules.costs.fees_vs_costs")
    reporting = lazy_module("chalicelib.modules.costs.reporting")

__all__ = ["alerts", "budget_costs", "budget_models", "budget_store", "budgets", "budgets_store", "fees_vs_costs",
           "month_costs"]


@lru_cache(maxsize=1)
def budgets_store() -> budget_store.DynamoBudgets:
    return budget_store.DynamoBudgets()


def _read(month: str, tenant: str | None, all_paid: bool) -> reporting.MonthInputs:
    """The month's inputs as `GET /v1/finance/costs` reads them for `tenant` (None: every JST), from the day rows
    (the budgets need the days): the partitions the report needs and the JSTs' payments, one Query each."""
    return reporting.month_inputs(month, tenant=tenant, live=True, all_paid=all_paid)


def _report(read: reporting.MonthInputs, terc: str) -> dict[str, Any]:
    return reporting.report_of(read, tenant=terc, group_by="service")


def month_costs(tenant: str | None = None, *,
                all_paid: bool = False) -> budget_costs.ReportCosts[reporting.MonthInputs]:
    """A cost source for one request or one run of the schedule (it keeps the month's inputs it read): for one JST
    (`tenant`) or for all of them; `all_paid`: with every JST's payments of the month (`inputs(month).paid`)."""
    return budget_costs.ReportCosts(lambda month: _read(month, tenant, all_paid), _report)
