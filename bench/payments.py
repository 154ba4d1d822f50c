"""AWS requests and cost per online payment: the order opened (PaymentRequested worker), the resident's payment
registered at the gateway (POST .../payment) and the gateway's notification with its verify (POST
.../notifications), against a bare DynamoDB write measured in the same run.

Run from the project root, inside a fresh emulator (the sandbox Przelewy24 runs in this process):

    .venv/bin/python -m infrastructure.emulator exec --port 4598 --state .local/bench-emulator -- \
        .venv/bin/python bench/payments.py                # --n 20, --output PATH

The app runs in-process (`chalice.test.Client`) in one warm container; the first payment is a warm-up. Per step
it records what the metering hook saw (requests by service:Operation, DynamoDB capacity units), the metering
write itself and the wall time. It measures and writes down: no thresholds, no pass/fail. The report goes to
stdout and to `bench/results/payments.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from local_platform import DEMO, set_environment, set_up_platform
from pricing import prices_note, step_usd, usd
from requests_per_operation import api_client, install_recorder, summarize

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "payments.md"
PIASECZNO = "1418043"  # takes fees online in the demo region (a demo merchant at the sandbox)
FEE = 1700
# GetSecretValue is priced per call; the merchant's keys are cached per container (300 s).
PRICED = ("dynamodb.read", "dynamodb.write", "sqs.requests", "secretsmanager.requests", "apigateway.requests",
          "lambda.requests", "lambda.compute")
STEPS = ("order", "pay", "notification")
WHY = {"order": "PaymentRequested worker: the case's order opened (once per case)",
       "pay": "POST /v1/me/cases/{id}/payment: the attempt registered at the gateway, kept on the order",
       "notification": "POST /v1/payments/przelewy24/{terc}/notifications: checked, verified at the gateway, "
                       "recorded with its PaymentSettled marker and audit entry, the event sent"}


class Receiver:
    """The API's public URL as the gateway is given it: keeps each notification's raw body."""

    def __init__(self) -> None:
        bodies: list[bytes] = []
        self.bodies = bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def body_of(self, case_id: str) -> bytes:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = [b for b in self.bodies if case_id.encode() in b]
            if found:
                return found[0]
            time.sleep(0.01)
        raise SystemExit(f"no notification for {case_id}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None


def press_pay(payer_url: str) -> None:
    """„Zapłać” on the sandbox's payer page (it answers 303 back to urlReturn and notifies urlStatus)."""
    request = urllib.request.Request(payer_url, data=b"action=pay", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as err:
        if err.code != 303:
            raise


def one_payment(client: Any, recorder: Any, receiver: Receiver, token_for: Any) -> dict[str, dict[str, Any]]:
    """One payment's three invocations, each as the metering hook saw it (plus its wall time)."""
    from chalicelib.events.topics import PaymentRequested
    from chalicelib.model.fees import FeeDue

    case_id, owner = uuid.uuid4().hex, f"bench-{uuid.uuid4().hex[:8]}"
    event = PaymentRequested(terc=PIASECZNO, case_id=case_id, sign="OR.1510.1.2026", owner=owner,
                             service="pismo-ogolne", email="anna@example.pl", requested_at=dt.datetime.now(dt.UTC),
                             fee=FeeDue(amount=FEE, title="Opłata skarbowa za pełnomocnictwo"))
    record = {"messageId": uuid.uuid4().hex, "receiptHandle": "bench", "body": event.model_dump_json(),
              "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {}, "md5OfBody": "",
              "eventSource": "aws:sqs", "awsRegion": "eu-central-1",
              "eventSourceARN": "arn:aws:sqs:eu-central-1:000000000000:payment-requests"}
    headers = {"Authorization": f"Bearer {token_for(owner)}", "Content-Type": "application/json"}
    seen: dict[str, dict[str, Any]] = {}

    def step(name: str, call: Any) -> Any:
        before, start = len(recorder.invocations), time.perf_counter()
        answer = call()
        wall = (time.perf_counter() - start) * 1000.0
        if len(recorder.invocations) != before + 1:
            raise SystemExit(f"{name}: expected one metered invocation")
        seen[name] = {**recorder.invocations[-1], "wall_ms": wall}
        return answer

    step("order", lambda: client.lambda_.invoke("payment_requests", {"Records": [record]}))
    paid = step("pay", lambda: client.http.post(f"/v1/me/cases/{case_id}/payment", headers=headers,
                                                body=json.dumps({"return_url": "http://127.0.0.1:8090/x"})))
    if paid.status_code != 201:
        raise SystemExit(f"pay: HTTP {paid.status_code} {paid.body[:300]!r}")
    press_pay(json.loads(paid.body)["redirect_url"])
    body = receiver.body_of(case_id)
    note = step("notification", lambda: client.http.post(
        f"/v1/payments/przelewy24/{PIASECZNO}/notifications", body=body, headers={"Content-Type": "application/json"}))
    if note.status_code != 200:
        raise SystemExit(f"notification: HTTP {note.status_code} {note.body[:300]!r}")
    return seen


def baseline(n: int) -> list[dict[str, Any]]:
    """A bare PutItem of a small item into the payments table, with boto3: the least one payment could cost."""
    from chalicelib.core.metering import capacity_units
    from chalicelib.db.tables import table_name
    from chalicelib.integrations.aws import client

    dynamodb, table, samples = client("dynamodb"), table_name("payment-orders"), []
    for _ in range(n + 1):
        start = time.perf_counter()
        reply = dynamodb.put_item(TableName=table, Item={"pk": {"S": f"BENCH#{uuid.uuid4().hex}"}, "sk": {"S": "O"},
                                                          "amount": {"N": str(FEE)}},
                                  ReturnConsumedCapacity="TOTAL")
        samples.append({"wall_ms": (time.perf_counter() - start) * 1000.0, "write_units": capacity_units(reply)})
    return samples[1:]


def report(steps: dict[str, dict[str, Any]], base: list[dict[str, Any]], n: int, elapsed: float) -> str:
    total_req = sum(sum(s["requests"].values()) + s["metering_writes"] for s in steps.values())
    total_wcu = sum(s["wcu"] + s["metering_wcu"] for s in steps.values())
    total_wall = sum(s["wall_ms"] for s in steps.values())
    base_wall = statistics.median(b["wall_ms"] for b in base)
    base_wcu = sum(b["write_units"] for b in base) / len(base)
    usd_of = {name: step_usd(s, http=name != "order") for name, s in steps.items()}
    base_usd = usd("dynamodb.write", base_wcu)
    lines = [
        "# AWS requests and cost per online payment", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC}",
        f"- Python: {platform.python_version()}; machine: nproc {os.cpu_count()}, {platform.platform()}",
        f"- Payments: {n} after one warm-up, one warm container (`chalice.test.Client`, "
        f"{steps['order']['memory_mb']} MB), emulator at `{os.environ.get('AWS_ENDPOINT_URL')}`, the sandbox "
        f"Przelewy24 in-process; whole run {elapsed:.1f} s", "",
        "| step | AWS requests by service:Operation (mean) | + metering | RCU | WCU (+ metering) | wall median | "
        "USD per 1000 |", "|---|---|---:|---:|---:|---:|---:|"]
    for name, s in steps.items():
        ops = ", ".join(f"{v:g} {k}" for k, v in s["requests"].items()) or "—"
        lines.append(f"| {name} | {ops} | +{s['metering_writes']:g} | {s['rcu']:.2f} | {s['wcu']:.2f} "
                     f"(+{s['metering_wcu']:.2f}) | {s['wall_ms']:.1f} ms | {1000 * usd_of[name]:.4f} |")
    lines += [
        f"| **one payment** | | | | **{total_wcu:.2f}** | **{total_wall:.1f} ms** | "
        f"**{1000 * sum(usd_of.values()):.4f}** |",
        f"| baseline: one bare PutItem | 1 dynamodb:PutItem | | | {base_wcu:.2f} | {base_wall:.1f} ms | "
        f"{1000 * base_usd:.4f} |", "",
        f"Per payment: **{total_req:g} AWS requests** (metering writes included) against the baseline's 1 "
        f"({total_req:g}×); wall time {total_wall / base_wall:.1f}× the baseline's; cost "
        f"{sum(usd_of.values()) / base_usd:.0f}× a bare write's, i.e. "
        f"**${1000 * sum(usd_of.values()):.4f} per 1000 payments** on AWS's side.", "",
        "Steps: " + "; ".join(f"**{k}** — {v}" for k, v in WHY.items()) + ".", "",
        prices_note(PRICED) + " API Gateway for the two HTTP steps; Lambda GB-seconds at the configured memory "
        "billed on the wall median (indicative: in-process wall time against a local emulator, not Lambda's "
        "duration). Not included: the "
        "gateway's own commission (Przelewy24's, e.g. 1.2 % + 0.30 zł in the sandbox: ~0.50 zł on 17 zł, "
        "thousands of times the AWS cost), the PaymentSettled consumer in the cases module, the SQS poller's "
        "receive/delete for the order's message (about 0.2 requests per message in batches of 10), CloudWatch "
        "Logs. The gateway's calls (register, verify) are HTTP to the sandbox, not AWS requests.", ""]
    if "sqs:SendMessage" not in steps["notification"]["requests"]:
        lines += ["**Note:** the PaymentSettled queue (`payment-settlements`, declared by its consumer, the cases "
                  "module) does not exist in this build, so the notification's publish failed (GetQueueUrl) and the "
                  "event stayed in the outbox for the sweeper. With the queue: + 1 sqs:SendMessage and + 1 "
                  "dynamodb:UpdateItem (the outbox marker cleared) per payment, GetQueueUrl once per container.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20, help="counted payments (default 20)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    set_environment()
    sys.path.insert(0, str(ROOT))
    from sandboxes.przelewy24 import serve

    sandbox, receiver = serve(0, minute_seconds=5.0), Receiver()
    os.environ.update({"EURZAD_PAYMENTS_GATEWAY_URL": sandbox.url, "EURZAD_PUBLIC_API_URL": receiver.url})
    started = time.perf_counter()
    set_up_platform()
    from chalicelib import cli_payments
    from chalicelib.core import dev_issuer

    if cli_payments.demo_merchants(sorted(DEMO.glob("[0-9]*.yaml")), sandbox.url) != 0:
        raise SystemExit("demo merchants failed")
    recorder = install_recorder()

    def token_for(owner: str) -> str:
        return dev_issuer.issue(role="resident", subject=owner, pesel="02070803628")  # type: ignore[arg-type]

    with api_client() as client:
        one_payment(client, recorder, receiver, token_for)  # warm-up
        payments = [one_payment(client, recorder, receiver, token_for) for _ in range(args.n)]
    steps = {name: summarize([p[name] for p in payments]) for name in STEPS}
    text = report(steps, baseline(args.n), args.n, time.perf_counter() - started)
    sandbox.close()
    receiver.server.shutdown()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
