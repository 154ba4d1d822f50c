"""Delivery benchmark: the AWS requests and the cost of one letter delivered through e-Delivery, from the clerk's
"send" to the decision's finality, measured against the emulator and the sandbox e-Delivery box.

Run from the project root, inside a fresh emulator:

    .venv/bin/python -m infrastructure.emulator exec --port 4597 --state .local/bench-delivery -- \
        .venv/bin/python bench/delivery.py --letters 10

The app runs in-process (`chalice.test.Client`), warm. Not counted: the registration of the cases and the
issuing of the letters (the cases' and the letters' own costs). Counted, per letter: the send request, the send
worker's invocation, the follower's runs (one when the party collects it on day 3, one the day the decision
becomes final; a run serves every open delivery, so its requests are divided by the letters), the metering
writes of each invocation. The box's callback is left out (the follower reads the same). Measures and writes
down: no thresholds. The report goes to stdout and to `bench/results/delivery.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from local_platform import set_environment, set_up_platform
from pricing import prices_note, usd

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "delivery.md"
WARSAW = ZoneInfo("Europe/Warsaw")
PRICED = ("dynamodb.read", "dynamodb.write", "s3.tier1", "s3.tier2", "sqs.requests", "ses.messages", "lambda.requests")
READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


class Recorder:
    def __init__(self) -> None:
        self.on = False
        self.calls: Counter[str] = Counter()
        self.read_units = self.write_units = 0.0

    def __call__(self, parsed: Any = None, model: Any = None, **_: Any) -> None:
        if not self.on or model is None:
            return
        from chalicelib.core.metering import capacity_units

        service = model.service_model.service_name
        self.calls[f"{service}:{model.name}"] += 1
        if service == "dynamodb" and isinstance(parsed, dict):
            units = capacity_units(parsed)
            if model.name in READS:
                self.read_units += units
            else:
                self.write_units += units


def cost(recorder: Recorder, invocations: float) -> dict[str, float]:
    s3_put = sum(n for k, n in recorder.calls.items() if k.startswith("s3:") and not k.startswith("s3:Get"))
    s3_get = sum(n for k, n in recorder.calls.items() if k.startswith("s3:Get"))
    return {"DynamoDB": usd("dynamodb.read", recorder.read_units) + usd("dynamodb.write", recorder.write_units),
            "SQS": usd("sqs.requests", sum(n for k, n in recorder.calls.items() if k.startswith("sqs:"))),
            "S3": usd("s3.tier1", s3_put) + usd("s3.tier2", s3_get),
            "SES": usd("ses.messages", recorder.calls["ses:SendEmail"]),
            "Lambda requests": usd("lambda.requests", invocations)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=10)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    set_environment()
    sys.path.insert(0, str(ROOT))
    import botocore.handlers

    recorder = Recorder()
    botocore.handlers.BUILTIN_HANDLERS.append(("after-call", recorder))
    from tests.edelivery_box import EDeliveryBox

    with EDeliveryBox.started() as box:
        import os

        os.environ["EURZAD_EDELIVERY_URL"] = box.url
        os.environ["EURZAD_PUBLIC_API_URL"] = "http://127.0.0.1:9/api"
        set_up_platform()
        report = run(box, recorder, args.letters)
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, encoding="utf-8")


def run(box: Any, recorder: Recorder, letters: int) -> str:
    from chalice.test import Client

    from app import app
    from chalicelib.core.clock import FixedClock, set_clock
    from chalicelib.modules.delivery import workers
    from tests.integration import delivery_setup as setup

    start = dt.datetime(2031, 3, 3, 9, 0, tzinfo=WARSAW)
    clock = FixedClock(start)
    set_clock(clock)
    box.set_clock(start)
    for address in (setup.OFFICE_ADE, setup.OTHER_JST_ADE):
        box.register(address, "Urząd", public_body=True)
    with Client(app, stage_name="bench", project_dir=str(ROOT)) as api:
        made = []
        for _ in range(letters):
            case_id, letter_id, _owner = setup.case_with_letter(api)
            resident = setup.ade()
            box.register(resident, "Jan Kowalski")
            made.append((case_id, letter_id, resident))
        setup.queues.purge("delivery-sends")
        recorder.on = True
        sent = []
        for case_id, letter_id, resident in made:
            reply = setup.send(api, case_id, letter_id, {"ade": resident}, key=f"bench-{uuid.uuid4().hex}")
            assert reply.status_code == 201, reply.body
            sent.append((case_id, reply.json_body["delivery_id"], resident))
        setup.queues.deliver(api, "delivery-sends", "delivery_sends")
        recorder.on = False  # the sandbox's collection is the party's, not ours
        clock._at = dt.datetime(2031, 3, 6, 18, 0, tzinfo=WARSAW).astimezone(dt.UTC)
        box.set_clock(clock.now())
        for case_id, delivery_id, resident in sent:
            stored = setup.wiring_record(case_id, delivery_id)
            box.collect(resident, stored["box_message_id"])
        recorder.on = True
        workers.follow(clock.now())
        clock._at = dt.datetime(2031, 3, 21, 0, 30, tzinfo=WARSAW).astimezone(dt.UTC)
        box.set_clock(clock.now())
        workers.follow(clock.now())
        recorder.on = False
        finals = [setup.delivery(api, c, d)["final_on"] for c, d, _ in sent]
    assert all(f == "2031-03-21" for f in finals), finals
    invocations = letters * 2 + 2  # the send request and the worker per letter; two follower runs
    costs = cost(recorder, invocations)
    per = {k: v / letters for k, v in costs.items()}
    lines = [f"# Delivery: AWS requests and cost per delivered letter ({dt.date.today()}, Python "
             f"{platform.python_version()}, {letters} letters)", "",
             "From the clerk's send to the decision's finality (collected on day 3), in-process against the "
             "emulator and the sandbox box; the queue harness's receive/delete stand in for Lambda's SQS poller.", "",
             "| AWS request | per letter |", "|---|---:|"]
    lines += [f"| `{k}` | {n / letters:.2f} |" for k, n in sorted(recorder.calls.items())]
    lines += [f"| **all** | **{sum(recorder.calls.values()) / letters:.2f}** |", "",
              f"DynamoDB capacity per letter: {recorder.read_units / letters:.1f} RRU, "
              f"{recorder.write_units / letters:.1f} WRU. Lambda invocations per letter: {invocations / letters:.2f}.",
              "", "| cost per letter (USD) | |", "|---|---:|"]
    lines += [f"| {k} | {v:.7f} |" for k, v in per.items()]
    total = sum(per.values())
    lines += [f"| **total** | **{total:.7f}** (${total * 1000:.4f} per 1000 letters; Lambda compute not included) |",
              "", prices_note(PRICED), "", "Raw counts: " + json.dumps(dict(recorder.calls), sort_keys=True)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
