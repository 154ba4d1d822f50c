"""Files the office adds to a case, in the browser: the clerk adds an internal note's scan and a decision shared
with the party, settles the case with the attached decision; the resident sees only the shared decision and
downloads it. axe on each new state."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Portal, new_portal
from tests.browser.test_case_pages import change_state
from tests.browser.test_staff import PIASECZNO, registered_application
from tests.e2e.conftest import Stack
from tests.files import make_pdf, make_png

pytestmark = pytest.mark.browser
CLERK = "urzednik-pliki-or"


@pytest.fixture
def second(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def add_file(portal: Portal, name: str, content: bytes, mime: str, title: str, *, decision: bool = False,
             shared: bool = False) -> None:
    page = portal.page
    page.set_input_files("#plik", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.fill("#tytul-pliku", title)
    if decision:
        page.select_option("#rodzaj-pliku", "rozstrzygniecie")
    if shared:
        page.check("#dla-strony")
    page.get_by_role("button", name="Dodaj plik").click()
    expect(page.locator("#komunikat")).to_contain_text(f"Dodano plik: {title}.")


def test_the_clerk_adds_files_and_settles_with_the_decision_the_resident_downloads(portal: Portal,
                                                                                   second: Portal) -> None:
    owner = f"mieszkaniec-{uuid.uuid4().hex[:8]}"
    application = registered_application(portal.stack, subject=owner)
    sign, case_id = application["case_sign"], application["submission_id"]
    office = portal.page
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject=CLERK)
    portal.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    expect(office.locator("h1")).to_have_text(f"Sprawa {sign}")
    office.get_by_role("button", name="Przyjmij sprawę").click()
    expect(office.locator("#stan")).to_have_text("w toku")
    expect(office.locator("main")).to_contain_text("Urząd nie dodał jeszcze plików do sprawy.")

    # Nothing chosen: the form's errors, in Polish; then a disguised file is refused by the API on the file field
    office.get_by_role("button", name="Dodaj plik").click()
    expect(office.locator("#bledy")).to_contain_text("Wybierz plik.")
    portal.check("90-pliki-bledy")
    office.set_input_files("#plik", files=[{"name": "skan.pdf", "mimeType": "application/pdf", "buffer": make_png()}])
    office.fill("#tytul-pliku", "Skan")
    office.get_by_role("button", name="Dodaj plik").click()
    expect(office.locator("#plik-blad")).to_contain_text("Skan odrzucony")

    add_file(portal, "notatka.png", make_png(), "image/png", "Notatka ze skanem mapy")
    add_file(portal, "decyzja.pdf", make_pdf(), "application/pdf", "Decyzja nr 7/2026", decision=True, shared=True)
    files = office.locator("#pliki-sprawy > li")
    expect(files).to_have_count(2)
    expect(files.nth(0)).to_contain_text("tylko dla urzędu")
    expect(files.nth(1)).to_contain_text("udostępniony stronie")
    with office.expect_download() as download:
        files.nth(0).get_by_role("button", name="Pobierz plik notatka.png", exact=False).click()
    assert download.value.suggested_filename == "notatka.png"
    portal.check("91-pliki-sprawy")

    office.get_by_label("załatwiona", exact=True).check()
    office.select_option("#dokument-plik", label="Decyzja nr 7/2026")
    portal.check("92-pliki-zalatwienie")
    change_state(office, "załatwiona", "Wydano decyzję")
    expect(office.locator("#stan")).to_have_text("załatwiona")
    expect(office.locator("main")).to_contain_text("rozstrzygnięcie: Decyzja nr 7/2026")

    # The resident sees the shared decision only, and downloads it
    second.sign_in("resident", subject=owner)
    page = second.open(f"moja-sprawa.html?id={case_id}")
    shared = page.locator("#dokumenty-sprawy > li")
    expect(shared).to_have_count(1)
    expect(shared.first).to_contain_text("Decyzja nr 7/2026")
    expect(page.locator("main")).not_to_contain_text("Notatka ze skanem mapy")
    with page.expect_download() as got:
        shared.first.get_by_role("button", name="Pobierz Decyzja nr 7/2026", exact=False).click()
    assert got.value.suggested_filename == "decyzja.pdf"
    assert got.value.path().read_bytes() == make_pdf()
    second.check("93-pliki-moja-sprawa")
