"""The nightly month roll-up (`rollup.py`): after midnight Warsaw, yesterday's month recomputed from every JST's
and the region's day rows, so on the 1st the previous month is closed. On the costs workers' blueprint."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalice.app import Cron

from chalicelib.core.clock import get_clock
from chalicelib.core.metering import REGION, day_of
from chalicelib.core.observability import logger
from chalicelib.modules import tenants
from chalicelib.modules.costs import rollup
from chalicelib.modules.costs.workers import bp


@bp.schedule(Cron(0, 3, "*", "*", "?", "*"))  # 03:00 UTC: after the Warsaw day has turned and storage is measured
def month_rollup(event: Any) -> None:
    from chalicelib.modules.costs import rollup_store

    month, through = rollup.period(date.fromisoformat(day_of(get_clock().now())))
    partitions = [*sorted(c.terc for c in tenants.configs()), REGION]
    written = rollup_store.roll_up_month(partitions, month, through)
    logger.info("metering rolled up", extra={"month": month, "through": through, "items": written})
