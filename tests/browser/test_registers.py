"""The public registers in the browser: a clerk of the keeping department enters a monument (the server's errors
on their fields with the summary, then the entry with its history), changes it with a reason and strikes it off;
anyone finds it from the portal's main page by the office, register, text and state, pages and gets the CSV link;
an empty result and a register the office does not keep are said in words. axe on every state."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Portal

pytestmark = pytest.mark.browser
PIASECZNO, LESZNOWOLA = "1418043", "1418032"


def test_a_clerk_keeps_the_register_and_anyone_finds_the_entry(portal: Portal) -> None:
    page, mark = portal.page, uuid.uuid4().hex[:8]
    # The clerk of the department keeping the register opens its form from the inbox
    portal.sign_in("clerk", terc=PIASECZNO, department="GN", subject="urzednik-gn-rejestr")
    portal.open("urzednik.html")
    page.get_by_role("link", name="Prowadź rejestr publiczny (nowy wpis, zmiana, cofnięcie)").click()
    expect(page.locator("#rejestry a")).to_have_count(3)
    portal.check("90-rejestr-wybor")
    page.get_by_role("link", name="Gminna ewidencja zabytków").click()
    expect(page.locator("#name")).to_be_visible()
    portal.check("91-rejestr-formularz")
    # Sent empty: the server's errors on the fields, the summary focused
    page.get_by_role("button", name="Dodaj wpis").click()
    expect(page.locator("#bledy")).to_be_focused()
    expect(page.locator("#name-blad")).to_be_visible()
    expect(page.locator("#teryt-blad")).to_be_visible()
    portal.check("92-rejestr-bledy")
    # Filled in, with a wrong TERYT first
    page.fill("#name", f"Kapliczka przydrożna {mark}")
    page.fill("#address-street", "ul. Polna")
    page.fill("#address-building", "12")
    page.fill("#address-postal_code", "05-500")
    page.fill("#address-city", "Piaseczno")
    page.fill("#teryt", "12")
    page.fill("#dating", "XIX w.")
    page.select_option("#protection-0", "ewidencja-gminna")
    page.get_by_role("button", name="Dodaj wpis").click()
    expect(page.locator("#teryt-blad")).to_be_visible()
    page.fill("#teryt", "0921990")
    page.get_by_role("button", name="Dodaj wpis").click()
    expect(page.locator("#wynik")).to_contain_text("Zapisano wpis")
    expect(page.locator("#historia > li")).to_have_count(1)
    portal.check("93-rejestr-zapisany")
    # Changed with a reason (without one first), then struck off
    page.get_by_role("link", name="Otwórz wpis do zmiany").click()
    expect(page.locator("#name")).to_have_value(f"Kapliczka przydrożna {mark}")
    page.fill("#dating", "1 poł. XIX w.")
    page.get_by_role("button", name="Zapisz zmianę").click()
    expect(page.locator("#powod-blad")).to_be_visible()
    portal.check("94-rejestr-zmiana-bez-powodu")
    page.fill("#powod", "Uściślenie datowania")
    page.get_by_role("button", name="Zapisz zmianę").click()
    expect(page.locator("#historia > li")).to_have_count(2)
    expect(page.locator("#historia")).to_contain_text("Uściślenie datowania")
    expect(page.locator("#historia")).to_contain_text("Datowanie: XIX w. → 1 poł. XIX w.")
    page.fill("#powod-cofniecia", "Obiekt rozebrany")
    page.get_by_role("button", name="Cofnij wpis").click()
    expect(page.locator("#historia > li")).to_have_count(3)
    portal.check("95-rejestr-wykreslony")

    # Anyone, signed out, finds it from the portal's main page
    page.get_by_role("button", name="Wyloguj").click()
    portal.open("index.html")
    page.get_by_role("link", name="Rejestry publiczne: zezwolenia alkoholowe, zajęcie pasa drogowego, "
                                   "ewidencja zabytków").click()
    expect(page.locator("h1")).to_have_text("Rejestry publiczne")
    expect(page.locator("#podpowiedz-start")).to_be_visible()
    portal.check("96-rejestry-start")
    page.select_option("#jst", PIASECZNO)
    page.select_option("#rejestr", "ewidencja-zabytkow")
    page.fill("#szukaj", mark)
    page.select_option("#stan", "wykreslony")
    page.get_by_role("button", name="Szukaj").click()
    expect(page.locator("#wpisy tbody tr")).to_have_count(1)
    expect(page.locator("#wpisy")).to_contain_text("wykreślony z ewidencji")
    expect(page.locator("#wpisy")).to_contain_text("1 poł. XIX w.")
    assert "format=csv" in (page.locator("#csv").get_attribute("href") or "")
    portal.check("97-rejestry-wynik")
    page.set_viewport_size({"width": 320, "height": 900})  # WCAG reflow: no sideways scrolling of the page
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 1024})
    # Nothing found, in words
    page.select_option("#stan", "w-ewidencji")
    page.get_by_role("button", name="Szukaj").click()
    expect(page.locator("#wynik")).to_contain_text("Brak wpisów spełniających warunki wyszukiwania.")
    portal.check("98-rejestry-pusto")
    # A register the office does not keep, in words
    page.select_option("#jst", LESZNOWOLA)
    page.select_option("#rejestr", "ewidencja-zabytkow")
    page.get_by_role("button", name="Szukaj").click()
    expect(page.locator("#wynik")).to_contain_text("Ten urząd nie prowadzi tego rejestru na platformie.")
    portal.check("99-rejestry-nie-prowadzi")
