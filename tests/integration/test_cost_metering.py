"""The metering counts every AWS request the app makes: a scenario of two JSTs (an e-wniosek with its attachment
through to a registered case, its fee paid at the sandbox gateway, a letter issued and sent through the sandbox
e-Delivery box) counted by the test's own hook at botocore's send (every HTTP request, retries included: each
is billed), each request attributed to the JST and catalogue service whose step the test is running; the
metering rows read back must hold exactly that count, and the money priced from them must add up exactly.

What the test's hook sees that the rows do not hold as requests: the metering write itself (one UpdateItem of the
metering table per invocation, kept in `metering_writes`, checked below against the invocations).
What neither sees, though AWS bills it: Lambda's own SQS polling for the event sources (ReceiveMessage,
DeleteMessage, ChangeMessageVisibility: here `tests.queues.deliver` does it, outside any invocation), the
resident's upload to S3 through the presigned POST and the downloads through presigned GETs (the browser's
requests), S3's event notification into SQS, API Gateway's and Lambda's own requests, CloudWatch Logs.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import pytest
from boto3.dynamodb.types import TypeDeserializer

from chalicelib.core.metering import REGION
from chalicelib.resources import table_name
from tests import queues
from tests.conftest import auth
from tests.edelivery_box import EDeliveryBox
from tests.files import make_pdf
from tests.formdata import PESEL, valid_data
from tests.payments import MERCHANT_IDS, Receiver, with_payments
from tests.payments_gateway import PaymentsGateway
from tests.uploads import post_file

SERVICE = "zaswiadczenie-o-niezaleganiu"  # a 21 zł fee, an attachment, department FN in both JSTs
A, B = sorted(MERCHANT_IDS)[1], sorted(MERCHANT_IDS)[0]  # Piaseczno, Lesznowola: both take fees online
JSON = {"Content-Type": "application/json"}
Key = tuple[str, str]  # (JST, catalogue service)


class Tally:
    """The test's own count of AWS requests, by (JST, catalogue service) and `service:Operation`."""

    def __init__(self) -> None:
        self.step: Key | None = None
        self.requests: dict[Key, Counter[str]] = defaultdict(Counter)
        self.metering_writes: Counter[Key] = Counter()
        self._metering_table = table_name("metering")

    @contextmanager
    def doing(self, terc: str, service: str = SERVICE) -> Iterator[None]:
        self.step = (terc, service)
        try:
            yield
        finally:
            self.step = None

    def sent(self, request: Any, operation: Any) -> None:
        if self.step is None:
            return
        name = f"{operation.service_model.service_name}:{operation.name}"
        if name == "dynamodb:UpdateItem" and json.loads(request.body or b"{}").get("TableName") == self._metering_table:
            self.metering_writes[self.step] += 1
        else:
            self.requests[self.step][name] += 1


