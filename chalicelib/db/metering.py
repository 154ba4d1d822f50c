"""Writes one invocation's usage into the metering table: a single UpdateItem with ADD."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from chalicelib.core.metering import Usage
from chalicelib.integrations.aws import client
from chalicelib.resources import table_name


def metering_key(usage: Usage, day: str) -> dict[str, str]:
    return {
        "pk": f"T#{usage.tenant}",
        "sk": f"D#{day}#M#{usage.module}#S#{usage.service}#F#{usage.function}",
    }


def _num(value: float) -> dict[str, str]:
    return {"N": str(Decimal(str(round(value, 6))))}


def usage_update(usage: Usage, *, duration_ms: float, day: str) -> dict[str, Any]:
    """The UpdateItem request for one invocation (pure, so it is unit-tested without AWS)."""
    adds: dict[str, float] = {
        "invocations": 1,
        "api_requests": 1 if usage.http else 0,
        "errors": 1 if usage.error else 0,
        "duration_ms": duration_ms,
        # GB-seconds is what Lambda bills: configured memory times duration.
        "gb_seconds": usage.memory_mb / 1024.0 * duration_ms / 1000.0,
        "read_units": usage.read_units,
        "write_units": usage.write_units,
        "aws_requests": sum(usage.requests.values()),
        # The metering write itself, so the row accounts for its own cost too.
        "metering_writes": 1,
    }
    for op, count in usage.requests.items():
        adds[f"aws:{op}"] = count
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    add_parts = []
    for i, (attr, amount) in enumerate(adds.items()):
        names[f"#a{i}"] = attr
        values[f":a{i}"] = _num(amount)
        add_parts.append(f"#a{i} :a{i}")
    sets = {"day": day, "tenant": usage.tenant, "module": usage.module, "service": usage.service,
            "function": usage.function}
    set_parts = []
    for i, (attr, text) in enumerate(sets.items()):
        names[f"#s{i}"] = attr
        values[f":s{i}"] = {"S": text}
        set_parts.append(f"#s{i} = :s{i}")
    names["#mem"] = "memory_mb"
    values[":mem"] = {"N": str(usage.memory_mb)}
    set_parts.append("#mem = :mem")
    return {
        "TableName": table_name("metering"),  # MeteringTable's (chalicelib.db.tables), without PynamoDB
        "Key": {k: {"S": v} for k, v in metering_key(usage, day).items()},
        "UpdateExpression": "SET " + ", ".join(set_parts) + " ADD " + ", ".join(add_parts),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


class DynamoUsageSink:
    def add(self, usage: Usage, *, duration_ms: float, day: str) -> None:
        request = usage_update(usage, duration_ms=duration_ms, day=day)
        # The metering write must not count itself into the next invocation: it runs after `finish`
        # cleared the current usage, so the hook ignores it.
        client("dynamodb").update_item(**request)



@lru_cache(maxsize=1)
def usage_sink() -> DynamoUsageSink:
    """The sink the edge middleware and the workers hand each invocation's usage to (one per warm container)."""
    return DynamoUsageSink()
