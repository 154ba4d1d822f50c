"""Metering: what each invocation cost, per JST, e-service, catalogue service, function and day.

A botocore event hook counts every AWS request made during an invocation (service + operation) and the
DynamoDB capacity it consumed. At the end of the invocation one UpdateItem adds it all to the day's row.
The hook is installed into botocore's built-in handlers, so every client made afterwards (boto3 and
PynamoDB alike) reports to it; this module must be imported before any AWS client is created.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import botocore.handlers

from chalicelib.core.clock import WARSAW, get_clock

READ_OPERATIONS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
CAPACITY_OPERATIONS = READ_OPERATIONS | frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
)
REGION = "region"  # the tenant key of work done for the whole region (catalogue search, ...)


@dataclass
class Usage:
    """What one invocation used."""

    function: str
    memory_mb: int
    started: float = field(default_factory=time.perf_counter)
    tenant: str = REGION
    module: str = "-"
    service: str = "-"
    requests: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    error: bool = False
    http: bool = False  # an API Gateway request (priced per request on top of the function's own cost)

    def attribute(self, *, tenant: str | None = None, module: str | None = None, service: str | None = None) -> None:
        if tenant:
            self.tenant = tenant
        if module:
            self.module = module
        if service:
            self.service = service

    def record_call(self, service_name: str, operation: str, parsed: dict[str, Any] | None) -> None:
        self.requests[f"{service_name}:{operation}"] += 1
        if service_name != "dynamodb" or not parsed:
            return
        units = capacity_units(parsed)
        if operation in READ_OPERATIONS:
            self.read_units += units
        else:
            self.write_units += units


def capacity_units(parsed: Any) -> float:
    """The DynamoDB capacity a response reports (one entry, or one per table for batches and transactions)."""
    consumed = parsed.get("ConsumedCapacity") if isinstance(parsed, dict) else None
    if not consumed:
        return 0.0
    entries = consumed if isinstance(consumed, list) else [consumed]
    return sum(float(e.get("CapacityUnits", 0) or 0) for e in entries)


class UsageSink(Protocol):
    def add(self, usage: Usage, *, duration_ms: float, day: str) -> None: ...


_current: Usage | None = None


def current() -> Usage | None:
    return _current


def begin(*, function: str, memory_mb: int) -> Usage:
    global _current
    _current = Usage(function=function, memory_mb=memory_mb)
    return _current


def attribute(*, tenant: str | None = None, service: str | None = None) -> None:
    """Name the JST and catalogue service of the current invocation (if any) once the handler has loaded what it
    serves: a resident's or a clerk's case route names neither in its path, and its cost belongs to the case's."""
    if _current is not None:
        _current.attribute(tenant=tenant, service=service)


def finish(sink: UsageSink) -> Usage | None:
    """Close the invocation and hand its usage to the sink (one write). Never raises."""
    global _current
    usage, _current = _current, None
    if usage is None:
        return None
    duration_ms = (time.perf_counter() - usage.started) * 1000.0
    day = day_of(get_clock().now())
    try:
        sink.add(usage, duration_ms=duration_ms, day=day)
    except Exception:  # metering must never fail the user's request
        from chalicelib.core.observability import logger

        logger.exception("metering write failed", extra={"usage_tenant": usage.tenant})
    return usage


def _after_call(
    http_response: Any = None, parsed: Any = None, model: Any = None, **_: Any
) -> None:
    usage = _current
    if usage is None or model is None:
        return
    usage.record_call(model.service_model.service_name, model.name, parsed if isinstance(parsed, dict) else None)


def _ask_for_capacity(params: dict[str, Any], model: Any = None, **_: Any) -> None:
    # PynamoDB already asks; plain boto3 calls get the same so capacity is always known.
    if model is not None and model.name in CAPACITY_OPERATIONS:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")


def install() -> None:
    entries = [("after-call", _after_call), ("before-parameter-build.dynamodb", _ask_for_capacity)]
    for entry in entries:
        if entry not in botocore.handlers.BUILTIN_HANDLERS:
            botocore.handlers.BUILTIN_HANDLERS.append(entry)


def day_of(moment: datetime) -> str:
    return moment.astimezone(WARSAW).date().isoformat()


install()
