"""One Logger, Tracer and Metrics for the whole app (Powertools). Tenant and service go on every log line."""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "eurzad"

# Locally (tests, emulator) there is no X-Ray daemon: tracing is off unless the stage turns it on.
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "EUrzad")

logger = Logger(service=SERVICE)
metrics = Metrics(service=SERVICE)
# The X-Ray SDK costs ~200 ms of import on every cold start; load it only where tracing is on.
tracer: Tracer | None = (
    None if os.environ["POWERTOOLS_TRACE_DISABLED"].lower() == "true" else Tracer(service=SERVICE)
)


def bind(*, tenant: str | None, service: str | None, **extra: object) -> None:
    """Put the JST and service of the current invocation on every following log line."""
    logger.append_keys(tenant=tenant or "-", service=service or "-", **extra)


def unbind() -> None:
    logger.remove_keys(["tenant", "service", "principal", "route", "event_id"])
