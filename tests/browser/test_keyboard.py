"""The submission path with the keyboard only: no mouse or pointer event from sign-in to the downloaded UPP,
every control reached with Tab, focus visible on each."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import FileChooser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import Portal
from tests.files import make_pdf

pytestmark = pytest.mark.browser

# Counts every pointer or mouse event in the tab, across page loads.
COUNT_POINTER = """
const count = () => sessionStorage.setItem("mysz", String(Number(sessionStorage.getItem("mysz") || 0) + 1));
for (const type of ["pointerdown", "mousedown", "mouseup", "pointerup"]) addEventListener(type, count, true);
"""
FOCUS_RING = "rgb(255, 221, 0)"  # the yellow of :focus-visible


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def open_file_chooser(page: Page, selector: str) -> FileChooser:
    """Space on the focused file input opens the chooser. Headless chromium on a loaded machine now and then
    drops the first key press, so the same press is tried up to three times; a mouse is never used."""
    tab_to(page, selector)
    for _ in range(3):
        expect(page.locator(selector)).to_be_focused()
        try:
            with page.expect_file_chooser(timeout=15_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"{selector}: Space does not open the file chooser")


def focus_style(page: Page) -> str:
    return str(page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                             " return s.outlineColor + ' ' + s.backgroundColor; }"))


def test_keyboard_only_submission(portal: Portal, tmp_path: Path) -> None:
    page = portal.page
    page.context.add_init_script(COUNT_POINTER)
    scan = tmp_path / "skan.pdf"
    scan.write_bytes(make_pdf())

    portal.open("lokalnie/logowanie.html?wroc=/wniosek.html?usluga=pismo-ogolne%26jst=1418043")
    expect(page.locator("#rola")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Przejdź do treści")).to_be_focused()
    type_into(page, "#login", "klawiatura-jan")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#wniosek")).to_be_visible()

    tab_to(page, "#f-rodzaj_nadawcy-0")
    assert FOCUS_RING in focus_style(page)
    page.keyboard.press("Space")
    type_into(page, "#f-nadawca-first_name", "Jan")
    assert FOCUS_RING in focus_style(page)
    type_into(page, "#f-nadawca-last_name", "Kowalski")
    type_into(page, "#f-nadawca-pesel", "44051401359")
    type_into(page, "#f-adres-building", "7")
    type_into(page, "#f-adres-postal_code", "05-500")
    type_into(page, "#f-adres-city", "Piaseczno")
    tab_to(page, "#f-rodzaj_pisma-0")
    page.keyboard.press("ArrowDown")  # radios: arrows move and choose
    expect(page.locator("#f-rodzaj_pisma-1")).to_be_checked()
    type_into(page, "#f-tytul", "Zapytanie złożone z klawiatury")
    type_into(page, "#f-tresc", "Treść pisma wpisana bez myszy.")
    open_file_chooser(page, "#f-pelnomocnictwo").set_files(str(scan))
    expect(page.locator("#f-pelnomocnictwo-stan")).to_contain_text("Przyjęty", timeout=120_000)

    tab_to(page, "#zloz")
    assert FOCUS_RING in focus_style(page)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Wniosek złożony")
    tab_to(page, "#pobierz-upp")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.startswith("UPP-")
    portal.check("40-klawiatura-zlozony")
    assert page.evaluate("() => sessionStorage.getItem('mysz')") is None, "a pointer event happened"
