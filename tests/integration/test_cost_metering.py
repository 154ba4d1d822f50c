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

import botocore.endpoint
import pytest

from chalicelib.core.metering import REGION
from chalicelib.modules.costs.model import CostLine, MeteredRow, cost_lines, sum_by, total
from chalicelib.modules.costs.prices import price_list
from chalicelib.modules.costs.repository import DynamoMeteringReader
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

    def drain(self, terc: str, queue: str, function: str, *, expect: tuple[str, ...] = ()) -> None:
        """What the JST's steps queued: the app sent it before answering, except an upload's notification, which
        S3 sends a moment later (waited for by the attachment's id)."""
        self._for = terc
        assert queues.deliver(self, queue, function, wait=1 if expect else 0, expect=expect)["delivered"] >= 1, queue

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
        steps.drain(terc, "attachment-uploads", "attachment_uploads", expect=(slot["attachment_id"],))
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


def month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def metering_rows(tenants: tuple[str, ...]) -> dict[str, MeteredRow]:
    """Every metering row of these JSTs this month, through the costs module's reader (one Query per JST)."""
    reader = DynamoMeteringReader()
    return {row.key: row for tenant in tenants for row in reader.month(tenant, month())}


def counted(before: dict[str, MeteredRow], after: dict[str, MeteredRow]) -> dict[Key, Counter[str]]:
    """What the metering added between the two reads, by (JST, catalogue service) and `service:Operation`
    (and `invocations`)."""
    added: dict[Key, Counter[str]] = defaultdict(Counter)
    for key, row in after.items():
        old = before.get(key)
        grown = Counter(row.requests)
        grown.subtract(old.requests if old else {})
        grown["invocations"] = int(row.invocations - (old.invocations if old else 0))
        added[(row.tenant, row.service)].update({name: n for name, n in grown.items() if n})
    return added


def by_tenant_and_resource(lines: list[CostLine]) -> dict[tuple[str, str], Decimal]:
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        sums[(line.tenant, line.resource)] += line.quantity
    return sums


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
    meters = {key: Counter({k: v for k, v in c.items() if k != "invocations"}) for key, c in added.items()}
    assert differences(meters, tally.requests) == []
    # And one invocation per metering write the hook saw (the write itself is no request of the row: it is
    # counted in `metering_writes` and priced nowhere in the rows' lines)
    assert {k: c["invocations"] for k, c in added.items() if c["invocations"]} == dict(tally.metering_writes)
    # And the money priced from the rows adds up exactly: over JSTs to the region's total, over services to
    # each JST's, and what the scenario added prices exactly the requests the hook counted
    prices = price_list(month())
    lines = cost_lines(after.values(), prices)
    per_jst = sum_by(lines, "tenant")
    assert sum(per_jst.values(), Decimal(0)) == total(lines)
    for terc in per_jst:
        of_jst = [line for line in lines if line.tenant == terc]
        assert sum(sum_by(of_jst, "service").values(), Decimal(0)) == per_jst[terc]
    grown = by_tenant_and_resource(lines)
    for key, amount in by_tenant_and_resource(cost_lines(before.values(), prices)).items():
        grown[key] -= amount
    expected = by_tenant_and_resource(cost_lines([
        MeteredRow(key=f"{terc}|{service}", tenant=terc, day=f"{month()}-01", module="-", service=service,
                   function="-", invocations=Decimal(tally.metering_writes[(terc, service)]),
                   requests=dict(tally.requests[(terc, service)]))
        for terc, service in set(tally.requests) | set(tally.metering_writes)], prices))
    by_request = {key: amount for key, amount in grown.items()
                  if key[1].split(".")[0] in ("lambda", "sqs", "s3", "ses", "kms", "secretsmanager", "other")
                  and key[1] != "lambda.compute" and amount}
    assert by_request == {key: amount for key, amount in expected.items() if key[1] != "lambda.compute"}
    assert {key[1] for key in by_request} >= {"lambda.requests", "sqs.requests", "s3.tier1", "s3.tier2",
                                              "secretsmanager.requests"}
