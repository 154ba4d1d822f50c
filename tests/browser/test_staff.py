"""The office in the browser: a clerk finds a resident's application in the department's inbox and opens it;
a JST administrator disables a service and it disappears from the residents' catalogue."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from infrastructure.web import mint_token
from tests.browser.conftest import Portal
from tests.e2e.conftest import Stack, eventually

pytestmark = pytest.mark.browser
PIASECZNO, KONSTANCIN = "1418043", "1418023"
TREES = "zezwolenie-na-usuniecie-drzew"
TREES_NAME = "Zezwolenie na usunięcie drzew lub krzewów"


def bearer(**claims: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(claims)}"}


def registered_application(stack: Stack) -> dict[str, Any]:
    """A resident's letter (pismo ogólne) submitted through the API and registered by the worker."""
    resident = bearer(role="resident", subject=f"urzad-{uuid.uuid4().hex[:8]}", pesel="44051401359",
                      name="Jan Kowalski")
    data = {"rodzaj_nadawcy": "osoba-fizyczna",
            "nadawca": {"first_name": "Jan", "last_name": "Kowalski", "pesel": "44051401359"},
            "adres": {"building": "5", "postal_code": "05-500", "city": "Piaseczno"},
            "rodzaj_pisma": "zapytanie", "tytul": "Pytanie o godziny pracy", "tresc": "W jakich godzinach działa kasa?"}
    reply = stack.call("POST", f"/v1/tenants/{PIASECZNO}/services/pismo-ogolne/submissions", {"data": data},
                       {**resident, "Idempotency-Key": f"urzad-{uuid.uuid4().hex}"})
    assert reply.status == 201, reply.body

    def registered() -> Any:
        """the registration worker gave the application its case sign"""
        shown = stack.call("GET", f"/v1/me/submissions/{reply.body['submission_id']}", headers=resident).body
        return shown if shown["case_sign"] else None

    return dict(eventually(registered, timeout=120))


def test_clerk_sees_the_application_in_the_departments_inbox(portal: Portal) -> None:
    application = registered_application(portal.stack)
    page = portal.page
    portal.sign_in("clerk", terc=PIASECZNO, department="OR", subject="urzednik-or")
    expect(page).to_have_url(re.compile(r"urzednik\.html$"))
    expect(page.locator("main")).to_contain_text("Twoja komórka: OR")
    row = page.locator("tbody tr").first  # newest first: the one just registered
    expect(row).to_contain_text(application["case_sign"])
    expect(row).to_contain_text("Pismo ogólne do urzędu")
    portal.check("20-urzednik-skrzynka")

    row.get_by_role("link", name=application["case_sign"]).click()
    expect(page.locator("h1")).to_have_text(f"Wniosek {application['case_sign']}")
    details = page.locator("dl.summary")
    expect(details).to_contain_text(application["receipt_id"])
    expect(details).to_contain_text("złożony bez podpisu wnioskodawcy")
    expect(page.locator("#flagi")).to_have_text("brak")
    portal.check("21-urzednik-wniosek")
    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz UPP").click()
    assert download.value.suggested_filename == f"{application['receipt_id']}.xml"


def test_admin_disables_a_service_and_residents_no_longer_see_it(portal: Portal) -> None:
    page = portal.page
    portal.open(f"index.html?jst={KONSTANCIN}")
    expect(page.locator("#uslugi")).to_contain_text(TREES_NAME)

    portal.sign_in("tenant-admin", terc=KONSTANCIN, subject="admin-konstancin")
    expect(page.locator("h1")).to_have_text("Ustawienia usług – Gmina Konstancin-Jeziorna")
    expect(page.locator("table")).to_contain_text("wczytano konfigurację")
    portal.check("30-admin")
    try:
        page.get_by_label("Usługa dostępna dla mieszkańców").and_(page.locator(f"#{TREES}-wlaczona")).uncheck()
        page.locator(f"#{TREES}-zapisz").click()
        expect(page.locator("#komunikat")).to_contain_text(f"Zapisano: {TREES_NAME} – wyłączona.")
        expect(page.locator("table tbody tr").first).to_contain_text(f"{TREES}: wyłączono usługę")
        expect(page.get_by_role("form", name=TREES_NAME)).to_contain_text("wyłączona")
        portal.check("31-admin-zapisano")

        page.get_by_role("button", name="Wyloguj").click()
        portal.open(f"index.html?jst={KONSTANCIN}")
        expect(page.locator("#liczba")).to_contain_text("Znaleziono")
        expect(page.locator("#uslugi")).not_to_contain_text(TREES_NAME)
        portal.open(f"usluga.html?id={TREES}")
        expect(page.locator("#start")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Gmina Konstancin-Jeziorna (")
    finally:
        portal.stack.call("PUT", f"/v1/tenants/{KONSTANCIN}/services/{TREES}/settings", {"enabled": True},
                          bearer(role="tenant-admin", subject="admin-konstancin", terc=KONSTANCIN))
