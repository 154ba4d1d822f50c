"""Accepted e-wniosek submissions per second end to end, against the bare minimum of AWS writes they need.

Run from the project root (or `make bench`):

    .venv/bin/python bench/submissions.py              # --n 40 --rounds 3 --port 4630 --attachment-kib 200

Without AWS_ENDPOINT_URL the script starts its own local emulator (ministack) on --port (or a free port when that
one is taken), with its state under .local/bench-submissions, and stops and removes it at the end; with
AWS_ENDPOINT_URL set it uses that emulator instead.

End to end is what a resident's submission costs until it is a registered case:
  - submit: `POST /v1/tenants/{terc}/services/{service}/submissions` (form validation, the attachment copied into
    the documents bucket, the ePUAP document rendered and stored, the UPP built, sealed and stored, the
    submission item written, the registration message sent);
  - registration: the `registrations` worker taking that message (the case sign counter, the case and the
    submission's new state in one transaction, the e-mail to the resident).
The app runs in-process (`chalice.test.Client`, one warm container). The queue is drained by a poller in this
script, the way Lambda's event source mapping would: ReceiveMessage (up to 10), invoke, DeleteMessageBatch.

The baseline does, directly with boto3 against the same emulator, only the AWS writes a submission cannot do
without, with objects and items of the same size as the real ones: CopyObject (attachment), PutObject
(document), PutObject (UPP), PutItem (submission, conditional), SendMessage; then per message GetItem (counter)
and TransactWriteItems (counter, case, submission) and the same e-mail; the queue through the same poller. No
validation, rendering, signing or reads beyond the counter.

Rounds alternate the real path and the baseline (and which goes first). AWS requests and DynamoDB capacity units
are counted by the app's own metering hook (`chalicelib.core.metering`) for both. It measures and writes down:
no thresholds, no pass/fail. The report goes to stdout and to `bench/results/submissions.md`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import shutil
import socket
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_platform import SinkRecorder, set_environment, set_up_platform
from pricing import prices_note, usd

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "submissions.md"
STATE = ROOT / ".local" / "bench-submissions"
TERC = "1418043"  # Gmina Piaseczno (demo region)
SERVICE = "pismo-ogolne"
RESIDENT = "bench-resident-jan"
EMAIL = "jan.kowalski@example.pl"
DEFAULT_PORT = 4630
MEMORY_MB = 512  # .chalice/config.json lambda_memory_size
BASELINE_DEPARTMENT = "BENCH"  # the baseline's cases live in their own partition, out of every real inbox

PRICED = ("dynamodb.read", "dynamodb.write", "s3.tier1", "s3.tier2", "sqs.requests", "ses.messages",
          "secretsmanager.requests", "apigateway.requests", "lambda.requests", "lambda.compute")
PER = 1000  # costs are given per this many submissions
S3_PUT_CLASS = frozenset({"PutObject", "CopyObject", "PostObject", "ListObjects", "ListObjectsV2"})
SES_SEND = frozenset({"ses:SendEmail", "ses:SendRawEmail", "sesv2:SendEmail"})

# Why the real path makes a request the baseline does not (or more of it), by service:Operation.
WHY_MORE = {
    "dynamodb:GetItem": "submit: the JST's configuration (strongly consistent; the JST may switch the service off). "
                        "The registration reads only what the minimum reads, the case-sign counter, and a warm "
                        "worker not even that: it tries the number after the last it gave (a failed condition "
                        "returns the counter). The registration message carries the rest (department, deadline, "
                        "names, e-mail), so the worker reads neither the submission nor the JST's configuration",
    "dynamodb:BatchGetItem": "submit: one read over two tables of the module: the Idempotency-Key check (a repeated "
                             "key answers with the first receipt) and the attachments' state (only released files "
                             "of this resident, service and JST may be submitted)",
    "dynamodb:TransactWriteItems": "submit: the Idempotency-Key claim before anything is stored or sealed (one "
                                   "attempt at a time holds a key), and the submission written in one transaction "
                                   "with its outbox marker and the claim completed (the minimum's PutItem)",
    "dynamodb:PutItem": "the minimum's PutItem of the submission is the real path's second TransactWriteItems",
    "dynamodb:UpdateItem": "registration: the resident's notice given back when SES refuses the e-mail (only then; "
                           "the notice is taken in the registration's transaction, before the e-mail)",
    "dynamodb:Query": "catalogue reload (the container's cache of the published catalogue expires every 60 s)",
    "dynamodb:Scan": "catalogue reload (the container's cache of the published catalogue expires every 60 s)",
}


# --- the emulator and the platform -------------------------------------------------------------------------

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
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
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


def aws(service: str) -> Any:
    """A client of our own, configured like the app's (chalicelib.integrations.aws.client)."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=15)
    return boto3.session.Session(region_name="eu-central-1").client(service, config=config)


# --- what each invocation used -------------------------------------------------------------------------------

@dataclass
class Invocation:
    """One invocation's `Usage` as the metering hook saw it, and the metering write it cost (app only)."""

    function: str
    requests: Counter[str]
    read_units: float
    write_units: float
    duration_ms: float
    memory_mb: int
    metering_requests: int = 0
    metering_units: float = 0.0


