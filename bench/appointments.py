"""AWS requests and cost per e-wizyta booking and per free-slot query, against a bare GetItem and a bare
TransactWriteItems (the same three items a booking writes) measured in the same run.

Run from the project root, inside a fresh emulator:

    .venv/bin/python -m infrastructure.emulator exec --port 4635 --state .local/bench-appointments-emulator -- \
        .venv/bin/python bench/appointments.py                # --n 20, --output PATH

The app runs in-process (`chalice.test.Client`) in one warm container, the platform's clock fixed on a Monday
morning; each round asks Piaseczno's free slots of one day (`GET …/appointments/dowod-osobisty/slots`), books the
first one (`POST /v1/me/appointments`, a new resident each time) and cancels it (`DELETE …/{id}`); the first round
is a warm-up. It measures and writes down: no thresholds, no pass/fail. The report goes to stdout and to
`bench/results/appointments.md`.
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
RESULTS = ROOT / "bench" / "results" / "appointments.md"
PIASECZNO = "1418043"
STEPS = ("slots", "book", "cancel")
PRICED = ("dynamodb.read", "dynamodb.write", "sqs.requests", "apigateway.requests", "lambda.requests", "lambda.compute")
WHY = {"slots": "GET /v1/tenants/{terc}/appointments/{topic}/slots (one day): the JST's configuration, one Query "
                "of places taken per counter offering the topic",
       "book": "POST /v1/me/appointments: one TransactWriteItems (the slot's places on condition, the booking, the "
               "guard of one per person, topic and day), the notice queued and its outbox mark cleared",
       "cancel": "DELETE /v1/me/appointments/{id}: the booking read, one TransactWriteItems (the booking, the place "
                 "given back, the guard deleted), the notice queued and its mark cleared"}


def one_round(client: Any, recorder: Any, token_for: Any, day: str) -> dict[str, dict[str, Any]]:
    owner = f"bench-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {token_for(owner)}", "Content-Type": "application/json"}
    seen: dict[str, dict[str, Any]] = {}

    def step(name: str, call: Any, status: int) -> Any:
        before, start = len(recorder.invocations), time.perf_counter()
        answer = call()
        wall = (time.perf_counter() - start) * 1000.0
        if answer.status_code != status:
            raise SystemExit(f"{name}: HTTP {answer.status_code} {answer.body[:300]!r}")
        if len(recorder.invocations) != before + 1:
            raise SystemExit(f"{name}: expected one metered invocation")
        seen[name] = {**recorder.invocations[-1], "wall_ms": wall}
        return json.loads(answer.body)

    free = step("slots", lambda: client.http.get(
        f"/v1/tenants/{PIASECZNO}/appointments/dowod-osobisty/slots?from={day}&to={day}"), 200)
    slot = free["items"][0]
    body = {"terc": PIASECZNO, "topic": "dowod-osobisty", "counter": slot["counter"], "start": slot["start"]}
    made = step("book", lambda: client.http.post("/v1/me/appointments", body=json.dumps(body),
                                                 headers={**headers, "Idempotency-Key": uuid.uuid4().hex}), 201)
    step("cancel", lambda: client.http.delete(f"/v1/me/appointments/{made['booking_id']}", headers=headers), 200)
    return seen


def baseline(n: int) -> dict[str, list[dict[str, Any]]]:
    """A bare GetItem and a bare TransactWriteItems of three small items (a counter update on condition, two puts)."""
    from chalicelib.core.metering import capacity_units
    from chalicelib.db.tables import table_name
    from chalicelib.integrations.aws import client

    dynamodb, table = client("dynamodb"), table_name("appointments")
    gets, writes = [], []
    for _ in range(n + 1):
        key = uuid.uuid4().hex
        start = time.perf_counter()
        reply = dynamodb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": f"BENCH#S#{key}"}, "sk": {"S": "-"}},
                        "UpdateExpression": "ADD taken :one", "ConditionExpression": "attribute_not_exists(taken) "
                        "OR taken < :cap", "ExpressionAttributeValues": {":one": {"N": "1"}, ":cap": {"N": "3"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": f"BENCH#B#{key}"}, "sk": {"S": "-"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": f"BENCH#G#{key}"}, "sk": {"S": "-"}}}}],
            ReturnConsumedCapacity="TOTAL")
        writes.append({"wall_ms": (time.perf_counter() - start) * 1000.0, "units": capacity_units(reply)})
        start = time.perf_counter()
        reply = dynamodb.get_item(TableName=table, Key={"pk": {"S": f"BENCH#B#{key}"}, "sk": {"S": "-"}},
                                  ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        gets.append({"wall_ms": (time.perf_counter() - start) * 1000.0, "units": capacity_units(reply)})
    return {"GetItem": gets[1:], "TransactWriteItems (3 items)": writes[1:]}


def report(steps: dict[str, dict[str, Any]], base: dict[str, list[dict[str, Any]]], n: int, elapsed: float) -> str:
    usd_of = {name: step_usd(s, http=True) for name, s in steps.items()}
    lines = [
        "# AWS requests and cost per e-wizyta booking and free-slot query", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC}",
        f"- Python: {platform.python_version()}; machine: nproc {os.cpu_count()}, {platform.platform()}",
        f"- Rounds: {n} after one warm-up, one warm container (`chalice.test.Client`, "
        f"{steps['book']['memory_mb']} MB), "
        f"emulator at `{os.environ.get('AWS_ENDPOINT_URL')}`; whole run {elapsed:.1f} s", "",
        "| step | AWS requests by service:Operation (mean) | + metering | RCU | WCU (+ metering) | wall median | "
        "USD per 1000 |", "|---|---|---:|---:|---:|---:|---:|"]
    for name, s in steps.items():
        ops = ", ".join(f"{v:g} {k}" for k, v in s["requests"].items()) or "—"
        lines.append(f"| {name} | {ops} | +{s['metering_writes']:g} | {s['rcu']:.2f} | {s['wcu']:.2f} "
                     f"(+{s['metering_wcu']:.2f}) | {s['wall_ms']:.1f} ms | {1000 * usd_of[name]:.4f} |")
    base_wall = {k: statistics.median(b["wall_ms"] for b in v) for k, v in base.items()}
    base_units = {k: sum(b["units"] for b in v) / len(v) for k, v in base.items()}
    for k in base:
        base_usd = usd("dynamodb.read" if k == "GetItem" else "dynamodb.write", base_units[k])
        lines.append(f"| baseline: one bare {k} | 1 dynamodb:{k.split()[0]} | | "
                     f"{base_units[k] if k == 'GetItem' else 0:.2f} | {0 if k == 'GetItem' else base_units[k]:.2f} | "
                     f"{base_wall[k]:.1f} ms | {1000 * base_usd:.4f} |")
    req = {k: sum(s["requests"].values()) + s["metering_writes"] for k, s in steps.items()}
    tx = "TransactWriteItems (3 items)"
    lines += ["",
              f"Per free-slot query: **{req['slots']:g} AWS requests** (metering included), wall time "
              f"{steps['slots']['wall_ms'] / base_wall['GetItem']:.1f}× a bare GetItem's, "
              f"**${1000 * usd_of['slots']:.4f} per 1000 queries**. Per booking: **{req['book']:g} AWS requests**,"
              f" wall time {steps['book']['wall_ms'] / base_wall[tx]:.1f}× the bare transaction's, its write units "
              f"{steps['book']['wcu'] / base_units[tx]:.1f}× the bare transaction's, "
              f"**${1000 * usd_of['book']:.4f} per 1000 bookings** (cancelling: {req['cancel']:g} requests, "
              f"${1000 * usd_of['cancel']:.4f} per 1000).", "",
              "Steps: " + "; ".join(f"**{k}** — {v}" for k, v in WHY.items()) + ".", "",
              prices_note(PRICED) + " Lambda GB-seconds at the configured memory billed on the wall median "
              "(indicative: in-process wall time against a local emulator). Not included: the notice's "
              "worker (one GetItem of the booking, one SES SendRawEmail with the calendar file, the idempotency "
              "record), the reminder the day before (a Query per run, an UpdateItem and an e-mail per booking), "
              "CloudWatch Logs.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20, help="counted rounds (default 20)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    set_environment()
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    set_up_platform()
    from chalicelib.core import dev_issuer
    from chalicelib.core.clock import WARSAW, FixedClock, set_clock

    set_clock(FixedClock(dt.datetime(2027, 3, 1, 7, 0, tzinfo=WARSAW)))  # Monday: Tuesday's slots all free
    recorder = install_recorder()

    def token_for(owner: str) -> str:
        return dev_issuer.issue(role="resident", subject=owner)  # type: ignore[arg-type]

    with api_client() as client:
        one_round(client, recorder, token_for, "2027-03-02")  # warm-up
        rounds = [one_round(client, recorder, token_for, "2027-03-02") for _ in range(args.n)]
    steps = {name: summarize([r[name] for r in rounds]) for name in STEPS}
    text = report(steps, baseline(args.n), args.n, time.perf_counter() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
