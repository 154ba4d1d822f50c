"""The costs module's schedules: each JST's storage measured once a day (S3 bytes under its prefixes, its estimated
share of the DynamoDB tables) and written into the metering table as GB-days, priced like any other usage; and
every hour the budgets' alerts (`budget_alerts.py`, on this blueprint); every night the month roll-up
(`rollup_worker.py`)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Cron

from chalicelib.core.clock import get_clock
from chalicelib.core.metering import day_of
from chalicelib.core.observability import logger
from chalicelib.modules import tenants

bp = Blueprint(__name__)


@bp.schedule(Cron(30, 2, "*", "*", "?", "*"))  # 02:30 UTC: after the Warsaw day has turned
def storage_meter(event: Any) -> None:
    from chalicelib.modules import tables
    from chalicelib.modules.costs import storage_meter as meter

    day = day_of(get_clock().now())
    names = [model.Meta.table_name for model in tables()]
    measured = meter.measure_day([c.terc for c in tenants.configs()], day, names)
    logger.info("storage measured", extra={"day": day, "jsts": len(measured),
                                           "bytes": sum(m.bytes for m in measured.values())})


from chalicelib.modules.costs import budget_alerts, rollup_worker  # noqa: E402, F401
