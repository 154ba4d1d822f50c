"""Each invocation's metering as a CloudWatch embedded metric format (EMF) log line, for production's dashboards
and alarms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).

Switched on by `EURZAD_METRICS_NAMESPACE` (the prod stage sets it); off locally and in tests. CloudWatch Logs
turns the line into metrics: nothing is sent to CloudWatch from the function, so it adds no request and no
latency. Two dimension sets, [JST] and [service], rather than one [JST, service]: every distinct combination
of dimension values is a custom metric billed per month, and the pair would multiply JSTs by services. The pair,
the module and the function stay in the line as plain members, for CloudWatch Logs Insights. Powertools'
Metrics emits a single dimension set, hence this small writer; json is loaded anyway, so a cold start pays nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from chalicelib.core.metering import Usage, UsageSink

# (EMF member, unit, the value from the invocation); units are the spec's MetricDefinition units.
METRICS: tuple[tuple[str, str, Callable[[Usage, float], float]], ...] = (
    ("Invocations", "Count", lambda u, ms: 1),
    ("Errors", "Count", lambda u, ms: 1 if u.error else 0),
    ("Duration", "Milliseconds", lambda u, ms: round(ms, 3)),
    ("GBSeconds", "None", lambda u, ms: round(u.memory_mb / 1024.0 * ms / 1000.0, 6)),
    ("AwsRequests", "Count", lambda u, ms: sum(u.requests.values())),
    ("ReadUnits", "Count", lambda u, ms: round(u.read_units, 6)),
    ("WriteUnits", "Count", lambda u, ms: round(u.write_units, 6)),
)
DIMENSION_SETS = [["JST"], ["service"]]


def document(usage: Usage, *, duration_ms: float, day: str, namespace: str, timestamp_ms: int) -> dict[str, Any]:
    """The EMF document of one invocation (pure)."""
    doc: dict[str, Any] = {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": DIMENSION_SETS,
                "Metrics": [{"Name": name, "Unit": unit} for name, unit, _ in METRICS],
            }],
        },
        "JST": usage.tenant,
        "service": usage.service,
        "module": usage.module,
        "function": usage.function,
        "day": day,
    }
    for name, _, value in METRICS:
        doc[name] = value(usage, duration_ms)
    return doc


class EmfUsageSink:
    """Writes each invocation's usage as one EMF line to stdout (the function's log stream)."""

    def __init__(self, namespace: str, *, write: Callable[[str], object] | None = None,
                 now_ms: Callable[[], int] | None = None) -> None:
        import time

        self._namespace = namespace
        self._write = write or sys.stdout.write
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))

    def add(self, usage: Usage, *, duration_ms: float, day: str) -> None:
        doc = document(usage, duration_ms=duration_ms, day=day, namespace=self._namespace,
                       timestamp_ms=self._now_ms())
        self._write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")


class Tee:
    """Hands the usage to every sink; one failing does not keep it from the others (the first error is raised
    afterwards, so `metering.finish` still logs it)."""

    def __init__(self, *sinks: UsageSink) -> None:
        self._sinks = sinks

    def add(self, usage: Usage, *, duration_ms: float, day: str) -> None:
        failure: Exception | None = None
        for sink in self._sinks:
            try:
                sink.add(usage, duration_ms=duration_ms, day=day)
            except Exception as exc:  # re-raised below, once every sink had its turn
                failure = failure or exc
        if failure is not None:
            raise failure
