"""The cost report's parts, loaded on first use like the module's own (`wiring.py`): the report, its queries,
CSV and API models, and the region's cost settings store (one per warm container)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.modules.costs import csv_report, queries, report, report_models, reporting, settings, settings_store
else:
    csv_report = lazy_module("chalicelib.modules.costs.csv_report")
    queries = lazy_module("chalicelib.modules.costs.queries")
    report = lazy_module("chalicelib.modules.costs.report")
    report_models = lazy_module("chalicelib.modules.costs.report_models")
    reporting = lazy_module("chalicelib.modules.costs.reporting")
    settings = lazy_module("chalicelib.modules.costs.settings")
    settings_store = lazy_module("chalicelib.modules.costs.settings_store")

__all__ = ["cost_settings", "csv_report", "queries", "report", "report_models", "reporting", "settings",
           "settings_store"]


@lru_cache(maxsize=1)
def cost_settings() -> settings_store.DynamoCostSettings:
    return settings_store.DynamoCostSettings()
