"""The costs' API for finance."""

from __future__ import annotations

from chalice.app import Blueprint

bp = Blueprint(__name__)

from chalicelib.modules.costs import budget_routes  # noqa: E402, F401
