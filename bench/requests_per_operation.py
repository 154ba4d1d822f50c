"""AWS requests per API operation: measured against the minimum each operation needs, and what it costs.

Run from the project root, inside a fresh emulator:

    .venv/bin/python -m infrastructure.emulator exec --port 4598 --state .local/bench-emulator -- \
        .venv/bin/python bench/requests_per_operation.py

The app runs in-process (`chalice.test.Client`) against the emulator, in one warm container. For every
operation the first call is a warm-up and is not counted; the next `--calls` calls are. Per call it records
what the metering hook saw (`Usage.requests`, DynamoDB read/write capacity units), the metering write itself
(one UpdateItem per invocation, outside `Usage.requests`) and the wall time. It measures and writes down:
no thresholds, no pass/fail. The report goes to stdout and to `bench/results/requests_per_operation.md`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import math
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_platform import SinkRecorder, set_environment, set_up_platform
from pricing import prices_note, usd

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "requests_per_operation.md"
PIASECZNO = "1418043"
LESZNOWOLA = "1418032"

PER = 1_000_000  # costs are given per this many calls
SES_SEND_OPERATIONS = ("ses:SendEmail", "ses:SendRawEmail", "sesv2:SendEmail")


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    status: int  # the expected HTTP status; a different one stops the run
    minimum: dict[str, int]  # AWS requests per warm call ("service:Operation" -> count)
    why: str  # one line: why that is the minimum
    role: str | None = None  # token role, or None for an anonymous call
    terc: str | None = None  # the token's TERC claim
    bodies: tuple[dict[str, Any] | Callable[[], bytes], ...] = ()  # JSON bodies or XML makers, used in turn


@functools.cache
def sealed_document() -> bytes:
    """A ~2 KB letter sealed with the office seal (demo PKI installed by set_up_platform)."""
    from lxml import etree

    from chalicelib.modules.signatures import logic as service

    return service.seal(etree.fromstring(b"<pismo xmlns='urn:eurzad:pismo'><tresc>Zawiadomienie</tresc></pismo>"))


# The minimum each operation needs in a warm container. Requests made only on a container's first use (the
# catalogue Scan, SQS GetQueueUrl) fall into the warm-up call; the catalogue Scan comes back once per
# `catalogue_cache_seconds` (60 s), so it is not part of any operation's per-call minimum.
OPERATIONS: tuple[Operation, ...] = (
    Operation("GET /v1/catalogue", "GET", "/v1/catalogue", 200, {},
              "the published catalogue is served from the container cache"),
    Operation("GET /v1/catalogue?tenant=", "GET", f"/v1/catalogue?tenant={PIASECZNO}", 200,
              {"dynamodb:GetItem": 1},
              "1 GetItem of the JST's configuration (which services it offers); catalogue from the cache"),
    Operation("GET /v1/catalogue/{service}/form", "GET", "/v1/catalogue/zezwolenie-na-usuniecie-drzew/form", 200,
              {}, "the form is built from the cached definition"),
    Operation("GET /v1/tenants", "GET", "/v1/tenants", 200, {},
              "the public JST directory is served from the container cache (a Scan per minute at most)"),
    Operation("GET /v1/tenants/{terc}/services", "GET", f"/v1/tenants/{PIASECZNO}/services", 200,
              {"dynamodb:GetItem": 1}, "1 GetItem of the JST's configuration; catalogue from the cache"),
    Operation("GET /v1/tenants/{terc}/config", "GET", f"/v1/tenants/{PIASECZNO}/config", 200,
              {"dynamodb:GetItem": 1}, "1 GetItem of the JST's configuration (the token is checked locally)",
              role="tenant-admin", terc=PIASECZNO),
    Operation("PUT /v1/tenants/{terc}/services/{service}/settings", "PUT",
              f"/v1/tenants/{LESZNOWOLA}/services/pismo-ogolne/settings", 200,
              {"dynamodb:GetItem": 1, "dynamodb:TransactWriteItems": 1, "sqs:SendMessage": 1},
              "1 GetItem + 1 TransactWriteItems (config + audit) + 1 SendMessage; GetQueueUrl on first use only",
              role="tenant-admin", terc=LESZNOWOLA, bodies=({"enabled": False}, {"enabled": True})),
    Operation("GET /v1/tenants/{terc}/audit", "GET", f"/v1/tenants/{PIASECZNO}/audit", 200,
              {"dynamodb:Query": 1},
              "1 Query of the JST's audit partition (the token already names the JST)",
              role="tenant-admin", terc=PIASECZNO),
    Operation("POST /v1/signatures/verify", "POST", "/v1/signatures/verify", 200, {},
              "trust store from the container cache (one S3 GetObject per container and 15 minutes)",
              bodies=(sealed_document,)),
    Operation("GET /v1/tenants/{terc}/config (anonymous, 401)", "GET", f"/v1/tenants/{PIASECZNO}/config", 401,
              {}, "refused by the middleware before any view runs"),
)


@dataclass
class Sample:
    """One counted call."""

    status: int
    wall_ms: float
    duration_ms: float  # what the middleware measured (`metering.finish`), the metering write excluded
    memory_mb: int
    requests: Counter[str]
    read_units: float
    write_units: float
    metering_writes: int
    metering_write_units: float


@dataclass
class Recorder(SinkRecorder):
    """Captures what each invocation handed to the metering sink, and the sink's own write."""

    invocations: list[dict[str, Any]] = field(default_factory=list)


