"""What the audit trail adds to each case change and each staff read: AWS requests and DynamoDB capacity units.

Run from the project root, inside a fresh emulator:

    .venv/bin/python -m infrastructure.emulator exec --port 4598 --state .local/bench-emulator -- \
        .venv/bin/python bench/audit.py                 # --cases N (default 20), --output PATH

The app runs in-process (`chalice.test.Client`) against the emulator, in one warm container, as
`requests_per_operation.py` does, and its metering hook counts each invocation's requests and capacity units (the
metering write itself is left out: it is the same with or without the trail). Each case goes through: registration
(the repository's transaction, with the store the registrations worker keeps per container), taken by a clerk, a
summons (wezwanie), an internal note, and its UPP read by the clerk. Two variants, alternating case by case so
machine noise hits both: `audit` (the code as it is) and `before` (the audit writes switched off and the case's
change written with the single conditional UpdateItem the repository used before the trail). The first case of each
variant is a warm-up (reads the chain's head, loads the code) and is not counted. Last, `--burst` clerks take as many
cases of one JST at the same moment, in each variant. It measures and writes down: no thresholds.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from local_platform import set_environment, set_up_platform

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "audit.md"
TERC = "1418043"
STEPS = ("registration", "taken", "wezwanie", "note", "UPP read")


@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    wall_ms: float = 0.0
    n: int = 0

    def add(self, usage: Any, wall_ms: float) -> None:
        self.requests.update(usage.requests)
        self.read_units += usage.read_units
        self.write_units += usage.write_units
        self.wall_ms += wall_ms
        self.n += 1


@dataclass
class Capture:
    """A metering sink that keeps the last invocation's usage and writes nothing."""

    last: Any = None

    def add(self, usage: Any, *, duration_ms: float, day: str) -> None:
        self.last = usage


def switched_off() -> Callable[[], None]:
    """The code before the trail: no audit writes, and a case's change as one conditional UpdateItem."""
    from pynamodb.exceptions import UpdateError

    import chalicelib.modules.audit as audit
    from chalicelib.modules.audit import repository as audit_repository
    from chalicelib.modules.audit.logic import Head
    from chalicelib.modules.cases import repository as cases
    from chalicelib.modules.cases.resources import CaseTable

    saved = (audit.append, audit.record, cases.DynamoCases.save)

    nowhere = audit_repository.DynamoAuditChain()

    def append(terc: str, changes: Any) -> Any:
        return audit_repository.Pending(nowhere, terc, Head(), Head(), [])

    def save(self: Any, stored: Any, record: dict[str, Any], life: dict[str, Any], *, notify_at: Any = None) -> Any:
        marker = [CaseTable.outbox.set("1"), CaseTable.outbox_at.set(notify_at)] if notify_at else []
        marker.append(CaseTable.state_key.set(cases.state_key(record["terc"], record["department"], record["status"])))
        if record.get("assignee"):
            marker.append(CaseTable.clerk_key.set(cases.clerk_key(record["terc"], record["assignee"])))
        version = CaseTable.version
        try:
            CaseTable(pk=stored.pk, sk=stored.sk).update(
                actions=[CaseTable.record.set(json.dumps(record, ensure_ascii=False)),
                         CaseTable.life.set(json.dumps(life, ensure_ascii=False)), version.set(stored.version + 1),
                         *marker],
                condition=CaseTable.sk.exists() & ((version == stored.version) if stored.version
                                                   else version.does_not_exist()))
        except UpdateError:
            return None
        return stored.version + 1

    audit.append, audit.record, cases.DynamoCases.save = append, (lambda terc, changes: None), save

    def restore() -> None:
        audit.append, audit.record, cases.DynamoCases.save = saved

    return restore


@contextlib.contextmanager
def variant(name: str) -> Iterator[None]:
    restore = switched_off() if name == "before" else (lambda: None)
    try:
        yield
    finally:
        restore()


def one_case(client: Any, recorder: Any, tallies: dict[str, Tally] | None, year: int) -> None:
    from chalicelib.core import metering
    from chalicelib.modules.cases.wiring import cases
    from tests.conftest import auth
    from tests.integration.test_case_signs import accepted, filing, plan

    submission = accepted(year)
    capture = Capture()
    start = time.perf_counter()
    metering.begin(function="registrations", memory_mb=512)
    case = cases().register(plan(year), filing(submission), at=dt.datetime.now(dt.UTC),
                                  notify=False)
    metering.finish(capture)
    assert case is not None
    if tallies is not None:
        tallies["registration"].add(capture.last, (time.perf_counter() - start) * 1000)
    clerk = auth("clerk", TERC, subject="clerk-bench", department="FN") | {"Content-Type": "application/json"}
    base = f"/v1/tenants/{TERC}/cases/{case.case_id}"
    calls = (("taken", "POST", f"{base}/assignment", {}),
             ("wezwanie", "POST", f"{base}/transitions", {"to": "wezwanie", "reason": "Brak podpisu",
                                                         "gaps": ["podpis"], "term_days": 7}),
             ("note", "POST", f"{base}/notes", {"text": "Zadzwonić do strony"}),
             ("UPP read", "GET", f"/v1/tenants/{TERC}/submissions/{case.case_id}/upp", None))
    for step, method, path, body in calls:
        start = time.perf_counter()
        sent = json.dumps(body).encode() if body is not None else b""
        answer = client.http.request(method, path, headers=clerk, body=sent)
        wall = (time.perf_counter() - start) * 1000
        if answer.status_code != 200:
            raise SystemExit(f"{step}: HTTP {answer.status_code}: {answer.body[:300]!r}")
        if tallies is not None:
            got = recorder.invocations[-1]
            tallies[step].add(SimpleNamespace(**got), wall)


