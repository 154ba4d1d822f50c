"""The local platform keeps its state across a clean stop: `emulator start`/`stop` and `KEEP_STATE=1 make run`.

Each test runs its own emulator on free ports (beside the suite's), with its state in a folder of its own under
.local/ (not the shared pytest temporary folder, which another pytest run may clean while the emulator runs).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.cli import load_definitions
from tests.conftest import ROOT, auth
from tests.formdata import PESEL, valid_data

A = "1418043"


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [int(s.getsockname()[1]) for s in sockets]
    for s in sockets:
        s.close()
    return ports


def emulator_cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "infrastructure.emulator", *args], cwd=ROOT, check=True,
                   capture_output=True, timeout=180)


@pytest.fixture
def state_dir(request: pytest.FixtureRequest) -> Iterator[Path]:
    folder = ROOT / ".local" / f"test-{request.node.name[:40]}-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    yield folder / "emulator"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def own_emulator(state_dir: Path) -> Iterator[tuple[int, Path]]:
    [port] = free_ports(1)
    yield port, state_dir
    emulator_cli("stop", "--state", str(state_dir))


def test_emulator_keeps_tables_objects_and_messages_across_a_clean_restart(own_emulator: tuple[int, Path]) -> None:
    port, state = own_emulator
    emulator_cli("start", "--port", str(port), "--state", str(state))

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name="eu-central-1")

    ddb, s3, sqs = client("dynamodb"), client("s3"), client("sqs")
    ddb.create_table(TableName="sprawy", BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    ddb.put_item(TableName="sprawy", Item={"pk": {"S": "GK.6730.12.2026"}, "status": {"S": "zarejestrowana"}})
    s3.create_bucket(Bucket="dokumenty", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_object(Bucket="dokumenty", Key="upp/1.xml", Body=b"<UPP/>")
    queue = sqs.create_queue(QueueName="rejestracje")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="wniosek-1")

    emulator_cli("stop", "--state", str(state))
    emulator_cli("start", "--port", str(port), "--state", str(state))

    item = ddb.get_item(TableName="sprawy", Key={"pk": {"S": "GK.6730.12.2026"}}, ConsistentRead=True)
    assert item.get("Item", {}).get("status") == {"S": "zarejestrowana"}
    assert s3.get_object(Bucket="dokumenty", Key="upp/1.xml")["Body"].read() == b"<UPP/>"
    messages = sqs.receive_message(QueueUrl=sqs.get_queue_url(QueueName="rejestracje")["QueueUrl"],
                                   WaitTimeSeconds=1).get("Messages", [])
    assert [m["Body"] for m in messages] == ["wniosek-1"]


class LocalRun:
    """`make run` (infrastructure.local_run) as a developer runs it, on free ports, state under `state`."""

    def __init__(self, state: Path, *, keep: bool) -> None:
        self.emulator_port, self.api_port, payments_port = free_ports(3)
        self.api = f"http://127.0.0.1:{self.api_port}"
        env = {**os.environ, "EURZAD_EMULATOR_PORT": str(self.emulator_port), "EURZAD_API_PORT": str(self.api_port),
               "EURZAD_PAYMENTS_PORT": str(payments_port),
               "EURZAD_EMULATOR_STATE": str(state), "KEEP_STATE": "1" if keep else "0"}
        env.pop("AWS_ENDPOINT_URL", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "infrastructure.local_run"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 600
        while not any("Ctrl-C stops everything" in line for line in self.lines):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError("make run did not come up:\n" + "".join(self.lines[-30:]))
            time.sleep(0.5)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def stop(self) -> None:
        """Ctrl-C's twin: SIGTERM, and wait until the emulator has written its state."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=120)

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        req = urllib.request.Request(self.api + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=180) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, err.read()[:300]


def demo_merchant_can_sign_in(gateway: str, merchant_id: int) -> bool:
    """P24's credentials check (`testAccess`) with the demo merchant's keys at the sandbox gateway."""
    import base64

    from chalicelib.cli_payments import demo_keys

    basic = base64.b64encode(f"{merchant_id}:{demo_keys(merchant_id)[1]}".encode()).decode()
    req = urllib.request.Request(f"{gateway}/api/v1/testAccess", headers={"Authorization": f"Basic {basic}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return bool(resp.status == 200)
    except urllib.error.HTTPError as err:
        assert err.code == 401
        return False


def registered(run: LocalRun, path: str, resident: dict[str, str], timeout: float = 240) -> Any:
    """The submission once the registration worker has given it its case sign."""
    deadline = time.monotonic() + timeout
    while True:
        status, shown = run.call("GET", path, headers=resident)
        assert status == 200, shown
        if shown["case_sign"]:
            return shown
        assert time.monotonic() < deadline, shown
        time.sleep(2)


def test_keep_state_make_run_finds_the_submission_and_its_case_after_a_restart(state_dir: Path) -> None:
    resident = auth("resident", subject="trwala-anna", pesel=PESEL)  # the applicant the form data names
    defn = next(d for d in load_definitions() if d.id == "pismo-ogolne")
    first = LocalRun(state_dir, keep=False)
    try:
        status, submitted = first.call("POST", f"/v1/tenants/{A}/services/pismo-ogolne/submissions",
                                       {"data": valid_data(defn, lambda field: "")},
                                       {**resident, "Idempotency-Key": "trwaly-wniosek-1"})
        assert status == 201, submitted
        case = registered(first, submitted["links"]["self"], resident)
        gateway = json.loads((state_dir.parent / "endpoints.json").read_text())["payments_gateway"]
        assert demo_merchant_can_sign_in(gateway, 214043)  # Piaseczno's demo account, opened by make run
        assert not demo_merchant_can_sign_in(gateway, 214032)  # Lesznowola takes no payments online
    finally:
        first.stop()

    again = LocalRun(state_dir, keep=True)
    try:
        status, shown = again.call("GET", submitted["links"]["self"], headers=resident)
        assert status == 200, shown
        assert shown == case
        assert again.call("GET", submitted["links"]["upp"], headers=resident)[0] == 200
        status, inbox = again.call("GET", f"/v1/tenants/{A}/inbox?department={case['department']}&limit=100",
                                   headers=auth("clerk", A))
        assert status == 200, inbox
        assert [c["case_sign"] for c in inbox["items"] if c["submission_id"] == case["submission_id"]] == [
            case["case_sign"]]
    finally:
        again.stop()
    # It said what it was doing while it started, and that it writes its state when stopped
    said = "".join(first.lines)
    for progress in ("uruchamiam emulator", "wdrażam", "rozgrzewam", "zatrzymuję emulator"):
        assert progress in said, said
