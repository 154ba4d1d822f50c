"""The case's full path in the browser, every step through the pages: the resident submits an application
(wniosek.html); the clerk takes the case and summons (two gaps, 7 days); the resident answers on
uzupelnienie.html and holds the UPP; once the registrations worker attaches the letter the clerk sees it with its
document and UPP, the clock running again, settles and closes the case; the resident sees every stage and the
answered summons with its UPP. axe-core on every page and state."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Portal, new_portal
from tests.browser.test_pages import SIDEWAYS
from tests.browser.test_resident import fill_applicant
from tests.browser.test_staff import PIASECZNO
from tests.browser.test_supplement import PESEL, fill_letter
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.browser
CLERK = "urzednik-sciezka-or"
GAPS = ["Podpis wnioskodawcy", "Mapa z zaznaczeniem działki"]
SIGN = re.compile(r"OR\.[\w.]+\.\d{4}")


@pytest.fixture
def clerk(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:
    """The clerk's browser, beside the resident's `portal`."""
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def change_state(page: Page, label: str, reason: str, **fields: str) -> None:
    page.get_by_label(label, exact=True).check()
    for field_id, value in fields.items():
        page.fill(f"#{field_id}", value)
    page.fill("#uzasadnienie", reason)
    page.get_by_role("button", name="Zmień stan sprawy").click()


def reload_until(page: Page, locator: str, text: str, *, tries: int = 60) -> None:
    """Asynchronous work (the registrations worker) shows after a reload or a few."""
    for _ in range(tries):
        if text in page.locator(locator).inner_text():
            return
        page.wait_for_timeout(2000)
        page.reload()
        page.locator(locator).wait_for()
    expect(page.locator(locator)).to_contain_text(text)


def test_resident_submits_clerk_summons_resident_answers_clerk_settles(portal: Portal, clerk: Portal) -> None:
    page, office = portal.page, clerk.page
    message = office.locator("#komunikat")

    # The resident submits the application on the form and holds its UPP.
    portal.sign_in("resident", subject=f"sciezka-{uuid.uuid4().hex[:8]}", pesel=PESEL,
                   back=f"/wniosek.html?usluga=pismo-ogolne%26jst={PIASECZNO}")
    expect(page.locator("#wniosek")).to_be_visible()
    fill_applicant(page, pesel=PESEL)
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.locator("h1")).to_have_text("Wniosek złożony")
    assert re.search(r"UPP-[0-9a-f]{32}", page.locator(".panel").inner_text())
    portal.check("80-sciezka-wniosek-zlozony")

    # Once registered, the case is in "Moje sprawy" under its sign.
    portal.open("moje.html")
    case_link = page.get_by_role("link", name=re.compile(r": Pismo ogólne do urzędu$"))
    for _ in range(60):
        if case_link.count():
            break
        page.wait_for_timeout(2000)
        page.reload()
        expect(page.locator("main")).to_contain_text("Pismo ogólne do urzędu")
    sign = case_link.inner_text().split(":")[0]
    assert SIGN.fullmatch(sign), sign
    case_link.click()
    expect(page.locator("#stan")).to_have_text("zarejestrowana")
    case_id = page.url.split("id=")[1]

    # The clerk takes the case from the inbox and summons the resident.
    clerk.sign_in("clerk", terc=PIASECZNO, department="OR", subject=CLERK)
    office.locator("tbody tr", has_text=sign).get_by_role("link", name=sign).click()
    expect(office.locator("h1")).to_have_text(f"Sprawa {sign}")
    office.get_by_role("button", name="Przyjmij sprawę").click()
    expect(message).to_contain_text("Przyjęto sprawę do prowadzenia.")
    change_state(office, "wezwanie do uzupełnienia", "Wniosek niekompletny", braki="\n".join(GAPS), termin="7")
    expect(message).to_contain_text("Zmieniono stan sprawy na: wezwanie do uzupełnienia.")
    expect(office.locator("#termin-kpa")).to_contain_text("wstrzymany od")
    expect(office.locator("main")).to_contain_text("Strona nie złożyła pism uzupełniających.")
    clerk.check("81-sciezka-sprawa-wezwanie")

    # The resident answers the summons from the case's page and gets the letter's own UPP.
    page.reload()
    expect(page.locator("#stan")).to_have_text("wezwanie do uzupełnienia")
    page.get_by_role("link", name="Odpowiedz na wezwanie").click()
    expect(page.locator("#braki")).to_contain_text(GAPS[0])
    portal.check("82-sciezka-uzupelnienie")
    fill_letter(portal)
    page.get_by_role("button", name="Złóż odpowiedź").click()
    expect(page.locator("h1")).to_have_text("Odpowiedź na wezwanie złożona")
    receipt = re.search(r"UPP-[0-9a-f]{32}", page.locator(".panel").inner_text())
    assert receipt
    letter_upp = receipt.group(0)
    portal.check("83-sciezka-uzupelnienie-upp")

    # The registrations worker attaches the letter: the case is supplemented, the summons answered with its UPP.
    portal.open(f"moja-sprawa.html?id={case_id}")
    reload_until(page, "#stan", "uzupełniona")
    summons = page.locator("#wezwania > li").first
    expect(summons).to_contain_text(f"UPP {letter_upp}")
    expect(page.get_by_role("link", name="Odpowiedz na wezwanie")).to_have_count(0)
    with page.expect_download() as download:
        summons.get_by_role("button", name="Pobierz UPP odpowiedzi").click()
    assert download.value.suggested_filename == f"{letter_upp}.xml"
    portal.check("84-sciezka-moja-sprawa-uzupelniona")

    # The clerk: the letter with its document and UPP, the clock running again; settles and closes the case.
    office.reload()
    expect(office.locator("#stan")).to_have_text("uzupełniona")
    expect(office.locator("#termin-kpa")).to_contain_text("biegnie")
    letters = office.locator("#pisma-uzupelniajace > li")
    expect(letters).to_have_count(1)
    expect(letters.first).to_contain_text(letter_upp)
    expect(letters.first).to_contain_text("Odpowiedź na wezwanie")
    expect(office.locator("#wezwania")).to_contain_text(f"UPP {letter_upp}")
    with office.expect_download() as download:
        letters.first.get_by_role("button", name="Pobierz UPP pisma").click()
    assert download.value.suggested_filename == f"{letter_upp}.xml"
    with office.expect_download() as download:
        letters.first.get_by_role("button", name="Pobierz pismo uzupełniające (XML)").click()
    assert download.value.suggested_filename == f"pismo-{letter_upp}.xml"
    clerk.check("85-sciezka-sprawa-uzupelniona")
    change_state(office, "załatwiona", "Udzielono odpowiedzi", dokument="OR.1510.1.2026")
    expect(office.locator("#stan")).to_have_text("załatwiona")
    change_state(office, "zakończona", "Odpowiedź doręczona")
    expect(office.locator("#stan")).to_have_text("zakończona")
    expect(office.locator("main")).to_contain_text("Sprawa jest zakończona: nie można już zmienić jej stanu.")
    history = office.locator("table", has=office.locator("caption", has_text="Historia sprawy"))
    expect(history.locator("tbody tr")).to_have_count(5)  # taken, summoned, supplemented, settled, closed
    expect(history).to_contain_text(f"pismo uzupełniające strony, UPP {letter_upp}")
    expect(office.locator("#archiwum")).not_to_contain_text("sprawa nie jest zamknięta")
    clerk.check("86-sciezka-sprawa-zakonczona")

    # The resident sees every stage, the document, and no way to answer any more.
    page.reload()
    expect(page.locator("#stan")).to_have_text("zakończona")
    stages = page.locator("#lista-etapow > li > h3")
    expect(stages).to_have_text(["zarejestrowana", "w toku", "wezwanie do uzupełnienia", "uzupełniona", "załatwiona"])
    expect(page.locator("#lista-etapow")).to_contain_text(f"Pismo uzupełniające: UPP {letter_upp}.")
    expect(page.locator("main")).to_contain_text("Dokument: OR.1510.1.2026.")
    shown = page.locator("main").inner_text()
    assert CLERK not in shown and "Wniosek niekompletny" not in shown and "null" not in shown
    portal.check("87-sciezka-moja-sprawa-zakonczona")

    # Both pages reflow at 320 px (WCAG 1.4.10): no sideways scrolling.
    for who in (page, office):
        who.set_viewport_size({"width": 320, "height": 900})
        assert who.evaluate(SIDEWAYS) <= 0, f"{who.url} scrolls sideways at 320 px"