@dataclass
class Recorder(SinkRecorder):
    """The app's invocations: wraps the metering sink so every `Usage` is recorded before it is written."""

    invocations: list[Invocation] = field(default_factory=list)

    def install(self) -> None:
        from chalicelib.core.metering import Usage
        from chalicelib.db import metering as db_metering
        from chalicelib.integrations.aws import client

        client("dynamodb").meta.events.register("after-call.dynamodb", self.on_sink_call)
        original: Callable[..., None] = db_metering.DynamoUsageSink.add
        recorder = self

        def add(sink: Any, usage: Usage, *, duration_ms: float, day: str) -> None:
            recorder.sink_requests, recorder.sink_units, recorder.in_sink = 0, 0.0, True
            try:
                original(sink, usage, duration_ms=duration_ms, day=day)
            finally:
                recorder.in_sink = False
            recorder.invocations.append(Invocation(
                function=usage.function, requests=Counter(usage.requests), read_units=usage.read_units,
                write_units=usage.write_units, duration_ms=duration_ms, memory_mb=usage.memory_mb or MEMORY_MB,
                metering_requests=recorder.sink_requests, metering_units=recorder.sink_units))

        db_metering.DynamoUsageSink.add = add  # type: ignore[method-assign]


@dataclass
class CaptureSink:
    """The baseline's sink: keeps each `Usage` and writes nothing (the baseline has no metering)."""

    invocations: list[Invocation] = field(default_factory=list)

    def add(self, usage: Any, *, duration_ms: float, day: str) -> None:
        self.invocations.append(Invocation(
            function=usage.function, requests=Counter(usage.requests), read_units=usage.read_units,
            write_units=usage.write_units, duration_ms=duration_ms, memory_mb=usage.memory_mb))


@contextlib.contextmanager
def metered(function: str, sink: CaptureSink) -> Iterator[None]:
    """Count the AWS requests of a block with the app's own hook, like one invocation."""
    from chalicelib.core import metering

    metering.begin(function=function, memory_mb=MEMORY_MB)
    try:
        yield
    finally:
        metering.finish(sink)


# --- the queue, drained like Lambda's poller -------------------------------------------------------------

class Poller:
    """ReceiveMessage (up to 10), hand the batch over, DeleteMessageBatch; until n messages were handled."""

    def __init__(self) -> None:
        from chalicelib.resources import queue_name

        self.sqs = aws("sqs")
        self.url = str(self.sqs.get_queue_url(QueueName=queue_name("registrations"))["QueueUrl"])
        self.arn = str(self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])
                       ["Attributes"]["QueueArn"])

    def drain(self, n: int, handle: Callable[[list[dict[str, Any]]], set[str]]) -> Counter[str]:
        calls: Counter[str] = Counter()
        done = idle = 0
        while done < n:
            got = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10,
                                           AttributeNames=["All"]).get("Messages", [])
            calls["sqs:ReceiveMessage"] += 1
            if not got:
                idle += 1
                if idle > 200:
                    raise SystemExit(f"registrations queue: {done} of {n} messages, then nothing for {idle} receives")
                time.sleep(0.01)
                continue
            failed = handle(got)
            if failed:
                raise SystemExit(f"registrations: {len(failed)} of {len(got)} messages failed; see the log above")
            reply = self.sqs.delete_message_batch(QueueUrl=self.url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
            calls["sqs:DeleteMessageBatch"] += 1
            if reply.get("Failed"):
                raise SystemExit(f"DeleteMessageBatch failed: {reply['Failed']}")
            done += len(got)
        return calls

    def event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """The SQS event Lambda would hand the function."""
        return {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs", "eventSourceARN": self.arn, "awsRegion": "eu-central-1",
        } for m in messages]}


# --- the real path -----------------------------------------------------------------------------------------

def attachment_content(kib: int) -> bytes:
    """A PDF of about `kib` KiB (a one-page PDF followed by a comment block, as scanners' files often are)."""
    from tests.files import make_pdf

    pdf = make_pdf()
    pad = max(0, kib * 1024 - len(pdf) - 2)
    return pdf + b"%" + b"x" * pad + b"\n"