def install_recorder() -> Recorder:
    """Wrap the metering sink so every invocation's `Usage` is recorded before it is written."""
    from chalicelib.core.metering import Usage
    from chalicelib.db import metering as db_metering
    from chalicelib.integrations.aws import client

    recorder = Recorder()
    client("dynamodb").meta.events.register("after-call.dynamodb", recorder.on_sink_call)
    original: Callable[..., None] = db_metering.DynamoUsageSink.add

    def add(self: Any, usage: Usage, *, duration_ms: float, day: str) -> None:
        recorder.sink_requests, recorder.sink_units, recorder.in_sink = 0, 0.0, True
        try:
            original(self, usage, duration_ms=duration_ms, day=day)
        finally:
            recorder.in_sink = False
        recorder.invocations.append({
            "requests": Counter(usage.requests), "read_units": usage.read_units, "write_units": usage.write_units,
            "duration_ms": duration_ms, "memory_mb": usage.memory_mb,
            "metering_writes": recorder.sink_requests, "metering_write_units": recorder.sink_units,
        })

    db_metering.DynamoUsageSink.add = add  # type: ignore[method-assign]
    return recorder


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Recorded invocations of one step (each with its `wall_ms`): mean requests by `service:Operation`, mean
    capacity units, the metering's own writes, the median wall time."""
    requests: Counter[str] = Counter()
    for r in rows:
        requests.update(r["requests"])
    n = len(rows)
    return {"requests": {k: v / n for k, v in sorted(requests.items())},
            "rcu": sum(r["read_units"] for r in rows) / n, "wcu": sum(r["write_units"] for r in rows) / n,
            "metering_wcu": sum(r["metering_write_units"] for r in rows) / n,
            "metering_writes": sum(r["metering_writes"] for r in rows) / n,
            "wall_ms": statistics.median(r["wall_ms"] for r in rows), "memory_mb": rows[0]["memory_mb"]}


@contextlib.contextmanager
def api_client() -> Iterator[Any]:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="bench", project_dir=str(ROOT)) as client:
        yield client


def call(client: Any, recorder: Recorder, op: Operation, index: int, token: str | None) -> Sample:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = b""
    if op.bodies:
        item = op.bodies[index % len(op.bodies)]
        if callable(item):
            body, headers["Content-Type"] = item(), "application/xml"
        else:
            body, headers["Content-Type"] = json.dumps(item).encode(), "application/json"
    before = len(recorder.invocations)
    start = time.perf_counter()
    response = client.http.request(op.method, op.path, headers=headers, body=body)
    wall_ms = (time.perf_counter() - start) * 1000.0
    if response.status_code != op.status:
        raise SystemExit(f"{op.name}: HTTP {response.status_code}, expected {op.status}: {response.body[:300]!r}")
    if len(recorder.invocations) != before + 1:
        raise SystemExit(f"{op.name}: expected one metered invocation, saw {len(recorder.invocations) - before}")
    got = recorder.invocations[-1]
    return Sample(status=response.status_code, wall_ms=wall_ms, **got)


