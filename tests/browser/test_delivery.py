"""Delivery on the case pages in the browser: the clerk sends an issued decision on paper (the case has no ADE),
downloads the print file, enters the return receipt and sees the decision delivered with its appeal deadline and
the office's sealed record; the resident sees the delivery and the deadline. axe on each state."""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Portal, new_portal
from tests.browser.test_staff import PIASECZNO, bearer, registered_application
from tests.e2e.conftest import Stack
from tests.files import make_pdf

pytestmark = pytest.mark.browser
CLERK = "urzednik-doreczenia-or"
DECISION = {"podstawa_prawna": "art. 39 ust. 1 ustawy o drogach publicznych",
            "rozstrzygniecie": "Zezwala się na zajęcie pasa drogowego ul. Źródlanej.",
            "uzasadnienie": "Wniosek spełnia wymagania.", "organ_odwolawczy": "sko"}


@pytest.fixture
def second(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def test_the_clerk_sends_a_decision_on_paper_enters_the_return_receipt_and_the_resident_sees_the_deadline(
        portal: Portal, second: Portal, tmp_path: object) -> None:
    owner = f"mieszkaniec-{uuid.uuid4().hex[:8]}"
    application = registered_application(portal.stack, subject=owner)
    sign, case_id = application["case_sign"], application["submission_id"]
    clerk = bearer(role="clerk", subject=CLERK, terc=PIASECZNO, department="OR")
    base = f"/v1/tenants/{PIASECZNO}/cases/{case_id}"
    assert portal.stack.call("POST", f"{base}/assignment", {}, clerk).status == 200
    issued = portal.stack.call("POST", f"{base}/letters", {"kind": "decyzja", "fields": DECISION,
                                                         "signer_position": "Kierownik", "signer_name": "Anna Nowak"},
                               {**clerk, "Idempotency-Key": f"decyzja-{uuid.uuid4().hex}"})
    assert issued.status == 201, issued.body

    office = portal.page
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject=CLERK)
    portal.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    expect(office.locator("h1")).to_have_text(f"Sprawa {sign}")
    block = office.locator("#doreczenia")
    expect(block.get_by_role("button", name="Wyślij stronie")).to_be_visible()
    portal.check("100-doreczenia-wyslij")

    # No ADE on the case: "automatically" goes on paper, to the address typed in
    block.get_by_label("Adres do korespondencji dla przesyłki papierowej", exact=False).fill(
        "ul. Źródlana 5\n05-500 Piaseczno")
    block.get_by_role("button", name="Wyślij stronie").click()
    expect(block.locator(".stan-doreczenia")).to_have_text("Do wydruku i nadania (przesyłka papierowa)")
    with office.expect_download() as got:
        block.get_by_role("button", name="Pobierz plik do druku (ZIP)").click()
    with zipfile.ZipFile(got.value.path()) as package:
        assert package.namelist() == ["01-arkusz-adresowy.pdf", "02-decyzja.pdf"]
    portal.check("101-doreczenia-papier")

    # The return receipt: today's date and the scan
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Warsaw")).date()
    block.get_by_label("Data doręczenia z potwierdzenia odbioru").fill(today.isoformat())
    block.get_by_label("Skan potwierdzenia odbioru", exact=False).set_input_files(
        files=[{"name": "zpo.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}])
    block.get_by_role("button", name="Zapisz potwierdzenie odbioru").click()
    expect(block.locator(".stan-doreczenia")).to_have_text("Doręczona")
    expect(block.locator(".termin-odwolania")).to_contain_text("14 dni, art. 129 § 2 KPA")
    expect(block.get_by_role("button", name="Pobierz: potwierdzenie odbioru", exact=False)).to_be_visible()
    expect(block.get_by_role("button", name="Zapisz odwołanie")).to_be_visible()
    portal.check("102-doreczenia-doreczona")

    # The resident: the letter's delivery, its date and the appeal deadline, and the evidence to download
    second.sign_in("resident", subject=owner)
    page = second.open(f"moja-sprawa.html?id={case_id}")
    mine = page.locator("#doreczenia")
    expect(mine.locator(".stan-doreczenia")).to_have_text("Doręczona")
    expect(mine.locator(".termin-odwolania")).to_contain_text("art. 129 § 2 KPA")
    with page.expect_download() as evidence:
        mine.get_by_role("button", name="Pobierz: potwierdzenie odbioru", exact=False).click()
    assert b"PotwierdzenieOdbioru" in evidence.value.path().read_bytes()
    second.check("103-doreczenia-moja-sprawa")
