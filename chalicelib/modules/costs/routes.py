"""The costs API for finance: the month's report (JSON or CSV), the metered rows behind a figure, and the region's
cost settings."""

from __future__ import annotations

from chalice.app import Blueprint

bp = Blueprint(__name__)
