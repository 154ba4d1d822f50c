"""Dead letters against the emulator: a registration that keeps failing ends in the DLQ, the operator looks at it
with `dlq show`, fixes the cause, and `dlq redrive` brings it back to be registered once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from chalicelib import cli, modules
from chalicelib.signatures import pki
from tests import queues
from tests.conftest import auth
from tests.integration.conftest import DEMO
from tests.integration.test_submissions import A, application, call, me, submit

QUEUES = modules.queues()
PIASECZNO = DEMO / "1418043-piaseczno.yaml"
MAX_RECEIVES = next(q.max_receive_count for q in QUEUES if q.key == "registrations")


@pytest.fixture(autouse=True)
def _clean_registrations(platform: None) -> Iterator[None]:
    queues.purge("registrations")
    yield
    queues.purge("registrations")


def without_department(tmp_path: Path, symbol: str) -> Path:
    data = yaml.safe_load(PIASECZNO.read_text(encoding="utf-8"))
    data["departments"] = [d for d in data["departments"] if d["symbol"] != symbol]
    if data.get("appointments"):  # its counters (e-wizyta) go with it: the setting names existing departments only
        data["appointments"]["counters"] = [c for c in data["appointments"]["counters"] if c["department"] != symbol]
    # No service of the file names the department itself; the catalogue's default then points at nothing.
    assert all(s.get("department") != symbol for s in data["services"])
    target = tmp_path / PIASECZNO.name
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def deliver_until_dead_lettered(api: Any) -> int:
    """Deliver the registrations queue until SQS has taken the message away; the number of failed attempts."""
    failed = 0
    for _ in range(2 * MAX_RECEIVES + 2):
        failed += queues.deliver(api, "registrations", "registrations", rounds=1)["failed"]
        if queues.count("registrations") == 0:
            return failed
    pytest.fail("the message never left the registrations queue")


def visible_dead_letters() -> int:
    attrs = boto3.client("sqs").get_queue_attributes(QueueUrl=queues.url("registrations", dead=True),
                                                     AttributeNames=["ApproximateNumberOfMessages"])
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


@pytest.mark.usefixtures("restore_region")
def test_a_worker_that_keeps_failing_dead_letters_the_message_and_redrive_registers_it_once(
        api: Any, demo_pki: pki.DemoPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given Piaseczno without the OR department, which pismo-ogolne is registered in
    assert cli.tenants_apply([without_department(tmp_path, "OR")]) == 0

    # When a resident submits pismo-ogolne and the registrations queue is delivered until SQS gives up on it
    status, body = submit(api, A, "pismo-ogolne", application(api, A, "pismo-ogolne"), f"dlq-{uuid.uuid4().hex}")
    assert status == 201, body
    sid = body["submission_id"]
    failures = deliver_until_dead_lettered(api)

    # Then the handler failed maxReceiveCount times and the message went to the DLQ. (The emulator, like SQS,
    # moves it on the first receive after its receive count reached maxReceiveCount, so that receive is empty.)
    assert failures == MAX_RECEIVES
    assert queues.count("registrations", dead=True) == 1
    # And the submission waits, accepted and without a case sign
    _, shown = call(api, "GET", f"/v1/me/submissions/{sid}", headers=me())
    assert shown["status"] == "przyjete" and shown.get("case_sign") is None

    # When the operator looks at the DLQ
    capsys.readouterr()
    assert cli.main(["dlq", "show", "registrations"]) == 0
    out = capsys.readouterr().out
    # Then the dead letter is named with its receive count (the emulator keeps the source queue's count in
    # the DLQ, and the peek itself is one more receive), and it is left in the DLQ, visible at once
    line = next(ln for ln in out.splitlines() if sid in ln)
    received = re.search(r"odebrań: (\d+)", line)
    assert received is not None and int(received.group(1)) >= MAX_RECEIVES, line
    assert "terc=1418043" in line and "service=pismo-ogolne" in line
    assert queues.count("registrations", dead=True) == 1 and visible_dead_letters() == 1

    # When the department is back and the operator redrives the DLQ
    assert cli.tenants_apply([PIASECZNO]) == 0
    capsys.readouterr()
    assert cli.main(["dlq", "redrive", "registrations"]) == 0
    assert capsys.readouterr().out.strip().endswith(": 1")
    assert queues.count("registrations", dead=True) == 0
    message = queues.peek("registrations")
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1

    # Then the submission is registered, once
    _, shown = call(api, "GET", f"/v1/me/submissions/{sid}", headers=me())
    assert shown["status"] == "zarejestrowana" and shown["case_sign"], shown
    assert queues.count("registrations", dead=True) == 0
    # And the same message delivered again registers nothing more
    queues.send("registrations", message)
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1
    _, again = call(api, "GET", f"/v1/me/submissions/{sid}", headers=me())
    assert again["case_sign"] == shown["case_sign"]
    _, inbox = call(api, "GET", f"/v1/tenants/{A}/inbox?department=OR&limit=100", headers=auth("clerk", A))
    assert [c["case_sign"] for c in inbox["items"] if c["submission_id"] == sid] == [shown["case_sign"]]


def test_show_without_a_queue_lists_every_queue_and_redrive_keeps_attributes_up_to_the_limit(
        platform: None, capsys: pytest.CaptureFixture[str]) -> None:
    sqs = boto3.client("sqs")
    dead = queues.url("registrations", dead=True)
    for i in range(3):
        sqs.send_message(QueueUrl=dead, MessageBody=f"nie JSON {i} " + "x" * 200,
                         MessageAttributes={"zrodlo": {"DataType": "String", "StringValue": "test"}})

    assert cli.main(["dlq", "show"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split(":")[0] for ln in lines] == [q.key for q in QUEUES]
    assert all(re.fullmatch(r"[a-z-]+: w kolejce błędów: \d+", ln) for ln in lines), lines
    assert "registrations: w kolejce błędów: 3" in lines

    assert cli.main(["dlq", "show", "registrations", "--limit", "2"]) == 0
    shown = [ln for ln in capsys.readouterr().out.splitlines() if "nie JSON" in ln]
    assert len(shown) == 2 and all(len(ln.split(" · ")[-1]) == 120 for ln in shown)

    assert cli.main(["dlq", "redrive", "registrations", "--limit", "2"]) == 0
    assert queues.count("registrations", dead=True) == 1 and queues.count("registrations") == 2
    back = sqs.receive_message(QueueUrl=queues.url("registrations"), MaxNumberOfMessages=10,
                               MessageAttributeNames=["All"], VisibilityTimeout=0)["Messages"]
    assert [m["MessageAttributes"]["zrodlo"]["StringValue"] for m in back] == ["test", "test"]


def test_an_unknown_queue_is_refused_naming_the_known_ones(platform: None, capsys: pytest.CaptureFixture[str]) -> None:
    for action in ("show", "redrive"):
        assert cli.main(["dlq", action, "nie-ma-takiej"]) == 2
        err = capsys.readouterr().err
        assert "nieznana kolejka „nie-ma-takiej”" in err
        assert all(q.key in err for q in QUEUES)
