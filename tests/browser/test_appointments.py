"""e-wizyta in the browser: a JST without booking says so; a resident finds a free slot at Piaseczno, books it,
downloads the calendar file, is refused a second booking of the same matter that day in words, moves the visit;
the clerk sees it on the counter's day list (a visit not yet due cannot be marked; another department's counter is
refused in words); the resident cancels it. axe on every state."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from chalicelib.core.clock import WARSAW
from chalicelib.modules.cases.deadlines import is_public_holiday
from tests.browser.conftest import Portal, new_portal
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.browser
PIASECZNO, LESZNOWOLA = "1418043", "1418032"


def visit_day() -> date:
    """A working day at least two days ahead (Piaseczno books up to 2 hours before, 30 days ahead)."""
    day = datetime.now(WARSAW).date() + timedelta(days=2)
    while day.weekday() >= 5 or is_public_holiday(day) or day == date(2026, 12, 31):
        day += timedelta(days=1)
    return day


@pytest.fixture
def clerk(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def test_a_resident_books_moves_and_cancels_and_the_clerk_sees_the_day(portal: Portal, clerk: Portal) -> None:
    page, day = portal.page, visit_day().isoformat()
    portal.open(f"wizyta.html?jst={LESZNOWOLA}")
    expect(page.locator("#oferta")).to_contain_text("nie prowadzi rezerwacji")
    expect(page.locator("#moje-wizyty")).to_contain_text("zaloguj się")
    portal.check("95-wizyta-jst-bez-rezerwacji")
    page.select_option("#jst", PIASECZNO)
    expect(page.locator("#sprawa")).to_be_visible()
    portal.check("95-wizyta-anonim")

    portal.sign_in("resident", subject=f"wizyta-{uuid.uuid4().hex[:8]}", name="Anna Nowak", back="/wizyta.html")
    expect(page.get_by_role("link", name="Wizyta w urzędzie")).to_be_visible()
    page.select_option("#jst", PIASECZNO)
    page.select_option("#sprawa", "dowod-osobisty")
    page.fill("#dzien", day)
    page.get_by_role("button", name="Pokaż wolne terminy").click()
    slots = page.locator("input[name=termin]")
    expect(slots.first).to_be_visible()
    portal.check("96-wizyta-terminy")
    slots.first.check()
    page.fill("#email", "anna@example.pl")
    page.get_by_role("button", name="Zarezerwuj").click()
    expect(page.locator("#potwierdzenie")).to_contain_text("Wizyta zarezerwowana")
    portal.check("96-wizyta-zarezerwowana")
    with page.expect_download() as download:
        page.locator("#wynik").get_by_role("button", name="Pobierz plik kalendarza (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "METHOD:REQUEST" in ics and "TZID=Europe/Warsaw" in ics

    # A second booking of the same matter that day: refused, in words
    expect(slots.first).to_be_visible()
    slots.last.check()
    page.get_by_role("button", name="Zarezerwuj").click()
    expect(page.locator("#odmowa")).to_contain_text("Masz już rezerwację tej sprawy w tym dniu")
    expect(page.locator("#wynik")).to_be_focused()
    portal.check("97-wizyta-podwojna-odmowa")

    # Moved to the last free slot of the day
    page.locator("#moje-wizyty").get_by_role("button", name="Przełóż").click()
    expect(page.locator("#przekladanie")).to_contain_text("Przekładasz wizytę")
    page.get_by_role("button", name="Pokaż wolne terminy").click()
    slots.last.check()
    new_time = slots.last.evaluate("e => e.labels[0].textContent.slice(0, 5)")
    page.get_by_role("button", name="Przełóż wizytę").click()
    expect(page.locator("#potwierdzenie")).to_contain_text(f"godz. {new_time}")
    expect(page.locator("#moje-wizyty")).to_contain_text(f"godz. {new_time}")
    portal.check("97-wizyta-przelozona")

    # The clerk of the counter's department: the day's list, from the inbox's menu
    clerk.sign_in("clerk", terc=PIASECZNO, department="OR", subject="urzednik-or-wizyty", back="/urzednik.html")
    clerk.page.get_by_role("link", name="Wizyty").click()
    clerk.page.fill("#dzien", day)
    clerk.page.select_option("#stanowisko", "usc")
    clerk.page.get_by_role("button", name="Pokaż wizyty").click()
    row = clerk.page.locator("tr", has_text="Anna Nowak")
    expect(row).to_contain_text(new_time)
    clerk.check("98-wizyty-dzien")
    row.get_by_role("button", name="Przyszedł(-ła)").first.click()
    expect(clerk.page.locator("#komunikat")).to_contain_text("w dniu wizyty")
    clerk.check("98-wizyty-za-wczesnie")
    clerk.sign_in("clerk", terc=PIASECZNO, department="FN", subject="urzednik-fn-wizyty", back="/wizyty.html")
    clerk.page.select_option("#stanowisko", "usc")
    clerk.page.get_by_role("button", name="Pokaż wizyty").click()
    expect(clerk.page.locator("#odmowa")).to_contain_text("inna komórka")
    clerk.check("98-wizyty-inna-komorka")

    # Cancelled: the place is free again
    page.locator("#moje-wizyty").get_by_role("button", name="Odwołaj").click()
    expect(page.locator("#moje-komunikat")).to_contain_text("została odwołana")
    expect(page.locator("#moje-wizyty")).to_contain_text("Odwołana")
    portal.check("99-wizyta-odwolana")
