"""The clerk's "Wydaj pismo" in the browser: a decision refused for the parts art. 107 requires, previewed, issued
and listed among the case's files; the resident sees it among the shared documents and downloads the PDF. axe on
each state."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Portal, new_portal
from tests.browser.test_staff import PIASECZNO, registered_application
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.browser
CLERK = "urzednik-pisma-or"


@pytest.fixture
def second(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def test_the_clerk_previews_and_issues_a_decision_the_resident_downloads(portal: Portal, second: Portal) -> None:
    owner = f"mieszkaniec-{uuid.uuid4().hex[:8]}"
    application = registered_application(portal.stack, subject=owner)
    sign, case_id = application["case_sign"], application["submission_id"]
    office = portal.page
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject=CLERK)
    portal.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    expect(office.locator("h1")).to_have_text(f"Sprawa {sign}")
    office.get_by_role("button", name="Przyjmij sprawę").click()
    expect(office.locator("#stan")).to_have_text("w toku")
    portal.check("95-pisma-formularz")

    # A decision without its basis, ruling and reasons: the API names each part with its article, on its field
    office.fill("#stanowisko", "Kierownik Wydziału Organizacyjnego")
    office.fill("#podpisujacy", "Anna Wiśniewska")
    office.get_by_role("button", name="Wydaj pismo").click()
    expect(office.locator("#bledy")).to_contain_text("art. 107 § 1 pkt 6 KPA")
    expect(office.locator("#pismo-rozstrzygniecie-blad")).to_contain_text("art. 107 § 1 pkt 5 KPA")
    portal.check("96-pisma-bledy")

    # Filled in: the preview shows the letter's text with the appeal instruction, and its PDF to open
    office.fill("#pismo-podstawa_prawna", "art. 39 ust. 1 ustawy o drogach publicznych")
    office.fill("#pismo-rozstrzygniecie", "Zezwala się na zajęcie pasa drogowego ul. Źródlanej w dniach 2–5 maja.")
    office.fill("#pismo-uzasadnienie", "Wniosek spełnia wymagania; zajęcie nie zagraża bezpieczeństwu ruchu.")
    office.get_by_role("button", name="Podgląd pisma").click()
    preview = office.locator("#podglad-pisma")
    expect(preview).to_contain_text("orzeka się:")
    expect(preview).to_contain_text("Samorządowe Kolegium Odwoławcze w Warszawie")
    expect(preview).to_contain_text("Anna Wiśniewska, Kierownik Wydziału Organizacyjnego")
    expect(preview.get_by_role("link", name="Pobierz podgląd PDF", exact=False)).to_be_visible()
    portal.check("97-pisma-podglad")

    # Issued: sealed, and among the case's files, shared with the party
    office.get_by_role("button", name="Wydaj pismo").click()
    expect(office.locator("#komunikat")).to_contain_text(f"Wydano pismo: DECYZJA ({sign})")
    files = office.locator("#pliki-sprawy > li")
    expect(files).to_have_count(2)
    expect(files.nth(0)).to_contain_text("oryginał z pieczęcią urzędu, XML")
    expect(files.nth(1)).to_contain_text("wizualizacja, PDF")
    expect(files.nth(0)).to_contain_text("udostępniony stronie")
    portal.check("98-pisma-wydane")

    # The resident sees both among the shared documents and downloads the PDF
    second.sign_in("resident", subject=owner)
    page = second.open(f"moja-sprawa.html?id={case_id}")
    shared = page.locator("#dokumenty-sprawy > li")
    expect(shared).to_have_count(2)
    with page.expect_download() as got:
        shared.nth(1).get_by_role("button", name="Pobierz Decyzja administracyjna", exact=False).click()
    assert got.value.suggested_filename.endswith(".pdf")
    assert got.value.path().read_bytes().startswith(b"%PDF-")
    second.check("99-pisma-moja-sprawa")