@dataclass(frozen=True)
class Result:
    op: Operation
    samples: list[Sample]

    @property
    def n(self) -> int:
        return len(self.samples)

    def per_call(self) -> dict[str, float]:
        total: Counter[str] = Counter()
        for s in self.samples:
            total.update(s.requests)
        return {k: v / self.n for k, v in sorted(total.items())}

    def requests(self) -> float:
        return sum(self.per_call().values())

    def mean(self, attr: str) -> float:
        return sum(float(getattr(s, attr)) for s in self.samples) / self.n

    def median(self, attr: str) -> float:
        return statistics.median(float(getattr(s, attr)) for s in self.samples)

    def excess(self) -> dict[str, float]:
        """Requests per call above (positive) or below (negative) the minimum, by service:Operation."""
        measured = self.per_call()
        keys = sorted(set(measured) | set(self.op.minimum))
        diff = {k: measured.get(k, 0.0) - self.op.minimum.get(k, 0) for k in keys}
        return {k: v for k, v in diff.items() if abs(v) > 1e-9}

    def cost(self) -> dict[str, float]:
        """USD per `PER` calls, by item."""
        per_call = self.per_call()
        sqs = sum(v for k, v in per_call.items() if k.startswith("sqs:"))
        emails = sum(per_call.get(k, 0.0) for k in SES_SEND_OPERATIONS)
        memory_gb = self.samples[0].memory_mb / 1024.0
        billed_s = math.ceil(self.median("wall_ms")) / 1000.0  # Lambda bills whole milliseconds
        return {
            "dynamodb": usd("dynamodb.read", PER * self.mean("read_units"))
            + usd("dynamodb.write", PER * self.mean("write_units")),
            "metering": usd("dynamodb.write", PER * self.mean("metering_write_units")),
            "sqs": usd("sqs.requests", PER * sqs),
            "ses": usd("ses.messages", PER * emails),
            "lambda_requests": usd("lambda.requests", PER),
            "lambda_compute": usd("lambda.compute", PER * memory_gb * billed_s),
        }


def num(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.2f}"


def ops_text(counts: dict[str, float], signed: bool = False) -> str:
    if not counts:
        return "—"
    parts = []
    for k, v in counts.items():
        text = num(abs(v)) if signed else num(v)
        sign = ("+" if v > 0 else "−") if signed else ""
        parts.append(f"{sign}{text} {k}")
    return ", ".join(parts)


def ratio_text(measured: float, minimum: int) -> str:
    if minimum == 0:
        return "=" if measured == 0 else "∞ (min 0)"
    return f"{measured / minimum:.2f}×"


