"""The registers' schedule: every night, after midnight Warsaw, the permits past their last day turn "wygasłe"
(`expiry.py`)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Cron

from chalicelib.core.clock import get_clock
from chalicelib.core.observability import logger
from chalicelib.modules import tenants

bp = Blueprint(__name__)


@bp.schedule(Cron(30, 23, "*", "*", "?", "*"))  # 23:30 UTC: 00:30 in Warsaw in winter, 01:30 in summer
def permits_expiry(event: Any) -> None:
    from chalicelib.modules.registers import expiry
    from chalicelib.modules.registers.wiring import ports, registers

    done = expiry.run(ports(), registers(), expiry.watched(tenants.configs()), at=get_clock().now())
    logger.info("permits expired", extra={"expired": done.expired, "kept": done.kept})
