"""The daily overdue sweep (art. 36 KPA) over one JST with 100,000 cases, against a bare query of the same items.

Run from the project root (or `make bench-cases`; not part of `make bench` or `make test`: writing 100,000
cases takes minutes):

    .venv/bin/python bench/overdue_sweep.py            # --cases 100000 --overdue 300 --rounds 5 --port 4632

Without AWS_ENDPOINT_URL the script starts its own local emulator (ministack) on --port (or a free port when that
one is taken), state under .local/bench-overdue, stopped and removed at the end; with AWS_ENDPOINT_URL set it uses
that emulator instead.

The JST (Gmina Piaseczno of the demo region, four departments) gets `--cases` cases written in bulk
(BatchWriteItem, 25 a request, items shaped as the repository writes them): most settled or closed (no due-date
key), most open ones due later, `--overdue` open cases past their date with the clock running (each with the
party's e-mail), and a tenth as many past their date with the clock stopped by a summons (read, then skipped).

Then, in the same run:
  - the first sweep (`cases.overdue.sweep` over the JST's departments, as the daily schedule calls it): reads
    the past-due keys of the due-date index and gives each running overdue case its notice (read, conditional
    write, e-mail, the notice counted);
  - rounds that alternate the bare query (the same index queries, every page, nothing else) and the idle sweep
    (the sweep again, the same day: it reads the same items and finds nothing to do) — the two should cost the
    same; and, once, a Scan of the table with the same filter, to show what the index saves.
AWS requests and DynamoDB capacity units are counted by the app's own metering hook. It measures and writes
down: no thresholds, no pass/fail. The report goes to stdout and to `bench/results/overdue_sweep.md`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_platform import set_environment, set_up_platform

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "overdue_sweep.md"
STATE = ROOT / ".local" / "bench-overdue"
TERC = "1418043"  # Gmina Piaseczno: OR, FN, GK, OS
DEPARTMENTS = ("OR", "FN", "GK", "OS")
DEFAULT_PORT = 4632


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def emulator(port: int) -> Iterator[str]:
    """The endpoint to use: AWS_ENDPOINT_URL if set, otherwise a private emulator for this run."""
    if os.environ.get("AWS_ENDPOINT_URL"):
        yield os.environ["AWS_ENDPOINT_URL"]
        return
    from infrastructure import emulator as emu

    if emu.port_busy(port):
        port = _free_port()
    print(f"starting the emulator on port {port} (state {STATE.relative_to(ROOT)})", file=sys.stderr, flush=True)
    emu.start(port, STATE, fresh=True)
    os.environ["AWS_ENDPOINT_URL"] = emu.endpoint(port)
    try:
        yield os.environ["AWS_ENDPOINT_URL"]
    finally:
        emu.stop(STATE)
        shutil.rmtree(STATE, ignore_errors=True)


# --- the JST's cases -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mix:
    total: int
    overdue: int  # running, past due: noticed
    paused: int  # past due, clock stopped: read, skipped
    open_later: int  # open, due later: on the index, never read by the sweep
    ended: int  # settled or closed: not on the index

    @classmethod
    def of(cls, total: int, overdue: int) -> Mix:
        paused = max(1, overdue // 10)
        open_later = (total - overdue - paused) * 2 // 5
        return cls(total, overdue, paused, open_later, total - overdue - paused - open_later)


def _case_item(i: int, kind: str, today: dt.date, rng: random.Random) -> dict[str, Any]:
    from chalicelib.modules.cases.keys import case_sk, clerk_key, due_key, inbox_pk, state_key

    department = DEPARTMENTS[i % len(DEPARTMENTS)]
    case_id = uuid.UUID(int=rng.getrandbits(128)).hex
    registered = dt.datetime.combine(today - dt.timedelta(days=rng.randint(40, 400)), dt.time(9),
                                     tzinfo=dt.UTC) + dt.timedelta(seconds=i)
    due = {"overdue": today - dt.timedelta(days=rng.randint(1, 30)),
           "paused": today - dt.timedelta(days=rng.randint(1, 30)),
           "open": today + dt.timedelta(days=rng.randint(1, 60)),
           "ended": today - dt.timedelta(days=rng.randint(1, 300))}[kind]
    status = {"overdue": "w_toku", "paused": "wezwanie", "open": "w_toku",
              "ended": rng.choice(("zalatwiona", "zakonczona"))}[kind]
    record = {"case_id": case_id, "case_sign": f"{department}.3120.{i + 1}.{registered.year}", "terc": TERC,
              "department": department, "jrwa": "3120", "year": registered.year, "number": i + 1,
              "status": status, "service": "pismo-ogolne", "service_name": "Pismo ogólne do urzędu",
              "applicant": "Jan Kowalski", "submission_id": case_id, "owner": f"bench-resident-{i % 5000}",
              "registered_at": registered.isoformat(), "started_on": registered.date().isoformat(),
              "deadline_kind": "1-miesiac", "deadline": "1 miesiąc", "due_date": due.isoformat(),
              "flags": [], "signed": False, "assignee": f"bench-clerk-{department}-{i % 7}"}
    sk = case_sk(registered, case_id)
    item: dict[str, Any] = {
        "pk": {"S": inbox_pk(TERC, department)}, "sk": {"S": sk}, "case_id": {"S": case_id},
        "case_sign": {"S": record["case_sign"]}, "owner": {"S": record["owner"]},
        "record": {"S": json.dumps(record, ensure_ascii=False)},
        "state_key": {"S": state_key(TERC, department, status)},
        "clerk_key": {"S": clerk_key(TERC, record["assignee"])}, "version": {"N": "1"},
    }
    key = due_key(record, sk)
    if key:
        item["due_on"] = {"S": key}
    if kind == "overdue":
        item["email"] = {"S": f"strona-{i}@example.pl"}
    return item


def write_cases(mix: Mix, today: dt.date) -> tuple[float, int]:
    """The JST's cases in bulk (BatchWriteItem, 4 writers); seconds it took, and their size in bytes (roughly:
    names and values, as DynamoDB counts an item's size)."""
    from chalicelib.integrations.aws import client
    from chalicelib.modules.cases.resources import CaseTable

    rng = random.Random(12)  # test data
    kinds = ["overdue"] * mix.overdue + ["paused"] * mix.paused + ["open"] * mix.open_later + ["ended"] * mix.ended
    rng.shuffle(kinds)
    items = [_case_item(i, kind, today, rng) for i, kind in enumerate(kinds)]
    table = CaseTable.Meta.table_name
    batches = [items[i:i + 25] for i in range(0, len(items), 25)]

    def put(batch: list[dict[str, Any]]) -> None:
        ddb = client("dynamodb")
        request: dict[str, Any] = {table: [{"PutRequest": {"Item": item}} for item in batch]}
        while request:
            answer = ddb.batch_write_item(RequestItems=request)
            request = answer.get("UnprocessedItems") or {}

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        for n, _ in enumerate(pool.map(put, batches), 1):
            if n % 400 == 0:
                print(f"  {n * 25:,} cases written", file=sys.stderr, flush=True)
    size = sum(_size(item) for item in items)
    return time.perf_counter() - started, size


