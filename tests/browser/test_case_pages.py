"""A case's life in the browser: the clerk opens a registered case from the inbox, takes it, notes, summons the
resident (two gaps, 7 days); the resident sees the summons and the way to answer it (the answer, settling and
closing: test_case_path.py). Refusals in Polish (a term not passed, a stale page, another department); the head assigns
and the forms run keyboard-only; loading, not-found and empty states."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import Portal, new_portal
from tests.browser.test_keyboard import COUNT_POINTER, FOCUS_RING, focus_style, tab_to, type_into
from tests.browser.test_staff import PIASECZNO, bearer, registered_application
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.browser
CLERK = "urzednik-sprawy-or"
GAPS = ["Podpis wnioskodawcy", "Mapa z zaznaczeniem działki"]


@pytest.fixture
def second(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:
    """Another person's browser, beside `portal`."""
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def change_state(page: Page, label: str, reason: str, **fields: str) -> None:
    page.get_by_label(label, exact=True).check()
    for field_id, value in fields.items():
        page.fill(f"#{field_id}", value)
    page.fill("#uzasadnienie", reason)
    page.get_by_role("button", name="Zmień stan sprawy").click()


def test_the_clerk_takes_and_summons_and_the_resident_sees_the_summons(portal: Portal, second: Portal) -> None:
    owner = f"mieszkaniec-{uuid.uuid4().hex[:8]}"
    application = registered_application(portal.stack, subject=owner)
    sign, case_id = application["case_sign"], application["submission_id"]
    page, message = portal.page, portal.page.locator("#komunikat")

    # The inbox, filtered to registered cases, leads to the case's page.
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject=CLERK)
    page.select_option("#filtr", "stan:zarejestrowana")
    page.get_by_role("button", name="Filtruj").click()
    expect(page.get_by_role("status")).to_contain_text("w stanie: zarejestrowana: strona 1")
    page.locator("tbody tr", has_text=sign).get_by_role("link", name=sign).click()
    expect(page.locator("h1")).to_have_text(f"Sprawa {sign}")
    expect(page.locator("#stan")).to_have_text("zarejestrowana")
    expect(page.locator("#prowadzi")).to_have_text("nieprzydzielona")
    expect(page.locator("#termin-kpa")).to_contain_text("biegnie")
    expect(page.get_by_role("button", name="Pobierz UPP")).to_be_visible()
    portal.check("60-sprawa-zarejestrowana")

    page.get_by_role("button", name="Przyjmij sprawę").click()
    expect(message).to_contain_text("Przyjęto sprawę do prowadzenia.")
    expect(page.locator("#stan")).to_have_text("w toku")
    expect(page.locator("#prowadzi")).to_have_text(f"{CLERK} (Ty)")
    page.fill("#notatka", "Zadzwonić do wnioskodawcy w sprawie mapy")
    page.get_by_role("button", name="Dodaj notatkę").click()
    expect(message).to_contain_text("Dodano notatkę.")
    expect(page.locator("main")).to_contain_text("Zadzwonić do wnioskodawcy w sprawie mapy")

    change_state(page, "wezwanie do uzupełnienia", "Wniosek niekompletny", braki="\n".join(GAPS), termin="7")
    expect(message).to_contain_text("Zmieniono stan sprawy na: wezwanie do uzupełnienia.")
    expect(page.locator("#stan")).to_have_text("wezwanie do uzupełnienia")
    expect(page.locator("#termin-kpa")).to_contain_text("wstrzymany od")
    expect(page.locator("main")).to_contain_text("art. 35 § 5 KPA: czas na uzupełnienie braków")
    for gap in GAPS:
        expect(page.locator("main")).to_contain_text(gap)
    assert "null" not in page.locator("main").inner_text()
    portal.check("61-sprawa-wezwanie")

    # Too early to leave the application unexamined: the Polish 409, the page unchanged.
    change_state(page, "pozostawiona bez rozpoznania", "Brak odpowiedzi")
    expect(message).to_contain_text("Nie zapisano zmiany.")
    expect(message).to_contain_text("wniosek można pozostawić bez rozpoznania dopiero po nim")
    expect(page.locator("#stan")).to_have_text("wezwanie do uzupełnienia")
    portal.check("62-sprawa-409-termin")

    # Someone changed the case after the page read it: 409 version_conflict, then a reload shows their change.
    clerk = bearer(role="clerk", subject=CLERK, terc=PIASECZNO, department="OR")
    noted = portal.stack.call("POST", f"/v1/tenants/{PIASECZNO}/cases/{case_id}/notes",
                              {"text": "Notatka z drugiego okna"}, clerk)
    assert noted.status == 200, noted.body
    change_state(page, "uzupełniona", "Wnioskodawca przyniósł mapę")
    expect(message).to_contain_text("zmieniona przez kogoś innego")
    portal.check("63-sprawa-409-wersja")
    page.get_by_role("button", name="Wczytaj sprawę ponownie").click()
    expect(message).to_contain_text("Wczytano aktualny stan sprawy.")
    expect(page.locator("main")).to_contain_text("Notatka z drugiego okna")

    # The resident: the summons with its gaps and term, the stopped clock, the way to answer; no staff notes.
    resident = second.page
    second.sign_in("resident", subject=owner)
    resident.get_by_role("link", name=f"{sign}: Pismo ogólne do urzędu").click()
    expect(resident.locator("h1")).to_have_text(f"Sprawa {sign}")
    expect(resident.locator("#stan")).to_have_text("wezwanie do uzupełnienia")
    expect(resident.locator("#termin-kpa")).to_contain_text("wstrzymany od")
    for gap in GAPS:
        expect(resident.locator("main")).to_contain_text(gap)
    expect(resident.locator("main")).to_contain_text("7 dni – do")
    answer = resident.get_by_role("link", name="Odpowiedz na wezwanie")
    expect(answer).to_have_attribute("href", f"uzupelnienie.html?sprawa={case_id}")
    shown = resident.locator("main").inner_text()
    assert "Zadzwonić" not in shown and CLERK not in shown and "Wniosek niekompletny" not in shown
    assert "null" not in shown and "undefined" not in shown
    second.check("70-moja-sprawa-wezwanie")


