"""AWS requests and cost per public register search (GET /v1/tenants/{terc}/registers/{register}: a page of 20,
filtered by state, searched by text, and the CSV), against a bare DynamoDB Query of 20 items measured in the
same run.

Run from the project root, inside a fresh emulator:

    .venv/bin/python -m infrastructure.emulator exec --port 4656 --state .local/bench-registers-emulator -- \
        .venv/bin/python bench/registers.py                # --n 20, --entries 120, --output PATH

The app runs in-process (`chalice.test.Client`) in one warm container; the register is filled through the
clerk's API first, the first search is a warm-up. Per search it records what the metering hook saw (requests by
service:Operation, DynamoDB read units), the metering write and the wall time. Measures only: no thresholds.
The report goes to stdout and to `bench/results/registers.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from local_platform import set_environment, set_up_platform
from pricing import prices_note, step_usd, usd
from requests_per_operation import api_client, install_recorder, summarize

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "registers.md"
PIASECZNO, REGISTER = "1418043", "ewidencja-zabytkow"
PRICED = ("dynamodb.read", "dynamodb.write", "apigateway.requests", "lambda.requests", "lambda.compute")
MARK = uuid.uuid4().hex[:6]
SEARCHES = {
    "page": "limit=20",
    "state": "limit=20&status=w-ewidencji",
    "text": f"limit=20&q=dwór {MARK}",
    "csv": "format=csv",
}
WHY = {"page": "the newest 20 (one Query of the register's partition)",
       "state": "the newest 20 in one state (one Query of the status index)",
       "text": "20 matching a word found in a quarter of the entries (a Query with a filter: DynamoDB reads what "
               "it skips)", "csv": "the whole register as CSV (Queries of 100)"}


def fill(client: Any, token: str, n: int) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for i in range(n):
        name = f"Dwór {MARK} nr {i}" if i % 4 == 0 else f"Kapliczka {uuid.uuid4().hex[:6]} nr {i}"
        data = {"name": name, "address": {"street": "ul. Polna", "building": str(i + 1), "postal_code": "05-500",
                                          "city": "Piaseczno"}, "teryt": "0921990", "dating": "XIX w.",
                "protection": ["ewidencja-gminna"]}
        made = client.http.post(f"/v1/tenants/{PIASECZNO}/registers/{REGISTER}", headers=headers,
                                body=json.dumps({"data": data}))
        if made.status_code != 201:
            raise SystemExit(f"fill: HTTP {made.status_code} {made.body[:300]!r}")


def search(client: Any, recorder: Any, query: str) -> dict[str, Any]:
    before, start = len(recorder.invocations), time.perf_counter()
    answer = client.http.get(f"/v1/tenants/{PIASECZNO}/registers/{REGISTER}?{query}")
    wall = (time.perf_counter() - start) * 1000.0
    if answer.status_code != 200 or len(recorder.invocations) != before + 1:
        raise SystemExit(f"search {query}: HTTP {answer.status_code} {answer.body[:300]!r}")
    return {**recorder.invocations[-1], "wall_ms": wall}


def baseline(n: int) -> list[dict[str, Any]]:
    """A bare Query of 20 items of the same partition, with boto3: the least a page could cost."""
    from chalicelib.core.metering import capacity_units
    from chalicelib.db.tables import table_name
    from chalicelib.integrations.aws import client

    dynamodb, samples = client("dynamodb"), []
    for _ in range(n + 1):
        start = time.perf_counter()
        reply = dynamodb.query(TableName=table_name("registers"), KeyConditionExpression="pk = :pk",
                               ExpressionAttributeValues={":pk": {"S": f"T#{PIASECZNO}#R#{REGISTER}"}},
                               Limit=20, ScanIndexForward=False, ReturnConsumedCapacity="TOTAL")
        samples.append({"wall_ms": (time.perf_counter() - start) * 1000.0, "read_units": capacity_units(reply)})
    return samples[1:]


def report(steps: dict[str, dict[str, Any]], base: list[dict[str, Any]], n: int, entries: int, elapsed: float) -> str:
    base_wall = statistics.median(b["wall_ms"] for b in base)
    base_rcu = sum(b["read_units"] for b in base) / len(base)
    base_usd = usd("dynamodb.read", base_rcu)
    lines = ["# AWS requests and cost per public register search", "",
             f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC}",
             f"- Python: {platform.python_version()}; machine: nproc {os.cpu_count()}, {platform.platform()}",
             f"- Register: {entries} monuments of one JST (filled through the clerk's API); {n} searches of each "
             f"kind after one warm-up, one warm container (`chalice.test.Client`); emulator at "
             f"`{os.environ.get('AWS_ENDPOINT_URL')}`; whole run {elapsed:.1f} s", "",
             "| search | AWS requests by service:Operation (mean) | + metering | RCU | wall median | USD per 1000 | "
             "× bare Query (requests / RCU / wall) |", "|---|---|---:|---:|---:|---:|---:|"]
    for name, s in steps.items():
        ops = ", ".join(f"{v:g} {k}" for k, v in s["requests"].items()) or "—"
        lines.append(f"| {name} | {ops} | +{s['metering_writes']:g} | {s['rcu']:.2f} | {s['wall_ms']:.1f} ms | "
                     f"{1000 * step_usd(s, http=True):.4f} | {sum(s['requests'].values()):g} / "
                     f"{s['rcu'] / base_rcu:.1f} / "
                     f"{s['wall_ms'] / base_wall:.1f} |")
    lines += [f"| baseline: one bare Query of 20 | 1 dynamodb:Query | | {base_rcu:.2f} | {base_wall:.1f} ms | "
              f"{1000 * base_usd:.4f} | 1 / 1.0 / 1.0 |", "",
              "Searches: " + "; ".join(f"**{k}** — {v}" for k, v in WHY.items()) + ".", "",
              "No search scans: each is one or more Queries of the register's partition or its status index, so its "
              "cost follows the entries read, never the table's size. The GetItem is the JST's configuration (which "
              "registers it keeps), read on every request as every module reads it.", "",
              prices_note(PRICED) + " Lambda GB-seconds on the wall median (indicative: in-process against a local "
              "emulator).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20, help="counted searches of each kind (default 20)")
    parser.add_argument("--entries", type=int, default=120, help="entries in the register (default 120)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    set_environment()
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    set_up_platform()
    from chalicelib.core import dev_issuer

    token = dev_issuer.issue(role="clerk", subject="bench-gn", terc=PIASECZNO, department="GN")  # type: ignore[arg-type]
    with api_client() as client:
        fill(client, token, args.entries)
        recorder = install_recorder()
        steps = {}
        for name, query in SEARCHES.items():
            search(client, recorder, query)  # warm-up
            steps[name] = summarize([search(client, recorder, query) for _ in range(args.n)])
    text = report(steps, baseline(args.n), args.n, args.entries, time.perf_counter() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