class RealPath:
    """The app in one warm container, driven through its HTTP API and its registrations worker."""

    def __init__(self, api: Any, poller: Poller) -> None:
        from chalicelib.core import dev_issuer
        from tests.formdata import PESEL  # the applicant the form data names

        self.api = api
        self.poller = poller
        token = dev_issuer.issue(role="resident", subject=RESIDENT, pesel=PESEL)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.data: dict[str, Any] = {}

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        response = self.api.http.request(method, path, headers={**self.headers, **(headers or {})},
                                          body=json.dumps(body).encode() if body is not None else b"")
        payload = json.loads(response.body) if response.body else None
        return response.status_code, payload

    def upload(self, content: bytes) -> str:
        """One released attachment: upload slot, S3 presigned POST, the check worker from the real queue."""
        from tests import queues
        from tests.uploads import post_file

        status, slot = self.call("POST", f"/v1/tenants/{TERC}/services/{SERVICE}/attachments",
                                 {"filename": "skan.pdf", "content_type": "application/pdf", "size": len(content)})
        if status != 201:
            raise SystemExit(f"upload slot: HTTP {status}: {slot}")
        if (got := post_file(slot["upload"], content, filename="skan.pdf")) != 204:
            raise SystemExit(f"presigned POST: HTTP {got}")
        attachment_id = str(slot["attachment_id"])
        for _ in range(20):
            queues.deliver(self.api, "attachment-uploads", "attachment_uploads", wait=1)
            _, seen = self.call("GET", f"/v1/me/attachments/{attachment_id}")
            if seen and seen.get("status") == "przyjety":
                return attachment_id
        raise SystemExit(f"the attachment was not released: {seen}")

    def prepare(self, attachment_id: str) -> None:
        """Valid form data with one attachment and an e-mail address (so the resident is told the case sign)."""
        from chalicelib.modules.catalogue.wiring import catalogue
        from tests.formdata import valid_data

        defn = catalogue().get(SERVICE)
        assert defn is not None
        self.data = valid_data(defn, lambda _field: attachment_id)
        self.data["zalaczniki"] = [attachment_id]
        self.data["email"] = EMAIL

    def submit(self, key: str) -> str:
        status, body = self.call("POST", f"/v1/tenants/{TERC}/services/{SERVICE}/submissions", {"data": self.data},
                                 {"Idempotency-Key": key})
        if status != 201:
            raise SystemExit(f"submission {key}: HTTP {status}: {body}")
        return str(body["submission_id"])

    def handle(self, messages: list[dict[str, Any]]) -> set[str]:
        reply = self.api.lambda_.invoke("registrations", self.poller.event(messages))
        payload = reply.payload if isinstance(reply.payload, dict) else json.loads(reply.payload or "{}")
        return {f["itemIdentifier"] for f in (payload or {}).get("batchItemFailures", [])}

    def check_registered(self, sids: list[str]) -> None:
        """Outside the timing: every submission has its case sign and the resident was told."""
        from chalicelib.modules.submissions.resources import SubmissionTable

        items = {i.submission_id: i for i in SubmissionTable.batch_get([(RESIDENT, s) for s in sids],
                                                                      consistent_read=True)}
        missing = [s for s in sids if s not in items or not items[s].case_sign or not items[s].notified_at]
        if missing:
            raise SystemExit(f"{len(missing)} of {len(sids)} submissions not registered and notified: {missing[:3]}")


# --- the baseline --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    """The real warm-up submission's objects and items: the baseline writes copies of the same size."""

    sid: str
    attachment_id: str
    document: bytes
    upp: bytes
    submission_item: dict[str, Any]  # as the app wrote it, before registration (low-level DynamoDB format)
    case_record: str
    mail_subject: str
    mail_text: str

    @classmethod
    def capture_submission(cls, sid: str, attachment_id: str) -> dict[str, Any]:
        """The pieces readable right after the submit (the item is read before the worker changes it)."""
        from chalicelib.modules.submissions.resources import SubmissionTable
        from chalicelib.resources import bucket_name

        s3, ddb = aws("s3"), aws("dynamodb")
        item = ddb.get_item(TableName=SubmissionTable.Meta.table_name, ConsistentRead=True,
                            Key={"owner": {"S": RESIDENT}, "submission_id": {"S": sid}})["Item"]
        record = json.loads(item["record"]["S"])  # where this submission's files are (one folder per attempt)

        def stored(what: str) -> bytes:
            ref = record[what]
            body: bytes = s3.get_object(Bucket=bucket_name("documents"), Key=ref["key"],
                                        VersionId=ref["version_id"])["Body"].read()
            return body

        return {"sid": sid, "attachment_id": attachment_id, "submission_item": item,
                "document": stored("document"), "upp": stored("upp")}

    @classmethod
    def complete(cls, parts: dict[str, Any]) -> Template:
        """Add what the worker wrote: the case record and the e-mail (read after the registration)."""
        from chalicelib.modules.cases.keys import inbox_pk
        from chalicelib.modules.cases.resources import CaseTable

        sid = parts["sid"]
        record = next((c.record for c in CaseTable.query(inbox_pk(TERC, "OR"), CaseTable.sk.startswith("C#"))
                       if c.case_id == sid), None)
        if record is None:
            raise SystemExit(f"the warm-up case for {sid} is not in the OR inbox")
        subject, text = "Sprawa OR.0.1.2026 – wniosek zarejestrowany", "x" * 800
        with contextlib.suppress(Exception):  # the emulator's outbox; a fixed text of the usual size otherwise
            from tests.emulator import sent_emails

            mail = next(m for m in sent_emails() if sid in (m.get("BodyText") or ""))
            subject, text = str(mail["Subject"]), str(mail["BodyText"])
        return cls(case_record=record, mail_subject=subject, mail_text=text, **parts)


