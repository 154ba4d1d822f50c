"""AWS requests and DynamoDB capacity per change of a case: take, note, wezwanie, uzupełniona, new date (art. 36),
załatwiona; and opening the case, for reference.

Run from the project root (or `make bench-cases`), inside a fresh emulator:

    .venv/bin/python -m infrastructure.emulator exec --port 4633 --state .local/bench-cases-emulator -- \
        .venv/bin/python bench/case_transitions.py          # --cases 20

The app runs in-process (`chalice.test.Client`, one warm container) against the emulator. `--cases` + 1 cases are
written registered (unassigned, due in 10 days, the party's e-mail given) straight into the cases table, as the
registration leaves them; each then goes through the changes below through the API, as its clerk. The first case
is a warm-up and is not counted. Per call it records what the metering hook saw (the botocore `after-call` event:
requests by service:Operation and `ConsumedCapacity`), as `bench/requests_per_operation.py` does. It measures and
writes down: no thresholds, no pass/fail. The report goes to stdout and to `bench/results/case_transitions.md`.
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
from collections import Counter
from pathlib import Path
from typing import Any

from local_platform import set_environment, set_up_platform
from requests_per_operation import Recorder, api_client, install_recorder

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "case_transitions.md"
TERC, DEPARTMENT = "1418043", "FN"
CLERK = "bench-clerk-fn"

# (name, path under the case, body) in the order a case goes through them
STEPS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("take (assignment)", "assignment", {}),
    ("note", "notes", {"text": "Sprawdzić księgę wieczystą."}),
    ("wezwanie", "transitions", {"to": "wezwanie", "reason": "Brak podpisu", "gaps": ["Podpis wnioskodawcy"],
                                 "term_days": 7}),
    ("uzupełniona", "transitions", {"to": "uzupelniona", "reason": "Wpłynął podpis"}),
    ("new date (art. 36)", "deadline", {"reason": "Potrzebna opinia rzeczoznawcy."}),
    ("załatwiona", "transitions", {"to": "zalatwiona", "reason": "Wydano decyzję", "document": "FN.3120.1.2026"}),
)
# What a change needs at the least, and why it makes more (the same for every change of a case)
MINIMUM = ("find the case by its id (1 Query on `by-case`, keys only: the id does not carry the inbox's key), read "
           "it consistently (1 GetItem), write it on condition of the version read (1 UpdateItem); when the party "
           "is told: 1 SES SendEmail and 1 UpdateItem that counts the notice given and clears the outbox marker")


def write_case(today: dt.date, i: int) -> str:
    """A registered case as the registration writes it (no version yet), due in 10 days."""
    from chalicelib.integrations.aws import client
    from chalicelib.modules.cases.keys import case_sk, due_key, inbox_pk, state_key
    from chalicelib.modules.cases.resources import CaseTable

    case_id = uuid.uuid4().hex
    at = dt.datetime.now(dt.UTC)
    record = {"case_id": case_id, "case_sign": f"{DEPARTMENT}.3120.{i + 1}.{today.year}", "terc": TERC,
              "department": DEPARTMENT, "jrwa": "3120", "year": today.year, "number": i + 1,
              "status": "zarejestrowana", "service": "zwrot-nadplaty", "service_name": "Zwrot nadpłaty podatku",
              "applicant": "Jan Kowalski", "submission_id": case_id, "owner": f"bench-resident-{i}",
              "registered_at": at.isoformat(), "started_on": (today - dt.timedelta(days=20)).isoformat(),
              "deadline_kind": "1-miesiac", "deadline": "1 miesiąc",
              "due_date": (today + dt.timedelta(days=10)).isoformat(), "flags": [], "signed": False}
    sk = case_sk(at, case_id)
    item = {"pk": {"S": inbox_pk(TERC, DEPARTMENT)}, "sk": {"S": sk}, "case_id": {"S": case_id},
            "case_sign": {"S": record["case_sign"]}, "owner": {"S": record["owner"]},
            "email": {"S": f"strona-{i}@example.pl"}, "record": {"S": json.dumps(record, ensure_ascii=False)},
            "state_key": {"S": state_key(TERC, DEPARTMENT, "zarejestrowana")},
            "due_on": {"S": due_key(record, sk) or ""}}
    client("dynamodb").put_item(TableName=CaseTable.Meta.table_name, Item=item)
    return case_id


def new_date(today: dt.date) -> str:
    from chalicelib.modules.cases.deadlines import next_working_day

    return next_working_day(today + dt.timedelta(days=40)).isoformat()


def run_case(client: Any, recorder: Recorder, token: str, case_id: str, today: dt.date) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    seen = []
    for name, path, given in (("open the case (GET)", "", {}), *STEPS):
        body = {**given, "due_date": new_date(today)} if path == "deadline" else given
        before = len(recorder.invocations)
        started = time.perf_counter()
        url = f"/v1/tenants/{TERC}/cases/{case_id}" + (f"/{path}" if path else "")
        answer = (client.http.post(url, body=json.dumps(body), headers=headers) if path
                  else client.http.get(url, headers=headers))
        wall_ms = (time.perf_counter() - started) * 1000.0
        if answer.status_code != 200 or len(recorder.invocations) != before + 1:
            raise SystemExit(f"{name}: HTTP {answer.status_code}: {answer.body[:300]!r}")
        seen.append({"name": name, "wall_ms": wall_ms, **recorder.invocations[-1]})
    return seen


def report(runs: list[list[dict[str, Any]]], elapsed_s: float) -> str:
    names = [step["name"] for step in runs[0]]
    lines = [
        "# AWS requests and capacity per change of a case",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Python: {platform.python_version()}; machine: nproc {os.cpu_count()}, {platform.platform()}",
        f"- {len(runs)} cases through every change after one warm-up case, one warm container "
        f"(`chalice.test.Client`), emulator `{os.environ['AWS_ENDPOINT_URL']}`; whole run {elapsed_s:.1f} s",
        "",
        "| change | AWS requests per call (mean) | total | RCU | WCU | + metering write | wall median |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for i, name in enumerate(names):
        calls = [run[i] for run in runs]
        total: Counter[str] = Counter()
        for c in calls:
            total.update(c["requests"])
        per = {k: v / len(calls) for k, v in sorted(total.items())}
        text = ", ".join(f"{v:g} {k}" for k, v in per.items()) or "—"
        lines.append(
            f"| {name} | {text} | {sum(per.values()):g} | {statistics.mean(c['read_units'] for c in calls):.1f} | "
            f"{statistics.mean(c['write_units'] for c in calls):.1f} | "
            f"+{statistics.mean(c['metering_writes'] for c in calls):g} | "
            f"{statistics.median(c['wall_ms'] for c in calls):.0f} ms |")
    lines += [
        "",
        f"The least a change needs: {MINIMUM}. A note and the GET tell the party nothing (no e-mail, no second "
        "UpdateItem).",
        "",
        "Write units: the case item (registration facts, history, pauses, notes as JSON) is written whole, and the "
        "four indexes that carry the case's `record` for the inbox (`by-owner`, `by-state`, `by-clerk`, `by-due`) "
        "each take a write of it when it changes (a change of state or clerk moves the row between partitions: a "
        "delete and a put); the outbox index takes the marker. Capacity units are as the emulator reports them "
        "(`ConsumedCapacity`); the request counts do not depend on the machine, the times do.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=20, help="counted cases (default 20)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not os.environ.get("AWS_ENDPOINT_URL"):
        parser.error("run it inside an emulator: python -m infrastructure.emulator exec --port … -- …")

    set_environment()
    started = time.perf_counter()
    set_up_platform()
    recorder = install_recorder()
    from chalicelib.core import dev_issuer
    from chalicelib.core.clock import WARSAW

    today = dt.datetime.now(WARSAW).date()
    token = dev_issuer.issue(role="clerk", subject=CLERK, terc=TERC, department=DEPARTMENT)
    with api_client() as client:
        runs = [run_case(client, recorder, token, write_case(today, i), today) for i in range(args.cases + 1)]
    text = report(runs[1:], time.perf_counter() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
