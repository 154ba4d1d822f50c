"""Finance in the browser, against the deployed stack and the sandbox gateway: the day's payments with their state
in words, the refund form (its errors on the fields, then the refund done), an empty day; the day's reconciliation
with a payment the platform does not know named as a mismatch in words, the matched one, and the CSV download.
axe-core on every state."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import boto3
import pytest
from playwright.sync_api import expect

from chalicelib.cli_payments import demo_keys
from chalicelib.core.clock import WARSAW
from chalicelib.events.topics import PaymentRequested
from chalicelib.integrations.payment_gateway import Merchant, Registration
from chalicelib.integrations.przelewy24 import Przelewy24, parse_notification
from chalicelib.model.fees import FeeDue
from infrastructure.web import mint_token
from tests.browser.conftest import Portal
from tests.e2e.conftest import PREFIX, Stack, eventually
from tests.payments_gateway import PaymentsGateway

pytestmark = pytest.mark.browser
PIASECZNO, MERCHANT_ID = "1418043", 214043  # the demo region's merchant account of Piaseczno


def bearer(**claims: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(claims)}"}


class Notifications(BaseHTTPRequestHandler):
    """A urlStatus nobody else reads: keeps the bodies (for a payment the platform must not know)."""

    bodies: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        Notifications.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def paid_order(stack: Stack, payments_gateway: PaymentsGateway) -> dict[str, Any]:
    """A case's 17 zł fee paid through the deployed stack and the sandbox: the order as the resident sees it."""
    case_id, owner = uuid.uuid4().hex, f"platnik-{uuid.uuid4().hex[:8]}"
    sign = f"OR.1510.{int(time.time()) % 100000}.2026"
    event = PaymentRequested(terc=PIASECZNO, case_id=case_id, sign=sign, owner=owner, service="pismo-ogolne",
                             email="anna@example.pl", requested_at=datetime.now(UTC),
                             fee=FeeDue(amount=1700, title="Opłata skarbowa za pełnomocnictwo"))
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=f"{PREFIX}-payment-requests")["QueueUrl"],
                     MessageBody=event.model_dump_json())
    resident = bearer(role="resident", subject=owner, pesel="02070803628", name="Anna Nowak")

    def opened() -> Any:
        """the payments worker opened the case's order"""
        return stack.call("GET", f"/v1/me/cases/{case_id}/payment", headers=resident).status == 200

    eventually(opened, timeout=120)
    answer = stack.call("POST", f"/v1/me/cases/{case_id}/payment", {"return_url": "http://127.0.0.1/powrot"},
                        resident)
    assert answer.status == 201, answer.body
    payments_gateway.pay(answer.body["redirect_url"])

    def paid() -> Any:
        """the gateway's notification reached the stack and the payment was verified"""
        shown = stack.call("GET", f"/v1/me/cases/{case_id}/payment", headers=resident).body
        return shown if shown["status"] == "oplacone" else None

    return {**eventually(paid, timeout=120), "case_id": case_id}