def test_a_clerk_of_another_department_gets_the_polish_refusal(portal: Portal) -> None:
    case_id = registered_application(portal.stack)["submission_id"]
    portal.sign_in("clerk", terc=PIASECZNO, department="GK", subject="urzednik-gk")
    portal.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    expect(portal.page.locator("h1")).to_have_text("Brak dostępu do tej sprawy")
    expect(portal.page.get_by_role("alert")).to_contain_text("Sprawę prowadzi inna komórka.")
    portal.check("65-sprawa-403")


def test_the_head_assigns_and_summons_with_the_keyboard_only(portal: Portal) -> None:
    application = registered_application(portal.stack)
    page = portal.page
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject="kierownik-or", head=True)
    page.context.add_init_script(COUNT_POINTER)  # from here on: no pointer event at all
    portal.open(f"sprawa.html?jst={PIASECZNO}&id={application['submission_id']}")
    expect(page.locator("#stan")).to_have_text("zarejestrowana")

    type_into(page, "#pracownik", "urzednik-b")
    assert FOCUS_RING in focus_style(page)
    page.keyboard.press("Enter")
    expect(page.locator("#komunikat")).to_contain_text("Przydzielono sprawę: urzednik-b.")
    expect(page.locator("#prowadzi")).to_have_text("urzednik-b")
    expect(page.locator("#stan")).to_have_text("w toku")

    tab_to(page, "#do-wezwanie")
    page.keyboard.press("Space")
    expect(page.locator("#braki")).to_be_visible()
    type_into(page, "#braki", "\n".join(GAPS))
    type_into(page, "#termin", "5")
    type_into(page, "#uzasadnienie", "Braki formalne")
    tab_to(page, "#zmiana-stanu button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator("#zmiana-stanu .error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Termin na uzupełnienie: od 7 do 365 dni.")
    expect(page.locator("#termin")).to_have_attribute("aria-invalid", "true")
    portal.check("66-sprawa-wezwanie-blad")
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#termin")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(page.locator("#komunikat")).to_contain_text("Zmieniono stan sprawy na: wezwanie do uzupełnienia.")
    expect(page.locator("#komunikat")).to_be_focused()

    type_into(page, "#notatka", "Przydzielono z klawiatury")
    tab_to(page, "#nowa-notatka button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#komunikat")).to_contain_text("Dodano notatkę.")
    portal.check("67-sprawa-klawiatura")
    assert page.evaluate("() => sessionStorage.getItem('mysz')") is None, "a pointer event happened"


def test_loading_not_found_and_empty_states(portal: Portal, second: Portal) -> None:
    page = portal.page
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject=CLERK)
    held: list[Route] = []

    def hold(route: Route) -> None:  # the case's answer waits (Playwright wants a Python function here)
        held.append(route)

    page.route(re.compile(r"/v1/tenants/\d+/cases/"), hold)
    portal.open(f"sprawa.html?jst={PIASECZNO}&id=nie-ma-takiej")
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(100)
    expect(page.locator("#strona")).to_contain_text("Wczytywanie…")
    portal.check("68-sprawa-wczytywanie")
    held[0].continue_()
    page.unroute(re.compile(r"/v1/tenants/\d+/cases/"))
    expect(page.locator("h1")).to_have_text("Nie znaleziono sprawy")
    expect(page.get_by_role("alert")).to_contain_text("Nie ma takiej sprawy w tej jednostce.")
    portal.check("69-sprawa-404")

    portal.open("urzednik.html")
    page.select_option("#filtr", "stan:umorzona")
    page.get_by_role("button", name="Filtruj").click()
    expect(page.locator("main")).to_contain_text("Brak spraw spełniających warunek.")
    portal.check("23-urzednik-filtr-pusty")

    resident = second.page
    second.sign_in("resident", subject=f"bez-spraw-{uuid.uuid4().hex[:8]}")
    expect(resident.locator("main")).to_contain_text("Nie masz jeszcze spraw w urzędach.")
    second.check("72-moje-bez-spraw")
    second.open("moja-sprawa.html?id=nie-ma-takiej")
    expect(resident.locator("h1")).to_have_text("Nie znaleziono sprawy")
    expect(resident.get_by_role("alert")).to_contain_text("Nie ma takiej sprawy wśród Twoich spraw.")
    second.check("73-moja-sprawa-404")
