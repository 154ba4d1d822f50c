"""Paper cases in the browser: a clerk registers an application received on paper (the form's errors, the scan
upload, the confirmation with the sign and the access code shown once, its print view); the applicant, without
an account, looks the case up by sign and code (missing fields, a wrong code, the view, too many attempts)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, Portal
from tests.files import make_pdf

pytestmark = pytest.mark.browser
PIASECZNO = "1418043"
CODE = re.compile(r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")


def register_on_paper(portal: Portal) -> tuple[str, str]:
    page = portal.page
    portal.sign_in("clerk", terc=PIASECZNO, department="DG", subject="urzednik-dg-papier")
    page.get_by_role("link", name="Zarejestruj wniosek papierowy lub z ePUAP").click()
    expect(page.locator("h1")).to_have_text("Rejestracja wniosku papierowego")
    expect(page.locator("#usluga option")).to_have_count(3)  # "wybierz", DG's permit and declaration
    portal.check("60-papier-formularz")
    page.set_viewport_size({"width": 320, "height": 900})  # WCAG reflow: no sideways scrolling
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    portal.check("60-papier-formularz-320px")
    page.set_viewport_size({"width": 1280, "height": 1024})
    # Sent empty: the server's errors on each field, with the summary focused
    page.get_by_role("button", name="Zarejestruj sprawę").click()
    expect(page.locator("#bledy")).to_be_focused()
    expect(page.locator("#nazwa-blad")).to_be_visible()
    expect(page.locator("#bledy")).to_contain_text("Skany wniosku")
    portal.check("61-papier-bledy")
    # Filled in, with a wrong PESEL first
    page.select_option("#usluga", "zezwolenie-na-sprzedaz-alkoholu")
    page.fill("#nazwa", "Anna Nowak")
    page.fill("#budynek", "5")
    page.fill("#kod-pocztowy", "05-500")
    page.fill("#miejscowosc", "Piaseczno")
    page.fill("#pesel", "44051401358")
    page.set_input_files("#skany", files=[{"name": "wniosek.pdf", "mimeType": "application/pdf",
                                           "buffer": make_pdf()}])
    expect(page.locator("#skany-stan")).to_contain_text("Przesłano skany: wniosek.pdf")
    page.get_by_role("button", name="Zarejestruj sprawę").click()
    expect(page.locator("#pesel-blad")).to_contain_text("PESEL")
    page.fill("#pesel", "44051401359")
    page.get_by_role("button", name="Zarejestruj sprawę").click()
    expect(page.locator("h1")).to_have_text("Sprawa zarejestrowana")
    sign, code = page.locator("#znak").inner_text(), page.locator("#kod").inner_text()
    assert re.fullmatch(r"DG\.7340\.\d+\.\d{4}", sign) and CODE.fullmatch(code), (sign, code)
    expect(page.locator("main")).to_contain_text("tylko ten jeden raz")
    portal.check("62-papier-potwierdzenie")
    # The print view: the confirmation alone, without the site's furniture or the buttons
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Drukuj potwierdzenie")).to_be_hidden()
    expect(page.locator("#kod")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "63-papier-wydruk.png"), full_page=True)
    page.emulate_media(media="screen")
    return sign, code


def test_clerk_registers_a_paper_case_and_the_applicant_follows_it_with_the_code(portal: Portal) -> None:
    sign, code = register_on_paper(portal)
    page = portal.page
    page.context.clear_cookies()
    page.evaluate("sessionStorage.clear()")  # the applicant has no account
    portal.open("sprawdz-sprawe.html")
    expect(page.locator("h1")).to_have_text("Sprawdź stan sprawy")
    page.get_by_role("button", name="Sprawdź sprawę").click()
    expect(page.locator("#bledy")).to_be_focused()
    expect(page.locator("#kod-blad")).to_contain_text("Wpisz kod dostępu.")
    portal.check("64-sprawdz-bledy")
    # A wrong code: told nothing
    page.fill("#znak", sign)
    page.fill("#kod", "ABCDE-FGHJK-MNPQR")
    page.get_by_role("button", name="Sprawdź sprawę").click()
    expect(page.locator("#wynik")).to_contain_text("Nie znaleziono sprawy")
    portal.check("65-sprawdz-nie-znaleziono")
    # The right code, typed in lower case: the stages and the due date
    page.fill("#kod", code.lower())
    page.get_by_role("button", name="Sprawdź sprawę").click()
    expect(page.locator("#wynik h2")).to_have_text(f"Sprawa {sign}")
    expect(page.locator("#stan")).to_have_text("zarejestrowana")
    expect(page.locator("#etapy li")).to_have_count(1)
    expect(page.locator("#termin")).not_to_have_text("")
    expect(page.locator("#wynik")).not_to_contain_text("Nowak")
    portal.check("66-sprawdz-sprawa")
    # Four more wrong codes, then even the right one is refused for the hour
    for _ in range(4):
        reply = portal.stack.call("POST", "/v1/public/cases/lookup", {"sign": sign, "code": "ABCDE-FGHJK-MNPQR"})
        assert reply.status == 404, reply.body
    page.get_by_role("button", name="Sprawdź sprawę").click()
    expect(page.locator("#wynik")).to_contain_text("Za dużo prób")
    expect(page.locator("#wynik")).to_contain_text("Spróbuj ponownie za")
    portal.check("67-sprawdz-za-duzo-prob")