@pytest.fixture
def tally(monkeypatch: pytest.MonkeyPatch) -> Tally:
    """Hooked where botocore sends each HTTP request (once per attempt), so every client counts, also those
    made before the test and PynamoDB's own."""
    counted = Tally()
    send = botocore.endpoint.Endpoint._do_get_response

    def counting(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
        counted.sent(request, operation_model)
        return send(self, request, operation_model, context)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_do_get_response", counting)
    return counted


class Steps:
    """The app as the platform runs it (the in-process API and workers), each step counted for its JST."""

    def __init__(self, api: Any, tally: Tally) -> None:
        self.api, self.tally = api, tally
        self._for: str | None = None

    @property
    def lambda_(self) -> Steps:  # `queues.deliver` hands each batch to `lambda_.invoke`
        return self

    def invoke(self, function: str, event: Any) -> Any:
        assert self._for is not None
        with self.tally.doing(self._for):
            return self.api.lambda_.invoke(function, event)

    def drain(self, terc: str, queue: str, function: str) -> None:
        self._for = terc
        assert queues.deliver(self, queue, function, wait=1)["delivered"] >= 1, queue

    def http(self, terc: str, method: str, path: str, headers: dict[str, str], body: Any = None,
             expect: int = 200) -> Any:
        with self.tally.doing(terc):
            got = getattr(self.api.http, method)(path, headers={**JSON, **headers},
                                                 body=None if body is None else json.dumps(body))
        assert got.status_code == expect, got.body
        return got.json_body


def resident(subject: str) -> dict[str, str]:
    return auth("resident", subject=subject, pesel=PESEL, given_name="Jan", family_name="Kowalski")


def one_jst(steps: Steps, terc: str, gateway: PaymentsGateway, receiver: Receiver, box: EDeliveryBox) -> None:
    from chalicelib.modules.catalogue.wiring import catalogue

    me = resident(f"resident-{terc}-{uuid.uuid4().hex[:6]}")
    base = f"/v1/tenants/{terc}/services/{SERVICE}"

    def upload(_: Any) -> str:
        pdf = make_pdf()
        slot = steps.http(terc, "post", f"{base}/attachments", me, {"filename": "dowod.pdf",
                          "content_type": "application/pdf", "size": len(pdf)}, expect=201)
        assert post_file(slot["upload"], pdf, filename="dowod.pdf") == 204  # the browser's PUT: not the app's
        steps.drain(terc, "attachment-uploads", "attachment_uploads")
        return str(slot["attachment_id"])

    defn = catalogue().get(SERVICE)
    assert defn is not None
    data = valid_data(defn, upload)
    submitted = steps.http(terc, "post", f"{base}/submissions", {**me, "Idempotency-Key": uuid.uuid4().hex},
                           {"data": data}, expect=201)
    case_id = submitted["submission_id"]
    steps.drain(terc, "registrations", "registrations")
    steps.drain(terc, "payment-requests", "payment_requests")
    # the resident pays the fee at the gateway; its notification comes to the API
    paying = steps.http(terc, "post", f"/v1/me/cases/{case_id}/payment", me,
                        {"return_url": f"http://127.0.0.1:8090/moja-sprawa.html?id={case_id}"}, expect=201)
    gateway.pay(paying["redirect_url"])
    with steps.tally.doing(terc):
        note = steps.api.http.post(f"/v1/payments/przelewy24/{terc}/notifications", body=receiver.body_of(case_id),
                                   headers=JSON)
    assert note.status_code == 200, note.body
    steps.drain(terc, "payment-settlements", "case_payments")
    steps.http(terc, "get", f"/v1/me/cases/{case_id}", me)
    # the clerk takes the case, issues a letter and sends it to the party's ADE
    clerk = auth("clerk", terc, subject=f"clerk-{terc}", department="FN")
    cases = f"/v1/tenants/{terc}/cases/{case_id}"
    steps.http(terc, "post", f"{cases}/assignment", clerk, {})
    letter = steps.http(terc, "post", f"{cases}/letters", {**clerk, "Idempotency-Key": uuid.uuid4().hex},
                        {"kind": "pismo", "fields": {"temat": "zaświadczenie", "tresc": "Zaświadcza się, że…"},
                         "signer_position": "Skarbnik", "signer_name": "Anna Nowak"}, expect=201)
    party = f"AE:PL-{terc[:5]}-{uuid.uuid4().int % 10**5:05d}-JANKO-01"
    box.register(party, "Jan Kowalski")
    steps.http(terc, "post", f"{cases}/letters/{letter['letter_id']}/delivery",
               {**clerk, "Idempotency-Key": uuid.uuid4().hex}, {"ade": party}, expect=201)
    steps.drain(terc, "delivery-sends", "delivery_sends")


def metering_rows(tenants: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Every metering row of these JSTs this month, by key (plain values)."""
    table = boto3.client("dynamodb")
    month = datetime.now(UTC).strftime("%Y-%m")
    rows: dict[str, dict[str, Any]] = {}
    plain = TypeDeserializer()
    for tenant in tenants:
        for page in table.get_paginator("query").paginate(
                TableName=table_name("metering"), KeyConditionExpression="pk = :pk AND begins_with(sk, :m)",
                ExpressionAttributeValues={":pk": {"S": f"T#{tenant}"}, ":m": {"S": f"D#{month}-"}},
                ConsistentRead=True):
            for item in page["Items"]:
                row = {k: plain.deserialize(v) for k, v in item.items()}
                rows[f"{row['pk']}|{row['sk']}"] = row
    return rows


def counted(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> dict[Key, Counter[str]]:
    """What the metering added between the two reads, by (JST, catalogue service) and `service:Operation`."""
    added: dict[Key, Counter[str]] = defaultdict(Counter)
    for key, row in after.items():
        old = before.get(key, {})
        for attr, value in row.items():
            if attr.startswith("aws:") or attr in ("metering_writes", "invocations"):
                diff = int(Decimal(value) - Decimal(old.get(attr, 0)))
                if diff:
                    added[(row["tenant"], row["service"])][attr.removeprefix("aws:")] += diff
    return added


def differences(metered: dict[Key, Counter[str]], seen: dict[Key, Counter[str]]) -> list[str]:
    """Where the rows and the hook disagree, one line per JST, catalogue service and request."""
    return [f"{terc} {service} {name}: metered {metered.get((terc, service), Counter())[name]}, "
            f"sent {seen.get((terc, service), Counter())[name]}"
            for terc, service in sorted(set(metered) | set(seen))
            for name in sorted(set(metered.get((terc, service), ())) | set(seen.get((terc, service), ())))
            if metered.get((terc, service), Counter())[name] != seen.get((terc, service), Counter())[name]]


@pytest.fixture
def region(platform: None, demo_pki: Any, payments_gateway: PaymentsGateway, edelivery_box: EDeliveryBox,
           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A and B with merchant accounts at the sandbox gateway, the sandbox box for letters, empty queues."""
    from chalicelib import cli
    from chalicelib.core.settings import get_settings
    from chalicelib.modules.delivery import wiring
    from tests.integration.conftest import demo_files
    from tests.integration.delivery_setup import OFFICE_ADE, OTHER_JST_ADE, _registered

    receiver = Receiver()
    monkeypatch.setenv("EURZAD_PUBLIC_API_URL", receiver.url)
    monkeypatch.setenv("EURZAD_EDELIVERY_URL", edelivery_box.url)
    get_settings.cache_clear()
    wiring.box.cache_clear()
    with_payments(payments_gateway, tmp_path)
    for address, name in ((OFFICE_ADE, "Urząd Miasta i Gminy Piaseczno"), (OTHER_JST_ADE, "Urząd Gminy Lesznowola")):
        if address not in _registered:  # the offices' own boxes, as the delivery tests register them
            edelivery_box.register(address, name, public_body=True)
            _registered.add(address)
    for queue in ("attachment-uploads", "registrations", "payment-requests", "payment-settlements",
                  "delivery-sends"):
        queues.purge(queue)
    yield receiver
    receiver.close()
    monkeypatch.undo()
    get_settings.cache_clear()
    wiring.box.cache_clear()
    cli.tenants_apply(demo_files())


def test_the_metering_holds_every_aws_request_of_each_jst_and_service(
        api: Any, region: Receiver, tally: Tally, payments_gateway: PaymentsGateway,
        edelivery_box: EDeliveryBox) -> None:
    steps = Steps(api, tally)
    tenants = (A, B, REGION)
    before = metering_rows(tenants)
    # Given a scenario for each of two JSTs, counted by the test's own hook
    for terc in (A, B):
        one_jst(steps, terc, payments_gateway, region, edelivery_box)
    after = metering_rows(tenants)
    # Then the metering rows hold exactly the requests the hook counted, per JST and catalogue service
    added = counted(before, after)
    meters = {key: Counter({k: v for k, v in c.items() if k not in ("metering_writes", "invocations")})
              for key, c in added.items()}
    assert differences(meters, tally.requests) == []
    # And one metering write per metered invocation, each one seen by the hook
    assert {k: c["metering_writes"] for k, c in added.items()} == dict(tally.metering_writes)
    assert {k: c["invocations"] for k, c in added.items()} == dict(tally.metering_writes)
