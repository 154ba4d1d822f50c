"""The fee on the form page, before submitting: quoted as the resident fills the fields it depends on (copies,
purpose, power of attorney), read out by screen readers (aria-live), then said on the confirmation; the service
page shows the rule. axe on every new state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Portal

pytestmark = pytest.mark.browser
FARM = "zaswiadczenie-o-powierzchni-gospodarstwa"


def test_the_fee_follows_the_form_and_the_confirmation_says_what_is_owed(portal: Portal) -> None:
    page = portal.page
    portal.open(f"usluga.html?id={FARM}&jst=1418043")
    rule = page.locator("#oplata")
    expect(rule).to_contain_text("17,00 zł za każdą jednostkę pola „Liczba egzemplarzy”")
    expect(rule).to_contain_text("Zwolnione z opłaty: zaświadczenie w sprawie ubezpieczenia społecznego")
    expect(rule).to_contain_text("Dodatkowo 17,00 zł")
    portal.check("oplata-01-usluga")

    portal.sign_in("resident", subject="przegladarka-oplata", back=f"/wniosek.html?usluga={FARM}%26jst=1418043")
    fee = page.locator("#oplata [aria-live=polite]")
    expect(fee).to_have_attribute("aria-atomic", "true")
    # Before the number of copies is given, the fee says what it depends on
    expect(page.locator("#oplata-kwota")).to_contain_text("Opłata: Wysokość opłaty zależy od pola „Liczba egzemplarzy”")
    portal.check("oplata-02-zalezy")

    page.fill("#f-liczba_egzemplarzy", "2")
    page.select_option("#f-cel", "kredyt")
    expect(page.locator("#oplata-kwota")).to_have_text(
        "Opłata: 34,00 zł — opłata skarbowa od wydania zaświadczenia.")
    expect(page.locator("#oplata-sposob")).to_contain_text(re.compile("wpłać ją przelewem|zapłacisz online"))
    portal.check("oplata-03-kwota")

    page.get_by_label("Wniosek składa pełnomocnik").check()
    expect(page.locator("#oplata-kwota")).to_contain_text("Opłata: 51,00 zł")
    page.get_by_label("Pełnomocnikiem jest małżonek", exact=False).check()
    expect(page.locator("#oplata-kwota")).to_contain_text("Opłata: 34,00 zł")
    expect(page.locator("#oplata-kwota")).to_contain_text("Zwolnienie: pełnomocnictwo udzielone małżonkowi")
    page.get_by_label("Wniosek składa pełnomocnik").uncheck()

    page.select_option("#f-cel", "krus")
    expect(page.locator("#oplata-kwota")).to_contain_text("Zwolnione z opłaty: zaświadczenie w sprawie "
                                                          "ubezpieczenia społecznego")
    portal.check("oplata-04-zwolnienie")

    # Submitted for a loan: the confirmation says the fee owed and where it is paid
    page.select_option("#f-cel", "kredyt")
    page.fill("#f-liczba_egzemplarzy", "1")
    page.fill("#f-wnioskodawca-first_name", "Jan")
    page.fill("#f-wnioskodawca-last_name", "Kowalski")
    page.fill("#f-wnioskodawca-pesel", "44051401359")
    page.fill("#f-adres-building", "5")
    page.fill("#f-adres-postal_code", "05-500")
    page.fill("#f-adres-city", "Piaseczno")
    page.get_by_label("w hektarach fizycznych i przeliczeniowych").check()
    page.get_by_label("elektronicznie", exact=True).check()
    expect(page.locator("#oplata-kwota")).to_have_text("Opłata: 17,00 zł — opłata skarbowa od wydania zaświadczenia.")
    page.get_by_role("button", name="Złóż wniosek").click()
    owed = page.locator("#oplata-nalezna")
    expect(owed).to_contain_text("Należna opłata: 17,00 zł — opłata skarbowa od wydania zaświadczenia.")
    expect(owed).to_contain_text(re.compile("przelewem|online w Moich sprawach"))
    portal.check("oplata-05-potwierdzenie")
