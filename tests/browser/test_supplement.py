"""The resident answers a summons in the browser (uzupelnienie.html?sprawa=): sees the gaps and the term, writes
the letter, submits and holds the UPP at once; and when the summons was closed meanwhile, the refusal in Polish."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from infrastructure.web import mint_token
from tests.browser.conftest import Portal, new_portal
from tests.browser.test_pages import SIDEWAYS
from tests.e2e.conftest import Stack, eventually

pytestmark = pytest.mark.browser
PIASECZNO = "1418043"
PESEL = "44051401359"


def bearer(**claims: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(claims)}"}


def summoned_case(stack: Stack, resident: str) -> tuple[str, dict[str, str]]:
    """A resident's letter registered as a case in OR, taken by its clerk and summoned: (case id, clerk's auth)."""
    me = bearer(role="resident", subject=resident, pesel=PESEL, name="Jan Kowalski")
    data = {"rodzaj_nadawcy": "osoba-fizyczna",
            "nadawca": {"first_name": "Jan", "last_name": "Kowalski", "pesel": PESEL},
            "adres": {"building": "5", "postal_code": "05-500", "city": "Piaseczno"},
            "rodzaj_pisma": "wniosek", "tytul": "Wniosek o wgląd w akta", "tresc": "Proszę o wgląd w akta."}
    reply = stack.call("POST", f"/v1/tenants/{PIASECZNO}/services/pismo-ogolne/submissions", {"data": data},
                       {**me, "Idempotency-Key": f"wezwany-{uuid.uuid4().hex}"})
    assert reply.status == 201, reply.body
    case_id = reply.body["submission_id"]

    def registered() -> Any:
        """the registration worker registered the case"""
        return stack.call("GET", f"/v1/me/submissions/{case_id}", headers=me).body["case_sign"]

    eventually(registered, timeout=120)
    clerk = bearer(role="clerk", terc=PIASECZNO, department="OR", subject=f"urzednik-{resident}")
    assert stack.call("POST", f"/v1/tenants/{PIASECZNO}/cases/{case_id}/assignment", {}, clerk).status == 200
    summons = stack.call("POST", f"/v1/tenants/{PIASECZNO}/cases/{case_id}/transitions",
                         {"to": "wezwanie", "reason": "Brak dokumentu", "gaps": ["Kopia aktu notarialnego"],
                          "term_days": 14}, clerk)
    assert summons.status == 200, summons.body
    return case_id, clerk


def fill_letter(portal: Portal) -> None:
    page = portal.page
    page.get_by_label("osoba fizyczna").check()
    page.fill("#f-nadawca-first_name", "Jan")
    page.fill("#f-nadawca-last_name", "Kowalski")
    page.fill("#f-nadawca-pesel", PESEL)
    page.fill("#f-adres-building", "5")
    page.fill("#f-adres-postal_code", "05-500")
    page.fill("#f-adres-city", "Piaseczno")
    page.fill("#f-tytul", "Uzupełnienie: akt notarialny")
    page.fill("#f-tresc", "W załączeniu przesyłam kopię aktu notarialnego.")


def test_the_resident_answers_the_summons_and_holds_the_upp(portal: Portal) -> None:
    resident = f"uzupelnia-{uuid.uuid4().hex[:8]}"
    case_id, _ = summoned_case(portal.stack, resident)
    page = portal.page
    portal.sign_in("resident", subject=resident, back=f"/uzupelnienie.html?sprawa={case_id}")

    # The summons: its gaps and term; the letter's kind and the case's sign are not asked for
    expect(page.locator("#braki")).to_have_text("Kopia aktu notarialnego")
    expect(page.locator("#termin")).to_contain_text("Termin na uzupełnienie: do")
    expect(page.locator("#f-znak_sprawy")).to_have_count(0)
    portal.check("70-uzupelnienie-wezwanie")
    # Sent empty: the error summary, focused
    page.get_by_role("button", name="Złóż odpowiedź").click()
    expect(page.locator("#bledy")).to_be_focused()
    portal.check("71-uzupelnienie-bledy")

    fill_letter(portal)
    page.get_by_role("button", name="Złóż odpowiedź").click()
    expect(page.locator("h1")).to_have_text("Odpowiedź na wezwanie złożona")
    receipt = re.search(r"UPP-[0-9a-f]{32}", page.locator(".panel").inner_text())
    assert receipt
    portal.check("72-uzupelnienie-upp")
    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz UPP (XML)").click()
    assert download.value.suggested_filename == f"{receipt.group(0)}.xml"
    expect(page.get_by_role("link", name="Wróć do Moich spraw")).to_be_visible()

    # And once registered, the summons shows as answered: the page says there is nothing left to answer
    me = bearer(role="resident", subject=resident, pesel=PESEL, name="Jan Kowalski")

    def supplemented() -> Any:
        """the registrations worker attached the letter to the case"""
        return portal.stack.call("GET", f"/v1/me/cases/{case_id}", headers=me).body["status"] == "uzupelniona"

    eventually(supplemented, timeout=120)
    portal.open(f"uzupelnienie.html?sprawa={case_id}")
    expect(page.locator("main .notice")).to_contain_text("nie ma wezwania do uzupełnienia")
    portal.check("73-uzupelnienie-brak-wezwania")


def test_a_summons_closed_meanwhile_is_refused_in_polish(portal: Portal) -> None:
    resident = f"spozniony-{uuid.uuid4().hex[:8]}"
    case_id, clerk = summoned_case(portal.stack, resident)
    page = portal.page
    portal.sign_in("resident", subject=resident, back=f"/uzupelnienie.html?sprawa={case_id}")
    expect(page.locator("#braki")).to_be_visible()
    fill_letter(portal)
    # While the resident writes, the clerk records the supplement by hand (the summons is closed)
    closed = portal.stack.call("POST", f"/v1/tenants/{PIASECZNO}/cases/{case_id}/transitions",
                               {"to": "uzupelniona", "reason": "Dostarczono w kancelarii"}, clerk)
    assert closed.status == 200, closed.body
    page.get_by_role("button", name="Złóż odpowiedź").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("nie ma wezwania do uzupełnienia, na które można teraz odpowiedzieć")
    expect(page.get_by_role("button", name="Złóż odpowiedź")).to_be_enabled()
    portal.check("74-uzupelnienie-409")


def test_the_answer_page_reflows_at_320_px(browser: Browser, site: str, stack: Stack) -> None:
    resident = f"waski-{uuid.uuid4().hex[:8]}"
    case_id, _ = summoned_case(stack, resident)
    portal = new_portal(browser, site, stack, viewport={"width": 320, "height": 900})
    page = portal.page
    try:
        portal.sign_in("resident", subject=resident, back=f"/uzupelnienie.html?sprawa={case_id}")
        expect(page.locator("#braki")).to_be_visible()
        page.get_by_role("button", name="Złóż odpowiedź").click()
        expect(page.locator("#bledy")).to_be_focused()
        assert page.evaluate(SIDEWAYS) <= 0
        portal.check("75-uzupelnienie-320px")
    finally:
        page.context.close()
