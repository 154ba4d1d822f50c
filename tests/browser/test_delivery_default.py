"""The party's ADE from the e-wniosek on the case pages in the browser: the clerk sees it on the case and the send
form comes prefilled with it; the resident is told the office delivers there. axe on each."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Portal, new_portal
from tests.browser.test_delivery import DECISION
from tests.browser.test_staff import PIASECZNO, bearer
from tests.e2e.conftest import Stack, eventually

pytestmark = pytest.mark.browser
CLERK = "urzednik-ade-or"
PARTY_ADE = "AE:PL-51234-56789-KOWAL-07"


@pytest.fixture
def second(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def application_with_ade(stack: Stack, subject: str) -> dict[str, Any]:
    """A resident's pismo ogólne giving their ADE, submitted through the API and registered by the worker."""
    resident = bearer(role="resident", subject=subject, pesel="44051401359", name="Jan Kowalski")
    data = {"rodzaj_nadawcy": "osoba-fizyczna",
            "nadawca": {"first_name": "Jan", "last_name": "Kowalski", "pesel": "44051401359"},
            "adres": {"building": "5", "postal_code": "05-500", "city": "Piaseczno"},
            "adres_do_doreczen": PARTY_ADE,
            "rodzaj_pisma": "zapytanie", "tytul": "Pytanie o decyzję", "tresc": "Proszę o decyzję w sprawie."}
    reply = stack.call("POST", f"/v1/tenants/{PIASECZNO}/services/pismo-ogolne/submissions", {"data": data},
                       {**resident, "Idempotency-Key": f"ade-{uuid.uuid4().hex}"})
    assert reply.status == 201, reply.body

    def registered() -> Any:
        """the registration worker gave the application its case sign"""
        shown = stack.call("GET", f"/v1/me/submissions/{reply.body['submission_id']}", headers=resident).body
        return shown if shown["case_sign"] else None

    return dict(eventually(registered, timeout=120))


def test_the_send_form_is_prefilled_with_the_ade_the_party_gave_and_the_resident_sees_where_letters_go(
        portal: Portal, second: Portal) -> None:
    owner = f"mieszkaniec-{uuid.uuid4().hex[:8]}"
    application = application_with_ade(portal.stack, owner)
    case_id = application["submission_id"]
    clerk = bearer(role="clerk", subject=CLERK, terc=PIASECZNO, department="OR")
    base = f"/v1/tenants/{PIASECZNO}/cases/{case_id}"
    assert portal.stack.call("POST", f"{base}/assignment", {}, clerk).status == 200
    issued = portal.stack.call("POST", f"{base}/letters", {"kind": "decyzja", "fields": DECISION,
                                                         "signer_position": "Kierownik", "signer_name": "Anna Nowak"},
                               {**clerk, "Idempotency-Key": f"decyzja-{uuid.uuid4().hex}"})
    assert issued.status == 201, issued.body

    # The clerk: the party's ADE among the case's facts, and in the send form without typing it
    office = portal.page
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject=CLERK)
    portal.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    expect(office.locator("#ade-strony")).to_have_text(PARTY_ADE)
    block = office.locator("#doreczenia")
    field = block.get_by_label("Adres do doręczeń elektronicznych strony", exact=False)
    expect(field).to_have_value(PARTY_ADE)
    expect(block).to_contain_text("Podany przez stronę we wniosku")
    portal.check("110-doreczenia-ade-ze-sprawy")

    # The resident: where the office delivers, in words
    second.sign_in("resident", subject=owner)
    page = second.open(f"moja-sprawa.html?id={case_id}")
    expect(page.locator("#doreczenie-na")).to_contain_text(f"Na Twój adres do doręczeń elektronicznych {PARTY_ADE}")
    second.check("111-doreczenia-ade-moja-sprawa")
