"""Forwarding in the browser (art. 65 KPA): the clerk picks the competent JST of the platform from a list (not their
own), meets the refusals on the field, forwards the case and sees where it went and its closed file; the receiving
JST's clerk sees where it came from, the party's filing date and its documents; the resident moves between the two
cases by their links."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.browser.conftest import Portal, new_portal
from tests.browser.test_case_pages import second  # noqa: F401  (the resident's browser beside the clerk's)
from tests.browser.test_keyboard import tab_to
from tests.browser.test_staff import PIASECZNO, bearer, registered_application
from tests.e2e.conftest import Stack, eventually

pytestmark = pytest.mark.browser
LESZNOWOLA = "1418032"
CLERK = "urzednik-przekazuje-or"
REASON = "Właściwa jest gmina Lesznowola"
CANNOT_REGISTER = {"error": {"code": "target_cannot_register", "message": "Urząd Gminy Lesznowola nie ma na platformie "
                             "komórki, w której można zarejestrować tę sprawę (ani właściwej dla usługi, ani ogólnej); "
                             "przekaż ją pismem.",
                             "details": [{"field": "to_terc", "code": "target_cannot_register",
                                          "message": "Jednostka nie może zarejestrować tej sprawy."}]}}


def refuse(route: Route) -> None:
    """The API's 409 for a receiver without a department for the case (no demo JST lacks one)."""
    route.fulfill(status=409, content_type="application/json", body=json.dumps(CANNOT_REGISTER))


def test_a_case_forwarded_to_another_jst_and_received_there(portal: Portal, second: Portal,  # noqa: F811
                                                          browser: Browser, site: str, stack: Stack) -> None:
    owner = f"przekazana-{uuid.uuid4().hex[:8]}"
    application = registered_application(stack, subject=owner)
    sign, case_id = application["case_sign"], application["submission_id"]
    page, message = portal.page, portal.page.locator("#komunikat")
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject=CLERK)
    portal.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    page.get_by_role("button", name="Przyjmij sprawę").click()
    expect(message).to_contain_text("Przyjęto sprawę do prowadzenia.")

    # The platform's other JSTs to choose from, or an authority outside it; nothing chosen is refused on the field.
    page.get_by_label("przekazana", exact=True).check()
    target = page.locator("#do-jst")
    offices = target.locator("option").all_inner_texts()
    assert any("Lesznowola" in o for o in offices) and not any("(Gmina Piaseczno)" in o for o in offices), offices
    page.fill("#uzasadnienie", REASON)
    page.get_by_role("button", name="Zmień stan sprawy").click()
    expect(page.locator("#zmiana-stanu .error-summary")).to_contain_text("Wskaż organ właściwy.")
    expect(target).to_have_attribute("aria-invalid", "true")
    target.select_option("poza")
    expect(page.locator("#organ")).to_be_visible()
    portal.check("92-sprawa-przekazanie-formularz")

    # With the keyboard: the JST picked with the arrow keys, sent with Enter. The API's 409 (the receiver cannot
    # register the case) lands on the field, in Polish.
    tab_to(page, "#do-jst")
    for _ in range(10):
        if target.input_value() == LESZNOWOLA:
            break
        page.keyboard.press("ArrowUp")  # from "poza", the last option, up through the JSTs
    expect(target).to_have_value(LESZNOWOLA)
    expect(page.locator("#organ")).to_be_hidden()
    page.route("**/transitions", refuse)
    tab_to(page, "#zmiana-stanu button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#do-jst-blad")).to_contain_text("nie ma na platformie komórki")
    expect(page.locator("#zmiana-stanu .error-summary")).to_be_focused()
    expect(page.locator("#stan")).to_have_text("w toku")
    portal.check("93-sprawa-przekazanie-409")
    page.unroute("**/transitions", refuse)

    page.get_by_role("button", name="Zmień stan sprawy").click()
    expect(message).to_contain_text("Zmieniono stan sprawy na: przekazana.")
    expect(page.locator("#dokad")).to_contain_text(f"(JST {LESZNOWOLA})")
    expect(page.locator("#dokad")).to_contain_text("przez platformę")
    expect(page.locator("#dokad")).to_contain_text(REASON)
    expect(page.locator("#archiwum")).not_to_contain_text("sprawa nie jest zamknięta")
    portal.check("94-sprawa-przekazana")

    sender = bearer(role="clerk", subject=CLERK, terc=PIASECZNO, department="OR")
    new_id = stack.call("GET", f"/v1/tenants/{PIASECZNO}/cases/{case_id}", headers=sender).body["case"][
        "forwarded_to"]["case_id"]
    receiver = bearer(role="clerk", subject="kancelaria-lesznowola", terc=LESZNOWOLA)

    def received() -> Any:
        """the receiver's worker registered the forwarded case"""
        found = stack.call("GET", f"/v1/tenants/{LESZNOWOLA}/cases/{new_id}", headers=receiver)
        return found.body["case"] if found.status == 200 else None

    new_sign = eventually(received, timeout=120)["case_sign"]

    # The receiving JST's clerk: where it came from, the party's filing date kept, the case's own documents.
    there = new_portal(browser, site, stack)
    try:
        there.sign_in("clerk", terc=LESZNOWOLA, subject="kancelaria-lesznowola")
        there.open(f"sprawa.html?jst={LESZNOWOLA}&id={new_id}")
        expect(there.page.locator("h1")).to_have_text(f"Sprawa {new_sign}")
        origin = there.page.locator("#skad")
        expect(origin).to_contain_text(sign)
        expect(origin).to_contain_text(REASON)
        expect(there.page.locator("#data-zlozenia")).not_to_have_text("—")
        files = there.page.locator("#dokumenty-sprawy")
        with there.page.expect_download() as download:
            files.get_by_role("button", name="Pobierz wniosek (XML)").click()
        assert download.value.suggested_filename.endswith(".xml")
        expect(files.get_by_role("button", name="Pobierz UPP wniosku")).to_be_visible()
        expect(there.page.get_by_role("heading", name="Dokumenty wniosku")).to_have_count(0)
        there.check("95-sprawa-przyjeta-z-innej-jst")
    finally:
        there.page.context.close()

    # The resident: the old case points to the new one, which names where it came from and points back.
    resident = second.page
    second.sign_in("resident", subject=owner)
    second.open(f"moja-sprawa.html?id={case_id}")
    expect(resident.locator("#przekazanie")).to_contain_text("Sprawę przekazano do organu właściwego")
    second.check("96-moja-sprawa-przekazana")
    resident.locator("#przekazanie").get_by_role("link").click()
    expect(resident.locator("h1")).to_have_text(f"Sprawa {new_sign}")
    expect(resident.locator("#przekazanie")).to_contain_text(f"tam znak {sign}")
    expect(resident.locator("#data-zlozenia")).not_to_have_text("—")
    second.check("97-moja-sprawa-przyjeta")
    resident.locator("#przekazanie").get_by_role("link").click()
    expect(resident.locator("h1")).to_have_text(f"Sprawa {sign}")
