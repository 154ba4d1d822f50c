"""The costs module's schedules."""

from __future__ import annotations

from chalice.app import Blueprint

bp = Blueprint(__name__)

from chalicelib.modules.costs import budget_alerts  # noqa: E402, F401
