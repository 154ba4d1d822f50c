"""The sandbox gateway's payer page in the browser: accessible (axe), usable with the keyboard only, and
„Zapłać” / „Odrzuć płatność” / „Porzuć” each bring the payer back to the merchant's page."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from chalicelib.integrations.payment_gateway import Registration
from chalicelib.integrations.przelewy24 import Przelewy24
from tests.browser.conftest import SCREENSHOTS, _axe
from tests.payments_gateway import PaymentsGateway

pytestmark = pytest.mark.browser


class Back(BaseHTTPRequestHandler):
    """The merchant's return page (urlReturn) and its notification endpoint (urlStatus)."""

    def do_GET(self) -> None:
        body = '<!doctype html><html lang="pl"><title>Powrót</title><main><h1>Powrót do urzędu</h1></main></html>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def merchant_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Back)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def payer(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="pl-PL")
    yield context.new_page()
    context.close()


def payer_url(gateway: PaymentsGateway, site: str) -> tuple[str, str]:
    merchant = gateway.add_merchant("przegladarka", 777_001, store_secret=False)
    session = f"{uuid.uuid4().hex}-1"
    back = f"{site}/moja-sprawa.html?s={session}"
    url = Przelewy24(gateway.url).register(merchant, Registration(
        session_id=session, amount=1700, description="Opłata skarbowa za zaświadczenie", email="jan@example.pl",
        url_return=back, url_status=f"{site}/status"))
    return url, back


def accessible(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = _axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


def test_paying_with_the_keyboard_only(payer: Page, payments_gateway: PaymentsGateway, merchant_site: str) -> None:
    url, back = payer_url(payments_gateway, merchant_site)
    payer.goto(url)
    expect(payer.get_by_role("heading", level=1)).to_have_text("Zapłać za pomocą Przelewy24")
    expect(payer.locator("main")).to_contain_text("17,00 zł")
    accessible(payer, "p24-strona-platnika")

    for _ in range(10):
        payer.keyboard.press("Tab")
        if payer.evaluate("document.activeElement?.textContent") == "Zapłać":
            break
    payer.keyboard.press("Enter")

    payer.wait_for_url(back)
    session = back.rsplit("=", 1)[1]
    assert payments_gateway.transactions(session)[0]["outcome"] == "paid"
    payer.goto(url)  # the link again: nothing more to pay
    expect(payer.get_by_role("status")).to_have_text("Ta płatność została już opłacona.")
    accessible(payer, "p24-strona-platnika-oplacona")


def test_refusing_and_abandoning_come_back_unpaid(payer: Page, payments_gateway: PaymentsGateway,
                                                  merchant_site: str) -> None:
    url, back = payer_url(payments_gateway, merchant_site)
    payer.goto(url)
    payer.get_by_role("button", name="Odrzuć płatność").click()
    payer.wait_for_url(back)
    assert payments_gateway.transactions(back.rsplit("=", 1)[1])[0]["status"] == 0

    url, back = payer_url(payments_gateway, merchant_site)
    payer.goto(url)
    payer.get_by_role("link", name="Porzuć").click()
    payer.wait_for_url(back)
    assert payments_gateway.transactions(back.rsplit("=", 1)[1])[0]["outcome"] == ""