@pytest.fixture(scope="module")
def unknown_payment(payments_gateway: PaymentsGateway) -> Iterator[str]:
    """A payment on Piaseczno's account the platform never heard of (verified at the gateway by someone else)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Notifications)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    merchant = Merchant(MERCHANT_ID, MERCHANT_ID, *demo_keys(MERCHANT_ID))
    gateway, session = Przelewy24(payments_gateway.url), f"{uuid.uuid4().hex}-1"
    here = f"http://127.0.0.1:{server.server_address[1]}"
    payments_gateway.pay(gateway.register(merchant, Registration(
        session_id=session, amount=2500, description="Wpłata spoza platformy", email="x@example.pl",
        url_return=here + "/powrot", url_status=here + "/status")))
    body = eventually(lambda: next((b for b in Notifications.bodies if session.encode() in b), None), timeout=30)
    assert gateway.verify(merchant, parse_notification(merchant, body))
    yield session
    server.shutdown()


def today() -> str:
    return datetime.now(WARSAW).date().isoformat()


def test_finance_sees_the_days_payments_and_refunds_one(portal: Portal, paid_order: dict[str, Any]) -> None:
    page = portal.page
    portal.sign_in("finance", terc=PIASECZNO, subject="ksiegowa")
    portal.open(f"platnosci.html?jst={PIASECZNO}&dzien={today()}")
    row = page.locator("#platnosci tbody tr", has_text=paid_order["sign"])
    expect(row).to_contain_text("opłacone")  # the state in words
    expect(row).to_contain_text("17,00 zł")
    expect(page.get_by_role("link", name="Płatności")).to_have_attribute("aria-current", "page")
    portal.check("70-platnosci-dzien")

    with page.expect_download() as download:
        row.get_by_role("button", name=f"Potwierdzenie wpłaty za sprawę {paid_order['sign']} (XML)").click()
    proof = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert b"<pw:PotwierdzenieWplaty" in proof and b"<pw:Kwota>17.00</pw:Kwota>" in proof and b"ds:Signature" in proof
    expect(page.locator("#komunikat")).to_contain_text("Pobrano potwierdzenie wpłaty")

    row.get_by_role("button", name=f"Zwrot opłaty za sprawę {paid_order['sign']}").click()
    page.fill("#zwrot-kwota", "20,00")
    page.get_by_role("button", name="Zleć zwrot").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Kwota zwrotu może wynieść najwyżej 17,00 zł")
    expect(summary).to_contain_text("Podaj powód zwrotu")
    expect(page.locator("#zwrot-kwota")).to_have_attribute("aria-invalid", "true")
    portal.check("71-platnosci-zwrot-bledy")

    page.fill("#zwrot-kwota", "5,00")
    page.fill("#zwrot-powod", "Nadpłata: opłata skarbowa wynosi 12 zł.")
    page.get_by_role("button", name="Zleć zwrot").click()
    expect(page.locator("#komunikat")).to_contain_text(f"Zwrócono 5,00 zł za sprawę {paid_order['sign']}")
    expect(page.locator("#platnosci tbody tr", has_text=paid_order["sign"])).to_contain_text("5,00 zł")
    portal.check("72-platnosci-zwrot-wykonany")

    page.fill("#filtr-dzien", "2020-01-02")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.locator("#platnosci")).to_contain_text("Brak płatności tego dnia.")
    expect(page.locator("#sygnaly")).to_contain_text("Brak sygnałów tego dnia.")
    portal.check("73-platnosci-pusty-dzien")


def test_finance_reconciles_the_day_mismatch_in_words_and_downloads_the_csv(
        portal: Portal, paid_order: dict[str, Any], unknown_payment: str) -> None:
    page = portal.page
    portal.sign_in("finance", terc=PIASECZNO, subject="ksiegowa")
    portal.open(f"rozliczenie.html?jst={PIASECZNO}&dzien={today()}")
    mismatch = page.locator("tr.niezgodnosc", has_text=unknown_payment.rsplit("-", 1)[0])
    expect(mismatch).to_contain_text("Niezgodność: Wpłata nieznana w systemie")  # words, not colour alone
    expect(mismatch).to_contain_text("25,00 zł")
    expect(page.locator("table", has_text="Wpłaty zgodne")).to_contain_text(paid_order["sign"])
    expect(page.locator("#podsumowanie")).to_contain_text("do wyjaśnienia")
    portal.check("74-rozliczenie-niezgodnosci")

    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz CSV (Excel)").click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert content.startswith(b"\xef\xbb\xbf") and b";nieznana_wplata;" in content
    assert download.value.suggested_filename == f"rozliczenie-{PIASECZNO}-{today()}.csv"
    expect(page.locator("#stan-pobierania")).to_contain_text("Pobrano")
    portal.check("75-rozliczenie-csv")