# --- what is measured ------------------------------------------------------------------------------------------

@dataclass
class Measured:
    seconds: float
    requests: Counter[str]
    read_units: float
    write_units: float
    items: int  # items read (bare query, scan) or past-due cases read (sweep)
    noticed: int = 0


class _NoSink:
    def add(self, usage: Any, *, duration_ms: float, day: str) -> None:
        return None


def metered(run: Callable[[], tuple[int, int]]) -> Measured:
    """Run under a metering `Usage` of its own, as an invocation would be metered."""
    from chalicelib.core import metering

    usage = metering.begin(function="bench", memory_mb=512)
    started = time.perf_counter()
    try:
        items, noticed = run()
    finally:
        seconds = time.perf_counter() - started
        metering.finish(_NoSink())  # the usage is read here, not written
    return Measured(seconds, usage.requests, usage.read_units, usage.write_units, items, noticed)


def sweep_run(now: dt.datetime) -> Callable[[], tuple[int, int]]:
    from chalicelib.integrations.clients import mailer
    from chalicelib.modules.cases import overdue
    from chalicelib.modules.cases.wiring import cases

    def run() -> tuple[int, int]:
        result = overdue.sweep(cases(), mailer(), terc=TERC, departments=DEPARTMENTS, now=now)
        return result.read, result.noticed

    return run


