"""Helpers of the payments tests: JSTs with merchant accounts at the sandbox gateway, a case's payment order
opened as the cases module asks for it (PaymentRequested on its queue), and the merchant's urlStatus as a small
local receiver that keeps every notification's raw body (the tests then post it to the API as the gateway would).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from chalicelib.events.topics import PaymentRequested
from chalicelib.integrations.payment_gateway import Merchant
from chalicelib.integrations.przelewy24 import notification_sign
from chalicelib.model.fees import FeeDue
from chalicelib.modules import payments
from chalicelib.modules.audit.repository import DynamoAuditChain
from chalicelib.modules.payments.logic import day_of
from tests import queues
from tests.conftest import auth
from tests.integration.conftest import demo_files
from tests.payments_gateway import PaymentsGateway

A, B = "1418043", "1418032"  # Piaseczno and Lesznowola: each its own merchant account
MERCHANT_IDS = {A: 914043, B: 914032}
FEE = 1700  # grosze: 17 zł


def with_payments(gateway: PaymentsGateway, directory: Path, *, expiry_days: int = 7) -> dict[str, Merchant]:
    """A and B take fees online (their merchant accounts at the sandbox, keys in Secrets Manager); the other JSTs
    of the demo region do not."""
    from chalicelib import cli

    merchants, files = {}, []
    for source in demo_files():
        config = yaml.safe_load(source.read_text(encoding="utf-8"))
        terc = str(config["terc"])
        if terc in MERCHANT_IDS:
            name = f"test/{terc}"
            merchants[terc] = gateway.add_merchant(name, MERCHANT_IDS[terc])
            config["payments"] = {"merchant_id": MERCHANT_IDS[terc], "pos_id": MERCHANT_IDS[terc],
                                  "credentials_secret": name, "order_expiry_days": expiry_days}
        else:
            config.pop("payments", None)
        target = directory / source.name
        target.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        files.append(target)
    assert cli.tenants_apply(files) == 0
    return merchants


def resident(subject: str) -> dict[str, str]:
    return auth("resident", subject=subject, pesel="02070803628", given_name="Anna", family_name="Nowak")


def request_payment(api: Any, terc: str = A, *, owner: str | None = None, amount: int = FEE,
                    requested_at: datetime | None = None, times: int = 1) -> tuple[str, str]:
    """A case registered with a fee: its PaymentRequested delivered to the worker `times` times. (case id, owner)"""
    case_id, owner = uuid.uuid4().hex, owner or f"res-{uuid.uuid4().hex[:8]}"
    event = PaymentRequested(terc=terc, case_id=case_id, sign="OR.1510.7.2026", owner=owner,
                             service="pismo-ogolne", email="anna@example.pl",
                             fee=FeeDue(amount=amount, title="Opłata skarbowa za pełnomocnictwo"),
                             requested_at=requested_at or datetime.now(UTC))
    for _ in range(times):
        queues.send("payment-requests", event.model_dump_json())
    assert queues.deliver(api, "payment-requests", "payment_requests")["delivered"] == times
    return case_id, owner


class Receiver:
    """The merchant's urlStatus: keeps every notification's raw body and answers 200."""

    def __init__(self, path: str = "/test") -> None:
        received: list[bytes] = []
        self.bodies = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                received.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.bodies) < count:
            assert time.monotonic() < deadline, f"{len(self.bodies)} notification(s), expected {count}"
            time.sleep(0.02)
        return list(self.bodies)

    def body_of(self, case_id: str, timeout: float = 15.0) -> bytes:
        """The first notification naming `case_id` (its order), waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [b for b in self.bodies if case_id.encode() in b]
            if found:
                return found[0]
            time.sleep(0.02)
        raise AssertionError(f"no notification for {case_id}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


PORTAL = "http://127.0.0.1:8090/moja-sprawa.html?id="


def pay(api: Any, case_id: str, owner: str) -> dict[str, Any]:
    answer = api.http.post(f"/v1/me/cases/{case_id}/payment", headers={**resident(owner),
                                                                       "Content-Type": "application/json"},
                           body=json.dumps({"return_url": PORTAL + case_id}))
    assert answer.status_code == 201, answer.body
    return dict(answer.json_body)


def state(api: Any, case_id: str, owner: str) -> dict[str, Any]:
    answer = api.http.get(f"/v1/me/cases/{case_id}/payment", headers=resident(owner))
    assert answer.status_code == 200, answer.body
    return dict(answer.json_body)


def notify(api: Any, body: bytes, terc: str = A) -> Any:
    return api.http.post(f"/v1/payments/przelewy24/{terc}/notifications", body=body,
                         headers={"Content-Type": "application/json"})


def paid_at_gateway(api: Any, gateway: PaymentsGateway, receiver: Receiver) -> tuple[str, str, bytes]:
    """An order paid on the sandbox's page: (case id, owner, the notification's body as the gateway sent it)."""
    case_id, owner = request_payment(api)
    before = len(receiver.bodies)
    back = gateway.pay(pay(api, case_id, owner)["redirect_url"])
    assert back == PORTAL + case_id  # the payer comes back to the case's page
    body = next(b for b in receiver.wait_for(before + 1)[before:] if case_id.encode() in b)
    return case_id, owner, body


def audit_of(case_id: str, terc: str = A) -> list[dict[str, Any]]:
    return [e for _, e in DynamoAuditChain().entries(terc) if e["case_id"] == case_id]


def flags_of(order_id: str, terc: str = A) -> list[Any]:
    return [f for f in payments.flags(terc, day_of(datetime.now(UTC))) if f.order_id == order_id]


def signed(merchant: Merchant, **fields: Any) -> bytes:
    note = {"merchantId": merchant.merchant_id, "posId": merchant.pos_id, "sessionId": "", "amount": FEE,
            "originAmount": FEE, "currency": "PLN", "orderId": 4242, "methodId": 25, "statement": "p24-A1-B2-C3",
            **fields}
    note["sign"] = notification_sign(note, merchant.crc)
    return json.dumps(note, ensure_ascii=False).encode()


def paid_order(terc: str, service: str, amount: int, at: datetime, refunded: int = 0) -> None:
    """An order of `service` paid online at `at` (and `refunded` grosze of it returned), stored as the payments
    module stores one: what the month's fees and the gateway's commission are counted from."""
    from chalicelib.modules.payments.models import Order
    from chalicelib.modules.payments.repository import DynamoOrders

    case = uuid.uuid4().hex
    order = Order(order_id=case, terc=terc, case_id=case, sign=f"OR.1510.1.{at.year}", owner="res-1", service=service,
                  amount=amount, title="Opłata", status="oplacone", requested_at=at, opened_at=at,
                  expires_at=at + timedelta(days=7), paid_at=at, paid_amount=amount, refunded=refunded)
    assert DynamoOrders().open(order)