def comparison_table(results: list[Result]) -> list[str]:
    lines = [
        "| Operation | min req | measured req | ratio | above the minimum | + metering write | total req/call |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        minimum = sum(r.op.minimum.values())
        measured = r.requests()
        metering = r.mean("metering_writes")
        excess = r.excess()
        lines.append(
            f"| `{r.op.name}` | {minimum} | {num(measured)} | {ratio_text(measured, minimum)} | "
            f"{ops_text(excess, signed=True) if excess else 'at the minimum'} | +{num(metering)} | "
            f"{num(measured + metering)} |"
        )
    return lines


def report(results: list[Result], calls: int, elapsed_s: float) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    memory = results[0].samples[0].memory_mb
    lines = [
        "# AWS requests per API operation",
        "",
        f"- Date: {now}",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- Machine: nproc {os.cpu_count()}, {platform.platform()} ({platform.machine()})",
        f"- Calls: {calls} per operation after one warm-up call, one warm container "
        f"(`chalice.test.Client`, {memory} MB configured), local emulator at `{os.environ['AWS_ENDPOINT_URL']}`",
        f"- Whole run: {elapsed_s:.1f} s",
        "",
        "## Requests per call against the minimum",
        "",
        "AWS requests the operation made (the botocore metering hook, `Usage.requests`), mean per call. The "
        "metering write (one UpdateItem per invocation, outside `Usage.requests`) is its own column.",
        "",
        *comparison_table(results),
        "",
        "Minimum per operation (constants in the script):",
        "",
    ]
    lines += [f"- `{r.op.name}`: {ops_text(dict(r.op.minimum)) if r.op.minimum else '0'} — {r.op.why}"
              for r in results]
    lines += [
        "",
        "## Measured, per call",
        "",
        "| Operation | requests by service:Operation | RCU | WCU | metering WCU | wall median | wall p90 | "
        "in-handler median |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        walls = sorted(s.wall_ms for s in r.samples)
        p90 = walls[max(1, math.ceil(0.9 * len(walls))) - 1]
        lines.append(
            f"| `{r.op.name}` | {ops_text(r.per_call())} | {r.mean('read_units'):.2f} | {r.mean('write_units'):.2f} | "
            f"{r.mean('metering_write_units'):.2f} | {r.median('wall_ms'):.1f} ms | {p90:.1f} ms | "
            f"{r.median('duration_ms'):.1f} ms |"
        )
    lines += [
        "",
        "RCU/WCU: DynamoDB capacity units from `ConsumedCapacity` as the emulator reports them (on demand, "
        "read/write request units). Wall: `client.http.request(...)` in-process, including the metering write; "
        "in-handler: the middleware's own `duration_ms` (metering write excluded). Write units include index "
        "writes (the metering table has none, so its UpdateItem costs 1 WCU per KB); transactional writes "
        "(the PUT) cost 2 WCU per KB and item. Strongly consistent reads "
        "(the JST's configuration) cost 1 RCU per 4 KB, eventually consistent ones (the audit Query) half that.",
        "",
        f"## Estimated cost per {PER:,} calls (USD, on-demand, eu-central-1)",
        "",
        "| Operation | DynamoDB | metering write | SQS | SES | Lambda requests | Lambda compute | total |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        c = r.cost()
        lines.append(
            f"| `{r.op.name}` | {c['dynamodb']:.2f} | {c['metering']:.2f} | {c['sqs']:.2f} | {c['ses']:.2f} | "
            f"{c['lambda_requests']:.2f} | {c['lambda_compute']:.2f} | **{sum(c.values()):.2f}** |"
        )
    lines += [
        "",
        prices_note(["dynamodb.read", "dynamodb.write", "sqs.requests", "ses.messages", "lambda.requests",
                     "lambda.compute"])
        + f" Lambda compute at {memory} MB, billed on the wall median rounded up to 1 ms. "
        "API Gateway, CloudWatch Logs and data transfer are not included.",
        "",
        "**The Lambda compute figure is indicative only:** the duration is the in-process wall time of the Chalice "
        "test client against a local emulator on this machine, not Lambda's. On Lambda, network round trips to "
        "DynamoDB/SQS and the CPU share of a 512 MB function change it (in either direction). The request and "
        "capacity-unit figures do not depend on the machine.",
        "",
        "Not in the table: the PUT's change notice is e-mailed by the `tenant_events` worker (its own invocation: "
        f"SQS receive/delete, idempotency record, audit update, 1 SES e-mail = ${usd('ses.messages', PER):.0f} per "
        "million changes), and the catalogue Scan each warm container repeats every `catalogue_cache_seconds`.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=20, help="counted calls per operation (default 20)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"report file (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")

    set_environment()
    started = time.perf_counter()
    set_up_platform()
    recorder = install_recorder()  # before the first request: the middleware calls the sink it was given
    from chalicelib.core import dev_issuer

    results: list[Result] = []
    with api_client() as client:
        for op in OPERATIONS:
            token = None
            if op.role:
                token = dev_issuer.issue(role=op.role, subject=f"bench-{op.role}-{op.terc}", terc=op.terc)
            call(client, recorder, op, 0, token)  # warm-up, not counted
            samples = [call(client, recorder, op, i + 1, token) for i in range(args.calls)]
            results.append(Result(op, samples))
    text = report(results, args.calls, time.perf_counter() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
