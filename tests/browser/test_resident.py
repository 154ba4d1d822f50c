"""A resident in the browser: finds a service, fills the form with mistakes and sees them on the fields, uploads
attachments (one refused by the screening), saves and resumes a draft, submits, downloads the UPP, verifies
it on the verification page and finds the registered case in "Moje sprawy"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Portal
from tests.files import make_pdf

pytestmark = pytest.mark.browser
PESEL = "44051401359"


def fill_applicant(page: Page, *, pesel: str) -> None:
    page.get_by_label("osoba fizyczna").check()
    page.fill("#f-nadawca-first_name", "Jan")
    page.fill("#f-nadawca-last_name", "Kowalski")
    page.fill("#f-nadawca-pesel", pesel)
    page.fill("#f-adres-building", "5")
    page.fill("#f-adres-postal_code", "05-500")
    page.fill("#f-adres-city", "Piaseczno")
    page.get_by_label("wniosek lub podanie").check()
    page.fill("#f-tytul", "Prośba o informację o planowanych remontach")
    page.fill("#f-tresc", "Proszę o informację, kiedy zostanie wyremontowana ul. Ogrodowa.")


def upload(page: Page, input_id: str, path: Path) -> str:
    page.set_input_files(f"#{input_id}", str(path))
    state = page.locator(f"#{input_id}-stan .tag")
    expect(state).to_have_text(re.compile("Przyjęty|Odrzucony"), timeout=120_000)
    return state.inner_text()


def test_resident_applies_and_verifies_the_upp(portal: Portal, tmp_path: Path) -> None:
    page = portal.page
    scan = tmp_path / "skan.pdf"
    scan.write_bytes(make_pdf())
    fake = tmp_path / "faktura.pdf"
    fake.write_bytes(b"MZ\x90\x00 to nie jest PDF, tylko program" * 20)

    # The catalogue: search, then the service's page.
    portal.open("index.html")
    expect(page.locator("#liczba")).to_contain_text("Znaleziono")
    portal.check("01-katalog")
    page.fill("#q", "pismo")
    page.get_by_role("button", name="Szukaj").click()
    page.get_by_role("link", name="Pismo ogólne do urzędu").click()
    expect(page.locator("h1")).to_have_text("Pismo ogólne do urzędu")
    page.get_by_label("Gmina Piaseczno (Urząd Miasta i Gminy Piaseczno)").check()
    expect(page.locator("#szczegoly")).to_contain_text("bez opłaty")
    expect(page.locator("main")).to_contain_text("Kodeks postępowania administracyjnego")
    portal.check("02-usluga")

    # Not signed in: the form asks for it, and sign-in brings the resident back to the form.
    page.get_by_role("link", name="Złóż wniosek – Gmina Piaseczno").click()
    expect(page.locator("main")).to_contain_text("Aby kontynuować, zaloguj się.")
    page.get_by_role("link", name="Przejdź do logowania").click()
    expect(page.locator("main")).to_contain_text("logowanie deweloperskie (tylko lokalnie)")
    portal.check("03-logowanie")
    page.get_by_role("link", name="logowanie deweloperskie (tylko lokalnie)").click()
    expect(page.locator(".notice.warn")).to_contain_text("Tylko lokalnie.")
    portal.check("04-logowanie-lokalne")
    page.fill("#login", "przegladarka-jan")
    page.fill("#pesel", PESEL)
    page.get_by_role("button", name="Zaloguj (lokalnie)").click()
    expect(page).to_have_url(re.compile(r"wniosek\.html\?usluga=pismo-ogolne&jst=1418043"))
    expect(page.locator("#wniosek")).to_be_visible()
    portal.check("05-wniosek")

    # Sent empty: an error summary at the top, each entry a link to its field.
    page.get_by_role("button", name="Złóż wniosek").click()
    summary = page.locator("#bledy")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Tytuł pisma: Uzupełnij pole „Tytuł pisma”.")
    portal.check("06-wniosek-bledy")
    summary.get_by_role("link", name=re.compile("^Tytuł pisma")).click()
    expect(page.locator("#f-tytul")).to_be_focused()

    # A mistake shows on the field as the resident leaves it, and goes away as it is fixed.
    fill_applicant(page, pesel="44051401358")  # the checksum is wrong: only the server knows
    page.fill("#f-email", "jan@")
    page.locator("#f-email").blur()
    expect(page.locator("#f-email-blad")).to_contain_text("Wpisz adres e-mail w formacie nazwa@domena.pl.")
    expect(page.locator("#f-email")).to_have_attribute("aria-invalid", "true")
    page.fill("#f-email", "jan.kowalski@example.pl")
    expect(page.locator("#f-email-blad")).to_be_hidden()
    expect(page.locator("#f-tytul-blad")).to_be_hidden()

    # Attachments: straight to S3 with a progress bar, then the screening's verdict.
    assert upload(page, "f-pelnomocnictwo", scan) == "Przyjęty"
    page.get_by_role("button", name="Dodaj plik").click()
    assert upload(page, "f-zalaczniki-0", fake) == "Odrzucony"
    expect(page.locator("#f-zalaczniki-0-blad")).to_contain_text("Plik odrzucony")
    portal.check("07-wniosek-zalacznik-odrzucony")
    page.get_by_role("button", name="Usuń plik 1").click()

    # The server's 422 lands on the field it names.
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.locator("#f-nadawca-pesel-blad")).to_be_visible()
    expect(summary).to_contain_text("PESEL")
    portal.check("08-wniosek-blad-pesel")

    # The draft is saved on its own after each change; opened again it has the data and the accepted attachment.
    with page.expect_response(lambda r: "/drafts" in r.url and r.request.method in ("POST", "PUT"), timeout=30_000):
        page.fill("#f-nadawca-pesel", PESEL)
    expect(page.locator("#stan-szkicu")).to_contain_text("Szkic zapisany")
    expect(page).to_have_url(re.compile(r"\?szkic=[0-9a-f]{32}$"))
    page.reload()
    expect(page.locator("#stan-szkicu")).to_contain_text("Wczytano szkic")
    expect(page.locator("#f-nadawca-pesel")).to_have_value(PESEL)
    expect(page.locator("#f-tytul")).to_have_value("Prośba o informację o planowanych remontach")
    expect(page.locator("#f-pelnomocnictwo-stan")).to_contain_text("Przyjęty skan.pdf")

    # Submitted: the UPP at once.
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.locator("h1")).to_have_text("Wniosek złożony")
    receipt = re.search(r"UPP-[0-9a-f]{32}", page.locator(".panel").inner_text())
    assert receipt
    portal.check("09-wniosek-zlozony")
    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz UPP (XML)").click()
    assert download.value.suggested_filename == f"{receipt.group(0)}.xml"
    upp = tmp_path / "upp.xml"
    download.value.save_as(upp)
    assert receipt.group(0).encode() in upp.read_bytes()

    # The verification page: the office's seal is valid; a changed byte is not.
    page.get_by_role("link", name="weryfikacja podpisu", exact=True).click()
    page.set_input_files("#plik", str(upp))
    result = page.locator("#wynik")
    expect(result.locator(".notice")).to_contain_text("Podpis ważny")
    expect(result).to_contain_text("Pieczęć elektroniczna platformy e-Urząd")
    expect(result).to_contain_text("e-Urząd Demo Root CA")
    expect(result).to_contain_text("Podpisany dokument (bez podpisu)")
    portal.check("10-weryfikacja-wazny")
    tampered = tmp_path / "upp-zmieniony.xml"
    tampered.write_bytes(upp.read_bytes().replace(b"Urz\xc4\x99dowe", b"Urzedowe", 1))
    page.set_input_files("#plik", str(tampered))
    expect(result.locator(".notice")).to_contain_text("Podpis nieważny")
    expect(result).to_contain_text("Treść dokumentu została zmieniona po złożeniu podpisu.")
    portal.check("11-weryfikacja-niewazny")

    # "Moje sprawy": the application, and once registered its case sign.
    page.get_by_role("link", name="Moje sprawy").click()
    item = page.locator("li", has_text=receipt.group(0))
    expect(item).to_be_visible()
    sign = re.compile(r"OR\.1510\.\d+\.\d{4}")
    for _ in range(60):  # the list is read once per load: reloaded until the registration worker has run
        if sign.search(item.inner_text()):
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(item).to_contain_text("zarejestrowany")
    expect(item).to_contain_text(sign)
    expect(item.get_by_role("button", name="Pobierz załącznik skan.pdf")).to_be_visible()
    portal.check("12-moje-sprawy")
