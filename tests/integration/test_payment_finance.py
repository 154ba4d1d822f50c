"""Finance's side of a fee paid online, against the emulator and the sandbox Przelewy24: the sealed proof of
payment (none before the payment; one document, verified by xmlsec1 with the region's root, served as stored to
the resident and the JST's staff), the day's payments and flags, and the day reconciled with the gateway's report
(a payment the gateway verified but the platform never recorded is named; the CSV is Excel's)."""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from chalicelib.core.clock import WARSAW
from chalicelib.core.settings import get_settings
from chalicelib.events.topics import PaymentRequested
from chalicelib.integrations.payment_gateway import Merchant
from chalicelib.integrations.przelewy24 import Przelewy24, parse_notification
from chalicelib.model.fees import FeeDue
from tests import queues, signing
from tests.conftest import auth
from tests.integration.conftest import demo_files
from tests.payments import Receiver
from tests.payments_gateway import PaymentsGateway

A, B = "1418043", "1418032"
MERCHANT = 924043
FEE = 1700
XML = {"Accept": "application/xml"}




@pytest.fixture(scope="module")
def merchant(platform: None, demo_pki: Any, payments_gateway: PaymentsGateway,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Merchant]:
    from chalicelib import cli

    account = payments_gateway.add_merchant(f"finance-test/{A}", MERCHANT)
    directory, files = tmp_path_factory.mktemp("region"), []
    for source in demo_files():
        config = yaml.safe_load(source.read_text(encoding="utf-8"))
        if str(config["terc"]) == A:
            config["payments"] = {"merchant_id": MERCHANT, "pos_id": MERCHANT,
                                  "credentials_secret": f"finance-test/{A}"}
        (directory / source.name).write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        files.append(directory / source.name)
    assert cli.tenants_apply(files) == 0
    yield account
    cli.tenants_apply(demo_files())


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver("/api")
    os.environ["EURZAD_PUBLIC_API_URL"] = r.url
    get_settings.cache_clear()
    yield r
    r.server.shutdown()
    r.server.server_close()
    os.environ.pop("EURZAD_PUBLIC_API_URL", None)
    get_settings.cache_clear()


def resident(owner: str) -> dict[str, str]:
    return auth("resident", subject=owner, pesel="02070803628", name="Anna Nowak")


def opened_order(api: Any) -> tuple[str, str]:
    """A case registered with a 17 zł fee: its PaymentRequested delivered. (case id = order id, owner)"""
    case_id, owner = uuid.uuid4().hex, f"res-{uuid.uuid4().hex[:8]}"
    event = PaymentRequested(terc=A, case_id=case_id, sign="OR.1510.9.2026", owner=owner, service="pismo-ogolne",
                             email="anna@example.pl", requested_at=datetime.now(UTC),
                             fee=FeeDue(amount=FEE, title="Opłata skarbowa za pełnomocnictwo"))
    queues.purge("payment-requests")
    queues.send("payment-requests", event.model_dump_json())
    assert queues.deliver(api, "payment-requests", "payment_requests")["delivered"] == 1
    return case_id, owner


def paid_at_gateway(api: Any, gateway: PaymentsGateway, receiver: Receiver) -> tuple[str, str, bytes]:
    """An order paid on the sandbox's page: (case id, owner, the gateway's notification as sent)."""
    case_id, owner = opened_order(api)
    answer = api.http.post(f"/v1/me/cases/{case_id}/payment", body=json.dumps({"return_url": "http://x.pl/a"}),
                           headers={**resident(owner), "Content-Type": "application/json"})
    assert answer.status_code == 201, answer.body
    gateway.pay(answer.json_body["redirect_url"])
    return case_id, owner, receiver.body_of(case_id)


def paid(api: Any, gateway: PaymentsGateway, receiver: Receiver) -> tuple[str, str]:
    case_id, owner, body = paid_at_gateway(api, gateway, receiver)
    reply = api.http.post(f"/v1/payments/przelewy24/{A}/notifications", body=body,
                          headers={"Content-Type": "application/json"})
    assert reply.status_code == 200, reply.body
    return case_id, owner


def today() -> str:
    return datetime.now(WARSAW).date().isoformat()