class Baseline:
    """The AWS writes one submission needs and nothing else: no validation, no rendering, no signing, no reads
    but the counter's. Same emulator, same kind of clients, items and objects of the real sizes."""

    def __init__(self, template: Template, poller: Poller, sink: CaptureSink) -> None:
        from chalicelib.core.settings import get_settings
        from chalicelib.modules.cases.keys import inbox_pk
        from chalicelib.modules.cases.resources import CaseTable
        from chalicelib.modules.submissions.resources import SubmissionTable
        from chalicelib.resources import bucket_name

        self.t, self.poller, self.sink = template, poller, sink
        self.s3, self.ddb, self.sqs, self.ses = aws("s3"), aws("dynamodb"), aws("sqs"), aws("ses")
        self.documents, self.uploads = bucket_name("documents"), bucket_name("uploads")
        self.submissions, self.cases = SubmissionTable.Meta.table_name, CaseTable.Meta.table_name
        self.mail_from = get_settings().mail_from
        self.counter = {"pk": {"S": inbox_pk(TERC, BASELINE_DEPARTMENT)}, "sk": {"S": "N#0#bench"}}

    def _copy(self, text: str, sid: str) -> str:
        return text.replace(self.t.sid, sid)  # same length: both are uuid hex

    def submit(self) -> str:
        with metered("baseline-submit", self.sink):
            sid = uuid.uuid4().hex
            prefix = f"bench-baseline/{TERC}/{sid}/"
            self.s3.copy_object(Bucket=self.documents, Key=f"{prefix}attachments/{self.t.attachment_id}",
                                CopySource={"Bucket": self.uploads, "Key": f"released/{TERC}/{self.t.attachment_id}"})
            self.s3.put_object(Bucket=self.documents, Key=prefix + "document.xml", Body=self.t.document,
                               ContentType="application/xml")
            self.s3.put_object(Bucket=self.documents, Key=prefix + "upp.xml", Body=self.t.upp,
                               ContentType="application/xml")
            item = {k: ({"S": self._copy(v["S"], sid)} if "S" in v else v) for k, v in self.t.submission_item.items()}
            self.ddb.put_item(TableName=self.submissions, Item=item,
                              ConditionExpression="attribute_not_exists(submission_id)")
            self.sqs.send_message(QueueUrl=self.poller.url, MessageBody=json.dumps(
                {"submission_id": sid, "owner": RESIDENT, "terc": TERC, "service": SERVICE}))
        return sid

    def handle(self, messages: list[dict[str, Any]]) -> set[str]:
        with metered("baseline-registrations", self.sink):
            for m in messages:
                self._register(json.loads(m["Body"]))
        return set()

    def _register(self, message: dict[str, Any]) -> None:
        sid = message["submission_id"]
        got = self.ddb.get_item(TableName=self.cases, Key=self.counter, ConsistentRead=True).get("Item")
        last = int(got["last"]["N"]) if got else 0
        now = dt.datetime.now(dt.UTC)
        sign = f"OR.0.{last + 1}.{now.year}"
        stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")  # PynamoDB's UTCDateTimeAttribute format
        counter_condition = ({"ConditionExpression": "#last = :last", "ExpressionAttributeValues":
                              {":n": {"N": str(last + 1)}, ":last": {"N": str(last)}}} if last else
                             {"ConditionExpression": "attribute_not_exists(#last)",
                              "ExpressionAttributeValues": {":n": {"N": str(last + 1)}}})
        self.ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": self.cases, "Key": self.counter, "UpdateExpression": "SET #last = :n",
                        "ExpressionAttributeNames": {"#last": "last"}, **counter_condition}},
            {"Put": {"TableName": self.cases, "ConditionExpression": "attribute_not_exists(sk)", "Item": {
                "pk": self.counter["pk"], "sk": {"S": f"C#{stamp}#{sid}"}, "case_id": {"S": sid},
                "case_sign": {"S": sign}, "record": {"S": self._copy(self.t.case_record, sid)}}}},
            {"Update": {"TableName": self.submissions, "Key": {"owner": {"S": message["owner"]},
                                                                "submission_id": {"S": sid}},
                        "UpdateExpression": "SET #status = :s, case_sign = :c, department = :d, registered_at = :r",
                        "ConditionExpression": "attribute_exists(submission_id) AND attribute_not_exists(case_sign)",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {":s": {"S": "zarejestrowana"}, ":c": {"S": sign},
                                                      ":d": {"S": "OR"}, ":r": {"S": stamp}}}},
        ])
        self.ses.send_email(Source=self.mail_from, Destination={"ToAddresses": [EMAIL]}, Message={
            "Subject": {"Data": self.t.mail_subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": self._copy(self.t.mail_text, sid), "Charset": "UTF-8"}}})


# --- rounds ------------------------------------------------------------------------------------------------

@dataclass
class Phase:
    """One timed phase of one round: n submissions submitted, or n registered."""

    n: int
    seconds: float
    cpu_seconds: float
    invocations: list[Invocation]
    polling: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.n / self.seconds


@dataclass
class Round:
    path: str  # "real" | "baseline"
    submit: Phase
    register: Phase

    @property
    def end_to_end(self) -> float:
        return self.submit.n / (self.submit.seconds + self.register.seconds)


@contextlib.contextmanager
def timed(out: dict[str, float]) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    out["seconds"], out["cpu"] = time.perf_counter() - wall, time.process_time() - cpu


def run_real(real: RealPath, recorder: Recorder, n: int, tag: str) -> Round:
    first, clock = len(recorder.invocations), {}
    with timed(clock):
        sids = [real.submit(f"{tag}-{i:04d}") for i in range(n)]
    submit = Phase(n, clock["seconds"], clock["cpu"], recorder.invocations[first:])
    first = len(recorder.invocations)
    with timed(clock):
        polling = real.poller.drain(n, real.handle)
    register = Phase(n, clock["seconds"], clock["cpu"], recorder.invocations[first:], polling)
    real.check_registered(sids)
    return Round("real", submit, register)


def run_baseline(baseline: Baseline, n: int) -> Round:
    sink, clock = baseline.sink, {}
    first = len(sink.invocations)
    with timed(clock):
        for _ in range(n):
            baseline.submit()
    submit = Phase(n, clock["seconds"], clock["cpu"], sink.invocations[first:])
    first = len(sink.invocations)
    with timed(clock):
        polling = baseline.poller.drain(n, baseline.handle)
    register = Phase(n, clock["seconds"], clock["cpu"], sink.invocations[first:], polling)
    return Round("baseline", submit, register)


# --- the report -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PerSubmission:
    """Means per submission over every counted round of one path and phase."""

    requests: dict[str, float]
    read_units: float
    write_units: float
    metering_requests: float
    metering_units: float
    polling: dict[str, float]
    invocations: float
    billed_ms: float  # Lambda-billed milliseconds (each invocation rounded up)

    @classmethod
    def of(cls, phases: list[Phase]) -> PerSubmission:
        n = sum(p.n for p in phases)
        invocations = [i for p in phases for i in p.invocations]
        requests: Counter[str] = Counter()
        polling: Counter[str] = Counter()
        for i in invocations:
            requests.update(i.requests)
        for p in phases:
            polling.update(p.polling)
        return cls(
            requests={k: v / n for k, v in sorted(requests.items())},
            read_units=sum(i.read_units for i in invocations) / n,
            write_units=sum(i.write_units for i in invocations) / n,
            metering_requests=sum(i.metering_requests for i in invocations) / n,
            metering_units=sum(i.metering_units for i in invocations) / n,
            polling={k: v / n for k, v in sorted(polling.items())},
            invocations=len(invocations) / n,
            billed_ms=sum(math.ceil(i.duration_ms) for i in invocations) / n,
        )

    def total_requests(self) -> float:
        return sum(self.requests.values()) + sum(self.polling.values()) + self.metering_requests

    def dollars(self) -> dict[str, float]:
        """USD per submission by item (AWS data services only; API Gateway and Lambda are added by the caller)."""
        every = {**self.requests, **self.polling}
        s3_put = sum(v for k, v in every.items() if k.startswith("s3:") and k.split(":")[1] in S3_PUT_CLASS)
        s3_get = sum(v for k, v in every.items() if k.startswith("s3:") and k.split(":")[1] not in S3_PUT_CLASS)
        return {
            "DynamoDB reads": usd("dynamodb.read", self.read_units),
            "DynamoDB writes": usd("dynamodb.write", self.write_units),
            "metering write": usd("dynamodb.write", self.metering_units),
            "S3 PUT/COPY": usd("s3.tier1", s3_put),
            "S3 GET/other": usd("s3.tier2", s3_get),
            "SQS": usd("sqs.requests", sum(v for k, v in every.items() if k.startswith("sqs:"))),
            "SES": usd("ses.messages", sum(every.get(k, 0.0) for k in SES_SEND)),
            "Secrets Manager": usd("secretsmanager.requests", every.get("secretsmanager:GetSecretValue", 0.0)),
        }


def num(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{value:.0f}"
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3f}"


def cell(value: float) -> str:
    return "—" if abs(value) < 1e-12 else num(value)


def ops_text(counts: dict[str, float]) -> str:
    return ", ".join(f"{num(v)} {k}" for k, v in counts.items() if v) or "—"


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def throughput_table(rounds: list[Round]) -> list[str]:
    real = [r for r in rounds if r.path == "real"]
    base = [r for r in rounds if r.path == "baseline"]

    def row(label: str, rs: list[Round]) -> tuple[str, dict[str, float]]:
        figures = {
            "submit": median(r.submit.rate for r in rs),
            "register": median(r.register.rate for r in rs),
            "e2e": median(r.end_to_end for r in rs),
            "cpu": median(1000 * (r.submit.cpu_seconds + r.register.cpu_seconds) / r.submit.n for r in rs),
            "wall": median(1000 * (r.submit.seconds + r.register.seconds) / r.submit.n for r in rs),
        }
        return (f"| {label} | {figures['submit']:.1f}/s | {figures['register']:.1f}/s | **{figures['e2e']:.1f}/s** | "
                f"{figures['wall']:.1f} ms | {figures['cpu']:.1f} ms |"), figures

    real_row, r = row("e-Urząd (real path)", real)
    base_row, b = row("bare minimum (boto3 baseline)", base)
    return [
        "| path | submit phase | registration phase | end to end | wall per submission | CPU per submission "
        "(this process) |",
        "|---|---:|---:|---:|---:|---:|",
        real_row,
        base_row,
        f"| real / baseline | {r['submit'] / b['submit']:.2f} | {r['register'] / b['register']:.2f} | "
        f"**{r['e2e'] / b['e2e']:.2f}** | {r['wall'] / b['wall']:.2f}× | {r['cpu'] / b['cpu']:.2f}× |",
        "",
        "Per round (end to end, submissions/s): "
        + "; ".join(f"{i + 1}: real {x.end_to_end:.1f}, baseline {y.end_to_end:.1f}"
                    for i, (x, y) in enumerate(zip(real, base, strict=True))) + ".",
    ]


def requests_table(real_s: PerSubmission, real_r: PerSubmission, base_s: PerSubmission,
                   base_r: PerSubmission) -> list[str]:
    cols = (real_s, real_r, base_s, base_r)
    ops = sorted({k for c in cols for k in c.requests})
    lines = [
        "| AWS request | real: submit | real: registration | baseline: submit | baseline: registration | "
        "real − baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for op in ops:
        values = [c.requests.get(op, 0.0) for c in cols]
        diff = values[0] + values[1] - values[2] - values[3]
        lines.append(f"| `{op}` | " + " | ".join(cell(v) for v in values) + f" | {'+' if diff > 0 else ''}"
                     f"{cell(diff)} |")
    polls = sorted({k for c in cols for k in c.polling})
    for op in polls:
        values = [c.polling.get(op, 0.0) for c in cols]
        diff = values[0] + values[1] - values[2] - values[3]
        lines.append(f"| `{op}` (queue poller) | " + " | ".join(cell(v) for v in values) + f" | {cell(diff)} |")
    values = [c.metering_requests for c in cols]
    lines.append("| `dynamodb:UpdateItem` (metering write, one per invocation) | "
                 + " | ".join(cell(v) for v in values) + f" | +{cell(sum(values[:2]))} |")
    totals = [c.total_requests() for c in cols]
    lines.append("| **total** | " + " | ".join(f"**{num(v)}**" for v in totals)
                 + f" | **+{num(totals[0] + totals[1] - totals[2] - totals[3])}** |")
    return lines


def units_table(real_s: PerSubmission, real_r: PerSubmission, base_s: PerSubmission,
                base_r: PerSubmission) -> list[str]:
    def row(label: str, p: PerSubmission, metering: bool) -> str:
        extra = f"{p.metering_units:.2f}" if metering else "—"
        return f"| {label} | {p.read_units:.2f} | {p.write_units:.2f} | {extra} |"

    real_total = (real_s.read_units + real_r.read_units,
                  real_s.write_units + real_r.write_units + real_s.metering_units + real_r.metering_units)
    base_total = (base_s.read_units + base_r.read_units, base_s.write_units + base_r.write_units)
    return [
        "| per submission | RCU (RRU) | WCU (WRU) | + metering WCU |",
        "|---|---:|---:|---:|",
        row("real: submit", real_s, True),
        row("real: registration", real_r, True),
        row("baseline: submit", base_s, False),
        row("baseline: registration", base_r, False),
        f"| **real, all** | **{real_total[0]:.2f}** | **{real_total[1]:.2f}** (metering included) | |",
        f"| **baseline, all** | **{base_total[0]:.2f}** | **{base_total[1]:.2f}** | |",
    ]


def cost_table(real_s: PerSubmission, real_r: PerSubmission, base_s: PerSubmission,
               base_r: PerSubmission) -> tuple[list[str], float, float, float]:
    real = {k: (real_s.dollars()[k] + real_r.dollars()[k]) * PER for k in real_s.dollars()}
    base = {k: (base_s.dollars()[k] + base_r.dollars()[k]) * PER for k in base_s.dollars()}
    lines = ["| item (USD per 1000 submissions) | real | baseline |", "|---|---:|---:|"]
    lines += [f"| {k} | {real[k]:.4f} | {base[k]:.4f} |" for k in real]
    data_real, data_base = sum(real.values()), sum(base.values())
    lines.append(f"| **AWS data services** | **{data_real:.4f}** | **{data_base:.4f}** |")
    invocations = real_s.invocations + real_r.invocations
    lambda_requests = usd("lambda.requests", invocations * PER)
    gb_ms = MEMORY_MB / 1024 * (real_s.billed_ms + real_r.billed_ms)
    lambda_compute = usd("lambda.compute", gb_ms / 1000 * PER)
    api = usd("apigateway.requests", PER)  # one REST call per submission
    lines += [
        f"| API Gateway (1 REST call) | {api:.4f} | — |",
        f"| Lambda requests ({num(invocations)} invocations) | {lambda_requests:.4f} | — |",
        f"| Lambda compute ({MEMORY_MB} MB × {num(real_s.billed_ms + real_r.billed_ms)} ms, indicative) | "
        f"{lambda_compute:.4f} | — |",
    ]
    total = data_real + api + lambda_requests + lambda_compute
    lines.append(f"| **total** | **{total:.4f}** | **{data_base:.4f}** |")
    return lines, total, data_real, data_base


def why_more(real_s: PerSubmission, real_r: PerSubmission, base_s: PerSubmission,
             base_r: PerSubmission) -> list[str]:
    lines = []
    for op in sorted(set(real_s.requests) | set(real_r.requests) | set(base_s.requests) | set(base_r.requests)):
        diff = (real_s.requests.get(op, 0) + real_r.requests.get(op, 0)
                - base_s.requests.get(op, 0) - base_r.requests.get(op, 0))
        if abs(diff) > 1e-9:
            lines.append(f"- `{op}` {'+' if diff > 0 else ''}{num(diff)}: {WHY_MORE.get(op, 'see the table')}")
    return lines


def report(args: argparse.Namespace, endpoint: str, rounds: list[Round], cold: dict[str, Invocation],
           template: Template, attachment_size: int, elapsed: float) -> str:
    counted = {(path, phase): PerSubmission.of([getattr(r, phase) for r in rounds if r.path == path])
               for path in ("real", "baseline") for phase in ("submit", "register")}
    real_s, real_r = counted["real", "submit"], counted["real", "register"]
    base_s, base_r = counted["baseline", "submit"], counted["baseline", "register"]
    cost_lines, real_cost, real_data, base_cost = cost_table(real_s, real_r, base_s, base_r)
    ses = usd("ses.messages", PER * sum(real_r.requests.get(k, 0.0) + real_s.requests.get(k, 0.0) for k in SES_SEND))
    trips_real, trips_base = round_trips_ms([real_s, real_r]), round_trips_ms([base_s, base_r])
    warm_submit = median(i.duration_ms for r in rounds if r.path == "real" for i in r.submit.invocations)
    warm_batch = median(i.duration_ms for r in rounds if r.path == "real" for i in r.register.invocations)
    batch_sizes = [r.register.n / len(r.register.invocations) for r in rounds if r.path == "real"]
    lines = [
        "# Submissions per second, end to end (e-wniosek)",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- Machine: nproc {os.cpu_count()}, {platform.platform()} ({platform.machine()})",
        f"- Emulator: `{endpoint}`; app in-process (`chalice.test.Client`, one warm container, {MEMORY_MB} MB "
        "configured)",
        f"- Work: {args.rounds} rounds × {args.n} submissions per path, sequential, real and baseline alternating "
        f"(and which goes first); service `{SERVICE}` in JST {TERC}, one released attachment of "
        f"{attachment_size / 1024:.0f} KiB, an e-mail address given; document {len(template.document) / 1024:.1f} "
        f"KiB, sealed UPP {len(template.upp) / 1024:.1f} KiB, submission item "
        f"{_item_size(template.submission_item) / 1024:.1f} KiB",
        f"- Whole run: {elapsed:.1f} s",
        "",
        "## Throughput",
        "",
        "Submissions per second, median over the rounds. Submit phase: n submissions one after another; "
        "registration phase: the queue drained (ReceiveMessage of up to 10, one invocation per batch, "
        "DeleteMessageBatch); end to end: n over the sum of both. CPU: this process's CPU time (the app, boto3, "
        "the poller; the emulator runs in its own process).",
        "",
        *throughput_table(rounds),
        "",
        "## AWS requests per submission (warm container)",
        "",
        "Mean per accepted and registered submission, counted by the app's metering hook for both paths. The "
        f"registrations worker took batches of {statistics.mean(batch_sizes):.1f} messages on average, so its "
        "per-invocation requests (the metering write) are shared by that many submissions.",
        "",
        *requests_table(real_s, real_r, base_s, base_r),
        "",
        "Where the real path makes more requests than the minimum:",
        "",
        *why_more(real_s, real_r, base_s, base_r),
        "- the metering write: one UpdateItem per invocation (usage per JST, service, function and day)",
        "",
        "## DynamoDB capacity per submission",
        "",
        "Capacity units as the emulator reports them (`ReturnConsumedCapacity: TOTAL`, which the metering hook asks "
        "for on every call); on-demand tables bill the same numbers as request units.",
        "",
        *units_table(real_s, real_r, base_s, base_r),
        "",
        "## The first submission in this container (not counted above)",
        "",
        "The container had already served the attachment's upload slot and check, so the published catalogue was "
        "cached; the first submission and the worker's first batch still paid for these:",
        "",
        f"- submit: {ops_text(dict(sorted(cold['submit'].requests.items())))}; "
        f"{cold['submit'].read_units:.2f} RCU, {cold['submit'].write_units:.2f} WCU; "
        f"{cold['submit'].duration_ms:.0f} ms in the handler, first-use imports included (lxml, xmlsec, the seal) "
        f"(warm median {warm_submit:.0f} ms). Only on the first "
        f"call: {ops_text(_only_cold(cold['submit'], real_s))} (the office seal, kept 15 minutes; the queue URL, "
        "kept for the container's life).",
        f"- registration (1 message): {ops_text(dict(sorted(cold['register'].requests.items())))}; "
        f"{cold['register'].read_units:.2f} RCU, {cold['register'].write_units:.2f} WCU; "
        f"{cold['register'].duration_ms:.0f} ms in the handler, first-use imports included (Powertools' batch "
        f"utility) (warm median {warm_batch:.0f} ms per batch of about {statistics.mean(batch_sizes):.0f}).",
        "",
        f"## Estimated cost per {PER} submissions (USD, eu-central-1, on demand)",
        "",
        *cost_lines,
        "",
        f"The real path costs **{real_cost / base_cost:.2f}×** the bare minimum's AWS data services; its own data "
        f"services alone are {real_data / base_cost:.2f}× the minimum. The e-mail ({usd('ses.messages', PER):.2f} USD "
        f"per 1000) is most of both; without it the real path costs {(real_cost - ses) / (base_cost - ses):.2f}× "
        "the minimum. "
        + prices_note(PRICED) + " "
        "Storage, data transfer, CloudWatch Logs and KMS are left out (the buckets use SSE-KMS "
        "with an S3 Bucket Key, so KMS calls are rare). Lambda compute uses the in-handler time measured here, "
        "each invocation rounded up to 1 ms: indicative only.",
        "",
        "## What the emulator does not model",
        "",
        "- Latency. Every AWS request here is a loopback call to one local process (well under a millisecond "
        "to a few ms). In AWS each one is a network round trip (DynamoDB and SQS typically a few ms, S3 PUT/COPY "
        "tens of ms), so on Lambda both paths are bound by round trips rather than CPU and the ratio moves toward "
        "the ratio of sequential requests per submission in the table above. Assuming "
        f"{RTT_MS['s3-write']:.0f} ms per S3 write and {RTT_MS['other']:.0f} ms per other request (an assumption, "
        f"not a measurement), the round trips alone come to about {trips_real:.0f} ms per submission on the real "
        f"path and {trips_base:.0f} ms on the baseline ({trips_base / trips_real:.2f} as a throughput ratio, against "
        "the emulator's figure above).",
        "- Lambda's CPU share: a 512 MB function gets about a third of a vCPU; the CPU work measured here (seal, "
        "validation, rendering) takes roughly three times longer there.",
        "- KMS (SSE-KMS on the buckets), API Gateway, the authoriser's network, cold starts and the real SQS "
        "poller (long polling, several pollers, batching window).",
        "- Concurrency: submissions here go one at a time. Concurrent registrations in one department contend for "
        "the case-sign counter (TransactionConflict, retried), which this run never hits.",
        "- Capacity units: the emulator's own arithmetic; AWS bills an update by the larger of the item's old "
        "and new size and a transactional write at twice the units.",
        "",
    ]
    return "\n".join(lines)


# Assumed round-trip times to AWS from Lambda in the same region, ms (for the note on latency only).
RTT_MS = {"s3-write": 20.0, "other": 5.0}


def round_trips_ms(parts: list[PerSubmission]) -> float:
    """Time per submission if every AWS request cost its assumed round trip (poller requests excluded)."""
    total = 0.0
    for p in parts:
        for op, count in p.requests.items():
            write = op.startswith("s3:") and op.split(":")[1] in S3_PUT_CLASS
            total += count * RTT_MS["s3-write" if write else "other"]
        total += p.metering_requests * RTT_MS["other"]
    return total


def _only_cold(first: Invocation, warm: PerSubmission) -> dict[str, float]:
    return {k: float(v) for k, v in sorted(first.requests.items()) if warm.requests.get(k, 0.0) < 1e-9}


def _item_size(item: dict[str, Any]) -> int:
    return sum(len(k) + len(str(next(iter(v.values())))) for k, v in item.items())


# --- main --------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=40, help="submissions per round and path (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each real + baseline (default 3)")
    parser.add_argument("--attachment-kib", type=int, default=200, help="size of the attachment (default 200)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"emulator port when AWS_ENDPOINT_URL is not set (default {DEFAULT_PORT})")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"report file (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.n < 1 or args.rounds < 1:
        parser.error("--n and --rounds must be at least 1")

    started = time.perf_counter()
    with emulator(args.port) as endpoint:
        set_environment()
        set_up_platform()
        recorder = Recorder()
        recorder.install()  # before the first request: the middleware hands every Usage to the sink
        from chalice.test import Client

        from app import app

        with Client(app, stage_name="bench", project_dir=str(ROOT)) as api:
            poller = Poller()
            real = RealPath(api, poller)
            content = attachment_content(args.attachment_kib)
            attachment_id = real.upload(content)
            real.prepare(attachment_id)
            run = uuid.uuid4().hex[:8]
            print("warm-up: one real submission and registration (cold caches)", file=sys.stderr, flush=True)
            first = len(recorder.invocations)
            sid = real.submit(f"bench-{run}-warm")
            parts = Template.capture_submission(sid, attachment_id)
            poller.drain(1, real.handle)
            real.check_registered([sid])
            cold = {"submit": recorder.invocations[first], "register": recorder.invocations[-1]}
            template = Template.complete(parts)
            baseline = Baseline(template, poller, CaptureSink())
            baseline.submit()  # the baseline's warm-up: connections and first calls, not counted
            poller.drain(1, baseline.handle)

            rounds: list[Round] = []
            for r in range(args.rounds):
                order = ("real", "baseline") if r % 2 == 0 else ("baseline", "real")
                for path in order:
                    if path == "real":
                        done = run_real(real, recorder, args.n, f"bench-{run}-{r}")
                    else:
                        done = run_baseline(baseline, args.n)
                    rounds.append(done)
                    print(f"round {r + 1} {path}: {done.end_to_end:.1f} submissions/s end to end "
                          f"(submit {done.submit.rate:.1f}/s, registration {done.register.rate:.1f}/s)",
                          file=sys.stderr, flush=True)
        text = report(args, endpoint, rounds, cold, template, len(content), time.perf_counter() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
