"""The sandbox e-Delivery box's page in the browser: a resident collects a letter with „Odbierz” from the
keyboard; the page passes axe-core before and after (no stack needed: the sandbox runs in the test)."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from chalicelib.integrations.edelivery import Document, MessageStatus, OutgoingMessage
from chalicelib.integrations.edelivery_client import UserAgentApiClient
from tests.browser.conftest import SCREENSHOTS
from tests.edelivery_box import EDeliveryBox


def _no_serious_violations(page: object, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
    violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    bad = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: {bad}"


def test_a_resident_collects_a_letter_on_the_box_page_with_the_keyboard(browser: Browser,
                                                                       edelivery_box: EDeliveryBox) -> None:
    office, resident = f"AE:PL-14180-32000-{secrets.token_hex(2).upper()}X-02", "AE:PL-44051-40135-KOWAL-77"
    edelivery_box.register(office, "Urząd Gminy Lesznowola", public_body=True)
    edelivery_box.register(resident, "Jan Kowalski")
    client = UserAgentApiClient(edelivery_box.url)
    message_id = client.send(OutgoingMessage(secrets.token_hex(8), office, resident, "Decyzja GK.6131.3.2026",
                                             (Document("decyzja.pdf", "application/pdf", b"%PDF-1.7"),)))
    page = browser.new_page(locale="pl-PL")
    try:
        page.goto(f"{edelivery_box.url}/skrzynka/{quote(resident, safe='')}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Skrzynka: Jan Kowalski")
        expect(page.get_by_role("row")).to_have_count(2)
        _no_serious_violations(page, "edoreczenia-skrzynka")

        collect = page.get_by_role("button", name="Odbierz wiadomość: Decyzja GK.6131.3.2026")
        collect.focus()
        page.keyboard.press("Enter")

        expect(page.get_by_role("cell", name="Doręczona", exact=False)).to_be_visible()
        expect(page.get_by_role("link", name="decyzja.pdf")).to_be_visible()
        _no_serious_violations(page, "edoreczenia-skrzynka-odebrana")
        assert client.status(office, message_id).status is MessageStatus.DELIVERED
    finally:
        page.close()