def test_the_proof_is_none_before_payment_then_one_sealed_document_for_resident_and_staff(
        api: Any, merchant: Merchant, payments_gateway: PaymentsGateway, receiver: Receiver, demo_pki: Any,
        tmp_path: Path) -> None:
    # Given an order opened, not paid yet: no proof
    case_id, owner = opened_order(api)
    before = api.http.get(f"/v1/me/cases/{case_id}/payment/proof", headers={**resident(owner), **XML})
    assert before.status_code == 404 and before.json_body["error"]["code"] == "proof_not_found"
    # When another order is paid and verified, the resident asks for its proof, then finance does
    case_id, owner = paid(api, payments_gateway, receiver)
    mine = api.http.get(f"/v1/me/cases/{case_id}/payment/proof", headers={**resident(owner), **XML})
    staff = api.http.get(f"/v1/tenants/{A}/payments/{case_id}/proof", headers={**auth("finance", A), **XML})
    # Then both get the same sealed bytes, which xmlsec1 verifies with the region's root alone
    assert mine.status_code == 200 and mine.headers["Content-Type"] == "application/xml", mine.body
    assert staff.status_code == 200 and staff.body == mine.body
    proof = mine.body if isinstance(mine.body, bytes) else mine.body.encode()
    checked = signing.xmlsec1_as_clerk(proof, demo_pki.root.cert_pem(), tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert b"<pw:Kwota>17.00</pw:Kwota>" in proof and b"02070803628" in proof and A.encode() in proof
    tampered = proof.replace(b"<pw:Kwota>17.00<", b"<pw:Kwota>17.01<")
    assert signing.xmlsec1_as_clerk(tampered, demo_pki.root.cert_pem(), tmp_path).returncode != 0
    # and nobody else's: another resident 404, no Accept 406
    other = api.http.get(f"/v1/me/cases/{case_id}/payment/proof", headers={**resident("someone-else"), **XML})
    assert other.status_code == 404
    assert api.http.get(f"/v1/me/cases/{case_id}/payment/proof", headers=resident(owner)).status_code == 406


def test_first_requests_at_once_seal_one_proof_stored_once(
        api: Any, merchant: Merchant, payments_gateway: PaymentsGateway, receiver: Receiver, demo_pki: Any) -> None:
    case_id, _ = paid(api, payments_gateway, receiver)
    finance = {**auth("finance", A), **XML}

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: api.http.get(f"/v1/tenants/{A}/payments/{case_id}/proof", headers=finance),
                                range(8)))

    assert [a.status_code for a in answers] == [200] * 8
    assert len({bytes(a.body) if isinstance(a.body, bytes) else a.body.encode() for a in answers}) == 1
    from chalicelib.integrations.aws import client
    from chalicelib.modules.payments.proof import proof_key
    from chalicelib.resources import bucket_name

    stored = client("s3").list_object_versions(Bucket=bucket_name("documents"), Prefix=proof_key(A, case_id))
    assert len(stored.get("Versions", [])) == 1  # sealed once, never overwritten


def test_finance_sees_the_days_payments_by_state_and_the_flags(
        api: Any, merchant: Merchant, payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    case_id, _ = paid(api, payments_gateway, receiver)
    waiting, _ = opened_order(api)
    forged = api.http.post(f"/v1/payments/przelewy24/{A}/notifications", body=b'{"sessionId": "x", "sign": "y"}',
                           headers={"Content-Type": "application/json"})
    assert forged.status_code == 400

    day = api.http.get(f"/v1/tenants/{A}/payments?day={today()}", headers=auth("finance", A))
    only_paid = api.http.get(f"/v1/tenants/{A}/payments?day={today()}&status=oplacone", headers=auth("tenant-admin", A))
    flags = api.http.get(f"/v1/tenants/{A}/payments/flags", headers=auth("finance"))  # regional finance

    assert day.status_code == 200, day.body
    rows = {row["order_id"]: row for row in day.json_body["items"]}
    assert rows[case_id]["status"] == "oplacone" and rows[case_id]["paid_amount"] == FEE
    assert rows[waiting]["status"] == "nowe"
    assert waiting not in {row["order_id"] for row in only_paid.json_body["items"]}
    assert flags.status_code == 200 and flags.json_body["count"] >= 1
    bad = api.http.get(f"/v1/tenants/{A}/payments?day=23.11.2026", headers=auth("finance", A))
    assert bad.status_code == 422 and bad.json_body["error"]["details"][0]["field"] == "day"


def test_reconciliation_matches_verified_payments_and_names_one_the_platform_never_recorded(
        api: Any, merchant: Merchant, payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    # Given one payment recorded here, and one the gateway verified while the platform recorded nothing
    recorded, _ = paid(api, payments_gateway, receiver)
    lost, _, body = paid_at_gateway(api, payments_gateway, receiver)
    gateway = Przelewy24(payments_gateway.url)
    assert gateway.verify(merchant, parse_notification(merchant, body))

    result = api.http.get(f"/v1/tenants/{A}/payments/reconciliation?day={today()}", headers=auth("finance", A))
    sheet = api.http.get(f"/v1/tenants/{A}/payments/reconciliation?day={today()}&format=csv",
                         headers=auth("finance", A))

    assert result.status_code == 200, result.body
    matched = {line["order_id"]: line for line in result.json_body["matched"]}
    mismatched = {line["order_id"]: line for line in result.json_body["mismatches"]}
    assert matched[recorded]["outcome"] == "zgodne" and matched[recorded]["commission"] > 0
    assert mismatched[lost]["outcome"] == "niepotwierdzona"
    assert result.json_body["totals"]["gateway_commission"] >= matched[recorded]["commission"]
    assert sheet.status_code == 200 and sheet.headers["Content-Type"].startswith("text/csv")
    text = sheet.body if isinstance(sheet.body, str) else sheet.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][2] == "Zlecenie" and any(r[2] == lost and r[9] == "niepotwierdzona" for r in rows[1:])
    assert any(r[2] == recorded and r[6] == "17,00" for r in rows[1:])
    assert api.http.get(f"/v1/tenants/{A}/payments/reconciliation", headers=auth("finance", A)).status_code == 422
