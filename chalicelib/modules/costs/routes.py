"""The costs API for finance: the month's report (JSON or CSV), the metered rows behind a figure, and the region's
cost settings; the budgets and the fees beside the costs (`budget_routes.py`)."""

from __future__ import annotations

from chalice.app import Blueprint

bp = Blueprint(__name__)

from chalicelib.modules.costs import budget_routes  # noqa: E402, F401