def burst(client: Any, n: int, year: int) -> dict[str, float]:
    """`n` clerks take `n` registered cases of one JST at the same moment: write requests per change (a cancelled
    transaction is retried: with the trail, every change of the JST contends for the chain's head) and wall time."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.db import transact
    from chalicelib.modules.cases.resources import CaseTable
    from chalicelib.modules.cases.wiring import cases
    from tests.conftest import auth
    from tests.integration.test_case_signs import accepted, filing, plan

    registered = [cases().register(plan(year), filing(accepted(year)), at=dt.datetime.now(dt.UTC), notify=False)
                  for _ in range(n)]
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    originals = (transact.write, CaseTable.update)

    def counted(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            with lock:
                counts[name] += 1
            return call(*args, **kwargs)
        return run

    transact.write = counted("TransactWriteItems", transact.write)  # type: ignore[assignment]
    CaseTable.update = counted("UpdateItem", CaseTable.update)  # type: ignore[method-assign]
    headers = auth("clerk", TERC, subject="clerk-burst", department="FN") | {"Content-Type": "application/json"}

    def take(case: Any) -> int:
        path = f"/v1/tenants/{TERC}/cases/{case.case_id}/assignment"
        return int(client.http.request("POST", path, headers=headers, body=b"{}").status_code)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        codes = list(pool.map(take, registered))
    wall = (time.perf_counter() - start) * 1000
    transact.write, CaseTable.update = originals  # type: ignore[method-assign]
    if codes != [200] * n:
        raise SystemExit(f"burst: {Counter(codes)}")
    return {"writes": sum(counts.values()) / n, "wall": wall}


def table(results: dict[str, dict[str, Tally]]) -> list[str]:
    lines = ["| step | variant | requests by service:Operation | req | RCU | WCU | wall mean |",
             "|---|---|---|---:|---:|---:|---:|"]
    for step in STEPS:
        for name in ("before", "audit"):
            t = results[name][step]
            ops = ", ".join(f"{v / t.n:.2f} {k}".replace(".00 ", " ") for k, v in sorted(t.requests.items()))
            lines.append(f"| {step} | {name} | {ops} | {sum(t.requests.values()) / t.n:.2f} | "
                         f"{t.read_units / t.n:.2f} | {t.write_units / t.n:.2f} | {t.wall_ms / t.n:.1f} ms |")
    return lines


def summary(results: dict[str, dict[str, Tally]]) -> list[str]:
    lines = ["| step | + requests | WCU before | WCU with the trail | × |", "|---|---:|---:|---:|---:|"]
    for step in STEPS:
        b, a = results["before"][step], results["audit"][step]
        extra = sum(a.requests.values()) / a.n - sum(b.requests.values()) / b.n
        wb, wa = b.write_units / b.n, a.write_units / a.n
        lines.append(f"| {step} | {extra:+.2f} | {wb:.2f} | {wa:.2f} | {wa / wb if wb else float('inf'):.2f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--burst", type=int, default=20, help="changes at once in one JST (default 20)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    set_environment()
    if not os.environ.get("AWS_ENDPOINT_URL"):
        raise SystemExit("run inside an emulator (see the docstring)")
    set_up_platform()
    from requests_per_operation import api_client, install_recorder

    recorder = install_recorder()
    results = {name: {step: Tally() for step in STEPS} for name in ("before", "audit")}
    began = time.perf_counter()
    with api_client() as client:
        for name in ("before", "audit"):  # warm-ups
            with variant(name):
                one_case(client, recorder, None, 2051)
        for i in range(args.cases):
            for name in (("before", "audit") if i % 2 == 0 else ("audit", "before")):
                with variant(name):
                    one_case(client, recorder, results[name], 2051)
        bursts = {}
        for name in ("before", "audit"):
            with variant(name):
                bursts[name] = burst(client, args.burst, 2052)
    elapsed = time.perf_counter() - began
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        "# What the audit trail adds per case change", "",
        f"- Date: {now}; Python {platform.python_version()}; nproc {os.cpu_count()}; {platform.platform()}",
        f"- {args.cases} cases per variant after one warm-up each, alternating; one warm container; emulator at "
        f"`{os.environ['AWS_ENDPOINT_URL']}`; whole run {elapsed:.1f} s", "",
        "## Per step, with and without the trail", "",
        "Means per call, from the app's metering hook (the metering write itself left out). RCU/WCU as the "
        "emulator reports `ConsumedCapacity`.", "",
        *summary(results), "", *table(results), "",
        f"## {args.burst} changes at once in one JST (each clerk takes another case)", "",
        "Write requests per change (TransactWriteItems or the case's UpdateItem, retries included) "
        "and the wall time of the whole burst, in one process with a thread per clerk.", "",
        "| variant | write requests per change | burst wall time |", "|---|---:|---:|",
        *[f"| {name} | {b['writes']:.2f} | {b['wall']:.0f} ms |" for name, b in bursts.items()], "",
    ])
    print(text)
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
