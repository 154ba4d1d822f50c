"""The budgets' parts, loaded on first use like the module's own: the logic and models as lazy modules, the store,
the month's cost (the costs' report for one JST) and the mailer, one each per warm container."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.modules.costs import (
        alerts,
        budget_costs,
        budget_models,
        budget_store,
        budgets,
        fees_vs_costs,
    )
else:
    alerts = lazy_module("chalicelib.modules.costs.alerts")
    budget_costs = lazy_module("chalicelib.modules.costs.budget_costs")
    budget_models = lazy_module("chalicelib.modules.costs.budget_models")
    budget_store = lazy_module("chalicelib.modules.costs.budget_store")
    budgets = lazy_module("chalicelib.modules.costs.budgets")
    fees_vs_costs = lazy_module("chalicelib.modules.costs.fees_vs_costs")

__all__ = ["alerts", "budget_costs", "budget_models", "budget_store", "budgets", "budgets_store", "fees_vs_costs",
           "month_costs"]


@lru_cache(maxsize=1)
def budgets_store() -> budget_store.DynamoBudgets:
    return budget_store.DynamoBudgets()


@lru_cache(maxsize=1)
def month_costs() -> budget_costs.ReportCosts:
    return budget_costs.ReportCosts()
