"""The month's cost report at the scale of a region: 314 JSTs with a month of metering rows (bench/cost_region.py),
the report for the whole region and for one JST, timed and with its AWS requests counted, against a bare Query
of the same partitions in the same run; the region report from the month roll-up (the nightly `rollup_store`
run timed too) against the live one of the same run; and what producing the report costs, priced by the core's
price list.

Run from the project root, inside a fresh emulator (`make bench-costs`):

    .venv/bin/python -m infrastructure.emulator exec --port 4677 --state .local/bench-costs-emulator -- \
        .venv/bin/python bench/costs.py

Each way is run `--runs` times after a warm-up; the median wall time is reported. The requests are counted by a
hook where botocore sends each HTTP request (every client, every attempt), with the read capacity the responses
report. The report goes to stdout and to `bench/results/costs.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import cost_region
from local_platform import PREFIX, set_environment

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "costs.md"
MONTH = "2026-11"
RATE = Decimal("4.0000")  # an example rate for the bench, not the NBP's
API_MEMORY_MB = 512  # the API function's memory (infrastructure/template.py)


@dataclass
class Requests:
    """What the hook saw: requests by service:Operation and by table, read capacity units."""

    counts: Counter[str] = field(default_factory=Counter)
    scans: Counter[str] = field(default_factory=Counter)
    read_units: Decimal = Decimal(0)


class Hook:
    """Counts every HTTP request botocore sends while `counting` is on."""

    def __init__(self) -> None:
        self.seen: Requests | None = None

    def install(self) -> None:
        import botocore.endpoint

        send = botocore.endpoint.Endpoint._do_get_response
        hook = self

        def counting(endpoint: Any, request: Any, operation_model: Any, context: Any) -> Any:
            answer = send(endpoint, request, operation_model, context)
            seen = hook.seen
            if seen is not None:
                name = f"{operation_model.service_model.service_name}:{operation_model.name}"
                seen.counts[name] += 1
                if name == "dynamodb:Scan":
                    import json

                    seen.scans[json.loads(request.body or b"{}").get("TableName", "?")] += 1
                parsed = answer[0][1] if answer and answer[0] else None
                consumed = (parsed or {}).get("ConsumedCapacity") if isinstance(parsed, dict) else None
                if isinstance(consumed, dict):
                    seen.read_units += Decimal(str(consumed.get("CapacityUnits", 0)))
            return answer

        botocore.endpoint.Endpoint._do_get_response = counting  # type: ignore[method-assign]

    @contextmanager
    def counting(self) -> Iterator[Requests]:
        self.seen = Requests()
        try:
            yield self.seen
        finally:
            self.seen = None


@dataclass
class Way:
    name: str
    walls_ms: list[float]
    requests: Requests
    result: Any = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.walls_ms)


def measure(hook: Hook, name: str, run: Callable[[], Any], runs: int, *, warm_up: bool = True) -> Way:
    if warm_up:
        run()  # clients, price list, first connections
    walls: list[float] = []
    seen = Requests()
    result = None
    for _ in range(runs):
        with hook.counting() as run_seen:
            started = time.perf_counter()
            result = run()
            walls.append((time.perf_counter() - started) * 1000.0)
        seen.counts.update(run_seen.counts)
        seen.scans.update(run_seen.scans)
        seen.read_units += run_seen.read_units
    return Way(name, walls, seen, result)


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size by DynamoDB's rules (names and values in UTF-8; a number ~1 byte per 2 digits + 1)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        if "S" in value:
            size += len(value["S"].encode())
        elif "N" in value:
            size += (len(value["N"].replace("-", "").replace(".", "")) + 1) // 2 + 1
    return size


def read_units(items: list[dict[str, Any]]) -> Decimal:
    """What an eventually consistent Query of these items costs on AWS: half a unit per 4 KB read (the emulator
    reports 0.5 whatever the size)."""
    return Decimal(-(-sum(item_bytes(i) for i in items) // 4096)) / 2


def bare_query(terc: str, month: str) -> list[dict[str, Any]]:
    """The baseline: the same partition's Query pages, items left as DynamoDB sends them."""
    from chalicelib.integrations.aws import client
    from chalicelib.modules.costs.repository import month_query

    pages = client("dynamodb").get_paginator("query").paginate(**month_query(terc, month))
    return [item for page in pages for item in page.get("Items", [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jsts", type=int, default=cost_region.POWIATY + cost_region.GMINY)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--services", type=int, default=30, help="metering rows per JST and day")
    parser.add_argument("--runs", type=int, default=3, help="runs of the one-JST report")
    parser.add_argument("--region-runs", type=int, default=1, help="runs of each region-wide way")
    parser.add_argument("--skip-write", action="store_true", help="the region is already in the emulator")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    set_environment()
    from infrastructure import stack, template

    stack.deploy(f"{PREFIX}-resources", template.render())
    from chalicelib.core.metering import REGION
    from chalicelib.modules.costs import queries, rollup_store
    from chalicelib.modules.costs.model import cost_lines
    from chalicelib.modules.costs.prices import price_list
    from chalicelib.modules.costs.report import TenantInfo, month_report
    from chalicelib.modules.costs.repository import DynamoMeteringReader
    from chalicelib.modules.costs.settings import CostSettings, UsdRate
    from chalicelib.modules.tenants.wiring import tenant_store

    powiaty = max(1, round(args.jsts * cost_region.POWIATY / (cost_region.POWIATY + cost_region.GMINY)))
    jsts = cost_region.region(powiaty=powiaty, gminy=args.jsts - powiaty)
    started = time.perf_counter()
    if args.skip_write:
        written = {"tenants": len(jsts), "rows": len(jsts) * args.days * args.services, "requests": 0}
    else:
        written = cost_region.write_region(jsts, MONTH, days=args.days, services=args.services)
    write_s = time.perf_counter() - started
    print(f"written: {written} in {write_s:.1f} s", file=sys.stderr)

    hook = Hook()
    hook.install()
    prices = price_list(MONTH)
    settings = CostSettings(rates=[UsdRate(month=MONTH, pln_per_usd=RATE, source="bench: kurs przykładowy")])
    reader = DynamoMeteringReader()

    def jst_list() -> dict[str, Any]:
        return {c.terc: TenantInfo(c.terc, c.name) for c in tenant_store().all()}

    infos = jst_list()
    tercs = sorted(infos)
    one = next(j.terc for j in jsts if j.kind == "gmina-miejska")

    def report(tenant: str | None, workers: int) -> dict[str, Any]:
        keys = queries.partitions(tenant, tercs, settings)
        rows = queries.read_all(lambda t: reader.month(t, MONTH), keys, workers=workers)
        lines = cost_lines(rows, prices)
        return month_report(lines, month=MONTH, group_by="tenant", settings=settings, tenants=infos, prices=prices,
                            tenant=tenant, rows=rows)

    def bare(tenant: str | None, workers: int) -> list[list[dict[str, Any]]]:
        keys = queries.partitions(tenant, tercs, settings)
        return queries.read_all(lambda t: [bare_query(t, MONTH)], keys, workers=workers)

    ways: list[tuple[str, Way, Way, Decimal]] = []
    for label, tenant, workers, runs in ((f"one JST ({one})", one, queries.READERS, args.runs),
                                         ("region, 1 Query at a time", None, 1, args.region_runs),
                                         (f"region, {queries.READERS} Queries at once", None, queries.READERS,
                                          args.region_runs)):
        warm = tenant is not None  # a region-wide way is warmed by the one-JST way before it
        core = measure(hook, label, lambda t=tenant, w=workers: report(t, w), runs, warm_up=warm)  # type: ignore[misc]
        base = measure(hook, label, lambda t=tenant, w=workers: bare(t, w), runs, warm_up=warm)  # type: ignore[misc]
        # read units as AWS counts them: per Query, half a unit per 4 KB of the partition's items (one page each)
        ways.append((label, core, base, sum((read_units(items) for items in base.result), Decimal(0))))
        print(f"{label}: report {core.median_ms:.0f} ms, bare {base.median_ms:.0f} ms", file=sys.stderr)
    listing = measure(hook, "JST list", jst_list, args.runs)

    # The night's roll-up of the whole month, then the region report from it against the live one above
    through = f"{MONTH}-{min(args.days, 30):02d}"
    night = measure(hook, "roll-up", lambda: rollup_store.roll_up_month([*tercs, REGION], MONTH, through), 1,
                    warm_up=False)

    def from_rollup() -> dict[str, Any]:
        rows, _ = rollup_store.month_rollup(MONTH)
        return month_report(cost_lines(rows, prices), month=MONTH, group_by="tenant", settings=settings,
                            tenants=infos, prices=prices, rows=rows)

    rolled = measure(hook, "region from the roll-up", from_rollup, args.runs)
    assert rolled.result == ways[-1][1].result, "the report from the roll-up differs from the live one"
    assert not rolled.requests.scans and not night.requests.scans

    # A region report never scans the metering table: one Query (page) per partition
    for _, core, _, _ in ways:
        assert not core.requests.scans, core.requests.scans
    region = ways[-1]
    region_rows = sum(len(items) for items in region[2].result)
    region_usd = Decimal(region[1].result["totals"]["usage_usd"])
    text = results(args, written, write_s, ways, listing, region_rows, region_usd, prices)
    text += rollup_section(ways[-1], night, rolled, through, region_rows, prices)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


def _ops(counts: Counter[str], runs: int) -> str:
    return ", ".join(f"{n / runs:g} {k}" for k, n in sorted(counts.items())) or "—"


def results(args: argparse.Namespace, written: dict[str, int], write_s: float,
            ways: list[tuple[str, Way, Way, Decimal]],
            listing: Way, rows: int, region_usd: Decimal, prices: Any) -> str:
    read_price = prices.price("dynamodb.read")
    lambda_req, api_req = prices.price("lambda.requests"), prices.price("apigateway.requests")
    compute = prices.price("lambda.compute")
    lines = [
        "# The month's cost report at the scale of a region",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Python: {platform.python_version()}; machine: nproc {os.cpu_count()}, {platform.platform()}",
        f"- Emulator: `{os.environ.get('AWS_ENDPOINT_URL')}` (local, in-process client; the wall times are this "
        "machine's, the requests and read units are not)",
        f"- Region: {written['tenants']} JSTs (TenantConfig items) and {written['rows']} metering rows of {MONTH} "
        f"({args.days} days x {args.services} rows a JST and day), "
        + (f"written by {written['requests']} BatchWriteItem requests in {write_s:.1f} s" if written["requests"]
           else "already in the emulator (`--skip-write`)")
        + f" (bench/cost_region.py, seed {cost_region.SEED})",
        f"- Rows read by a region report: {rows}; the region's month priced: ${region_usd:.4f}",
        f"- Runs: {args.runs} of the one-JST report after a warm-up, {args.region_runs} of each region-wide way "
        "(after the one-JST way); wall time is the median",
        "",
        "## The report against a bare Query of the same partitions",
        "",
        "The report: the partitions (`queries.partitions`), each read by `DynamoMeteringReader.month` (one paged "
        "Query) through `queries.read_all`, priced by `model.cost_lines`, then `report.month_report`. The "
        "baseline: the same Query pages, items left undecoded.",
        "",
        "| way | report | bare Query | ratio | requests per report | read units per report (AWS) |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for label, core, base, units in ways:
        ratio = core.median_ms / base.median_ms if base.median_ms else float("nan")
        lines.append(f"| {label} | {core.median_ms:.0f} ms | {base.median_ms:.0f} ms | {ratio:.2f}x | "
                     f"{_ops(core.requests.counts, len(core.walls_ms))} | {units:g} |")
    lines += [
        "",
        f"The JST list the report names the JSTs from (`tenants` store, `all()`): {listing.median_ms:.0f} ms, "
        f"{_ops(listing.requests.counts, len(listing.walls_ms))} a time (a Scan of the tenants table, "
        f"{written['tenants']} items, not of the metering table; the API's directory caches it per container).",
        "",
        "No Scan of the metering table in any report (asserted by the bench and by "
        "tests/integration/test_cost_region.py).",
        "",
        "## What producing a report costs (core price list)",
        "",
        "| way | read units | DynamoDB | Lambda (512 MB, median wall) | requests (Lambda + API Gateway) | total USD |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, core, _, units in ways:
        ddb = read_price.cost(units)
        lam = compute.cost(Decimal(API_MEMORY_MB) / 1024 * Decimal(str(core.median_ms)) / 1000)
        req = lambda_req.cost(Decimal(1)) + api_req.cost(Decimal(1))
        lines.append(f"| {label} | {units:g} | ${ddb:.8f} | ${lam:.8f} | ${req:.8f} | ${ddb + lam + req:.8f} |")
    lines += [
        "",
        f"Prices: {read_price.usd} USD per {read_price.per} {read_price.unit} ({read_price.source}); "
        f"{compute.usd} USD per {compute.per} {compute.unit}; {lambda_req.usd} USD per {lambda_req.per} Lambda "
        f"requests, {api_req.usd} USD per {api_req.per} API Gateway requests. Query reads are eventually "
        "consistent: half a unit per 4 KB of items read, counted from the items' sizes by DynamoDB's "
        "rules (the emulator reports 0.5 a Query whatever its size). The Lambda figure is indicative: the wall "
        "time is this machine's.",
        "",
    ]
    return "\n".join(lines)


def rollup_section(live: tuple[str, Way, Way, Decimal], night: Way, rolled: Way, through: str, rows: int,
                   prices: Any) -> str:
    label, core, _, live_units = live
    ratio = core.median_ms / rolled.median_ms if rolled.median_ms else float("nan")
    runs = len(rolled.walls_ms)
    compute = prices.price("lambda.compute")
    lam = compute.cost(Decimal(API_MEMORY_MB) / 1024 * Decimal(str(rolled.median_ms)) / 1000)
    return "\n".join([
        "",
        "## The region report from the month roll-up",
        "",
        f"The nightly roll-up (`rollup_store.roll_up_month`, through {through}): {night.median_ms:.0f} ms, "
        f"{_ops(night.requests.counts, 1)}; {night.result} items (one per JST and catalogue service) for "
        f"{rows} day rows.",
        "",
        "| way | report | requests per report | ratio live / roll-up |",
        "|---|---:|---|---:|",
        f"| {label} (live, above) | {core.median_ms:.0f} ms | {_ops(core.requests.counts, len(core.walls_ms))} "
        "| 1.00x |",
        f"| region from the roll-up | {rolled.median_ms:.0f} ms | {_ops(rolled.requests.counts, runs)} | "
        f"{ratio:.1f}x |",
        "",
        f"The report from the roll-up is the live one's JSON exactly (asserted); the live report read {live_units:g} "
        f"read units. From the roll-up a report's Lambda time costs ${lam:.8f} at 512 MB (this machine's wall time).",
        "",
    ])


if __name__ == "__main__":
    sys.exit(main())