BARE_BYTES = [0, 0]  # the last bare query's bytes read, and the running sum while it runs


def _size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it, roughly: attribute names and values."""
    return sum(len(k) + len(str(next(iter(v.values()))).encode()) for k, v in item.items())


def bare_query(today: dt.date) -> Callable[[], tuple[int, int]]:
    """The same index queries, every page, and nothing else."""
    from chalicelib.integrations.aws import client
    from chalicelib.modules.cases.keys import inbox_pk
    from chalicelib.modules.cases.resources import CaseTable

    def run() -> tuple[int, int]:
        ddb, items = client("dynamodb"), 0
        for department in DEPARTMENTS:
            start: dict[str, Any] | None = None
            while True:
                extra = {"ExclusiveStartKey": start} if start else {}
                page = ddb.query(TableName=CaseTable.Meta.table_name, IndexName="by-due",
                                 KeyConditionExpression="pk = :pk AND due_on < :today",
                                 ExpressionAttributeValues={":pk": {"S": inbox_pk(TERC, department)},
                                                            ":today": {"S": today.isoformat()}},
                                 ProjectionExpression="pk, sk, due_on, #r", ExpressionAttributeNames={"#r": "record"},
                                 Limit=500, **extra)
                items += len(page["Items"])
                BARE_BYTES[0] = BARE_BYTES[1] + sum(_size(item) for item in page["Items"])
                BARE_BYTES[1] = BARE_BYTES[0]
                start = page.get("LastEvaluatedKey")
                if not start:
                    break
        BARE_BYTES[1] = 0
        return items, 0

    return run


def table_scan(today: dt.date) -> Callable[[], tuple[int, int]]:
    """What the sweep would cost without the index: every case of the table, filtered on the due key."""
    from chalicelib.integrations.aws import client
    from chalicelib.modules.cases.resources import CaseTable

    def run() -> tuple[int, int]:
        ddb, items, start = client("dynamodb"), 0, None
        while True:
            extra = {"ExclusiveStartKey": start} if start else {}
            page = ddb.scan(TableName=CaseTable.Meta.table_name, FilterExpression="due_on < :today",
                            ExpressionAttributeValues={":today": {"S": today.isoformat()}}, **extra)
            items += int(page["ScannedCount"])
            start = page.get("LastEvaluatedKey")
            if not start:
                return items, 0

    return run


# --- the report ------------------------------------------------------------------------------------------------

def _ops(counts: Counter[str]) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "—"


def report(mix: Mix, write_s: float, size: int, first: Measured, idle: list[Measured], bare: list[Measured],
           scan: Measured | None, rounds: int) -> str:
    med_idle = statistics.median(m.seconds for m in idle)
    med_bare = statistics.median(m.seconds for m in bare)
    rows = [("first sweep (notices)", first), ("idle sweep (median run)", sorted(idle, key=lambda m: m.seconds)[
        len(idle) // 2]), ("bare query (median run)", sorted(bare, key=lambda m: m.seconds)[len(bare) // 2])]
    if scan is not None:
        rows.append(("table scan, filtered (once)", scan))
    lines = [
        "# The overdue sweep over one JST with 100,000 cases",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Python: {platform.python_version()}; machine: nproc {os.cpu_count()}, {platform.platform()}; "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        f"- Emulator: `{os.environ['AWS_ENDPOINT_URL']}` (ministack, in-process app, one warm container)",
        f"- JST {TERC}, departments {', '.join(DEPARTMENTS)}: {mix.total:,} cases — {mix.overdue} overdue with the "
        f"clock running, {mix.paused} past due with the clock stopped, {mix.open_later:,} open and due later, "
        f"{mix.ended:,} settled or closed",
        f"- Written in bulk (BatchWriteItem, 25 per request, 4 writers) in {write_s:.1f} s",
        f"- Rounds: {rounds}, alternating the bare query and the idle sweep (which goes first alternates)",
        "",
        "| run | time | items read | noticed | AWS requests | RCU | WCU |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for name, m in rows:
        lines.append(f"| {name} | {m.seconds * 1000:.0f} ms | {m.items:,} | {m.noticed} | {_ops(m.requests)} | "
                     f"{m.read_units:.1f} | {m.write_units:.1f} |")
    lines += [
        "",
        f"- Idle sweep / bare query (medians): **{med_idle / med_bare:.2f}×** ({med_idle * 1000:.0f} ms against "
        f"{med_bare * 1000:.0f} ms): the sweep reads only what the index gives for dates before today, as the bare "
        "query does, and decides in memory.",
        f"- First sweep / bare query: **{first.seconds / med_bare:.1f}×**: the difference is the notices "
        f"themselves, per noticed case about {(first.seconds - med_bare) / max(first.noticed, 1) * 1000:.1f} ms "
        "and the requests in the table above (find: Query by-case + GetItem; the conditional UpdateItem; "
        "SES SendEmail; the UpdateItem that counts the notice given).",
    ]
    if scan is not None:
        lines.append(f"- A scan of the table for the same items: {scan.seconds * 1000:.0f} ms "
                     f"({scan.seconds / med_bare:.0f}× the index query), {scan.items:,} items read to find "
                     f"{first.items}. In DynamoDB (eventually consistent reads, 4 KB a unit) the scan would cost "
                     f"about {size / 4096 / 2:,.0f} RCU ({size / 1e6:.0f} MB of cases) and the index query about "
                     f"{max(1.0, BARE_BYTES[0] / 4096 / 2):,.0f} RCU ({BARE_BYTES[0] / 1e3:.0f} KB read): the "
                     "sweep's reads follow the overdue cases, not the JST's size. (The emulator reports "
                     f"{scan.read_units:.0f} and {statistics.median(m.read_units for m in bare):.0f}.)")
    lines += [
        "",
        "Times are wall times in one process against a local emulator on a shared 2-CPU machine: compare the "
        "ratios, not the milliseconds. The emulator answers a query on an index by sorting the whole index "
        "partition (the department's open cases) and testing the key condition on each, so its query time grows "
        "with the partition, where DynamoDB reads only the matching keys: the bare query's time here is the "
        "emulator's, which is why the sweep is measured against it in the same run. Capacity units in the table "
        "are as the emulator reports them (`ConsumedCapacity`).",
        "",
        "Per-round times (ms), bare / idle: " + ", ".join(
            f"{b.seconds * 1000:.0f} / {i.seconds * 1000:.0f}" for b, i in zip(bare, idle, strict=True)),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--overdue", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-scan", action="store_true", help="skip the table scan")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    set_environment()
    mix = Mix.of(args.cases, args.overdue)
    with emulator(args.port):
        set_up_platform()
        from chalicelib.core.clock import WARSAW

        now = dt.datetime.now(dt.UTC)
        today = now.astimezone(WARSAW).date()
        print(f"writing {mix.total:,} cases…", file=sys.stderr, flush=True)
        write_s, size = write_cases(mix, today)
        from chalicelib.integrations.clients import mailer
        from chalicelib.modules.cases import overdue
        from chalicelib.modules.cases.wiring import cases

        cases(), mailer(), overdue.today_of(now)  # imports, the store, the SES client: outside the timing
        bare_query(today)()  # one warm-up query
        first = metered(sweep_run(now))
        idle, bare = [], []
        for r in range(args.rounds):
            order = (bare_query(today), sweep_run(now)) if r % 2 == 0 else (sweep_run(now), bare_query(today))
            results = [metered(run) for run in order]
            b, i = results if r % 2 == 0 else results[::-1]
            bare.append(b)
            idle.append(i)
        scan = None if args.no_scan else metered(table_scan(today))
    text = report(mix, write_s, size, first, idle, bare, scan, args.rounds)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
