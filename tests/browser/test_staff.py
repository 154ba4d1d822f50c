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
PIASECZNO, KONSTANCIN, LESZNOWOLA = "1418043", "1418023", "1418032"
TREES = "zezwolenie-na-usuniecie-drzew"
TREES_NAME = "Zezwolenie na usunięcie drzew lub krzewów"


def bearer(**claims: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(claims)}"}


def registered_application(stack: Stack, terc: str = PIASECZNO, *, subject: str = "") -> dict[str, Any]:
    """A resident's letter (pismo ogólne) submitted through the API and registered by the worker."""
    resident = bearer(role="resident", subject=subject or f"urzad-{uuid.uuid4().hex[:8]}", pesel="44051401359",
                      name="Jan Kowalski")
    data = {"rodzaj_nadawcy": "osoba-fizyczna",
            "nadawca": {"first_name": "Jan", "last_name": "Kowalski", "pesel": "44051401359"},
            "adres": {"building": "5", "postal_code": "05-500", "city": "Piaseczno"},
            "rodzaj_pisma": "zapytanie", "tytul": "Pytanie o godziny pracy", "tresc": "W jakich godzinach działa kasa?"}
    reply = stack.call("POST", f"/v1/tenants/{terc}/services/pismo-ogolne/submissions", {"data": data},
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

    row.get_by_role("link", name=application["case_sign"]).click()  # the case's page, and from it the submission
    expect(page.locator("h1")).to_have_text(f"Sprawa {application['case_sign']}")
    page.get_by_role("link", name="Wniosek: podpis, uwagi i UPP").click()
    expect(page.locator("h1")).to_have_text(f"Wniosek {application['case_sign']}")
    details = page.locator("dl.summary")
    expect(details).to_contain_text(application["receipt_id"])
    expect(details).to_contain_text("złożony bez podpisu wnioskodawcy")
    expect(page.locator("#flagi")).to_have_text("brak")
    portal.check("21-urzednik-wniosek")
    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz UPP").click()
    assert download.value.suggested_filename == f"{application['receipt_id']}.xml"


def test_clerk_pages_through_the_inbox_newest_first(portal: Portal) -> None:
    signs = [registered_application(portal.stack, LESZNOWOLA)["case_sign"] for _ in range(12)]
    page = portal.page
    portal.sign_in("clerk", terc=LESZNOWOLA, subject="kancelaria-lesznowola")  # no department: chooses one
    page.fill("#komorka", "OR")
    page.get_by_role("button", name="Pokaż skrzynkę").click()
    expect(page.get_by_role("status")).to_contain_text("Komórka OR: strona 1, spraw na stronie: 10")
    first = page.locator("tbody tr td:first-child").all_inner_texts()
    assert first[:10] == signs[::-1][:10]  # the newest first
    page.get_by_role("button", name="Następna strona").click()
    expect(page.get_by_role("status")).to_contain_text("Komórka OR: strona 2")
    second = page.locator("tbody tr td:first-child").all_inner_texts()
    assert second[:2] == signs[::-1][10:12]
    portal.check("22-urzednik-strona-2")
    page.get_by_role("button", name="Poprzednia strona").click()
    expect(page.get_by_role("status")).to_contain_text("strona 1")
    assert page.locator("tbody tr td:first-child").all_inner_texts() == first


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
        expect(page.locator("#start")).to_have_text("Wybierz urząd, aby złożyć wniosek.")  # the offers are known
        expect(page.locator("fieldset")).to_contain_text("Gmina Piaseczno (")
        expect(page.locator("fieldset")).not_to_contain_text("Gmina Konstancin-Jeziorna (")
    finally:
        portal.stack.call("PUT", f"/v1/tenants/{KONSTANCIN}/services/{TREES}/settings", {"enabled": True},
                          bearer(role="tenant-admin", subject="admin-konstancin", terc=KONSTANCIN))


def test_admin_sets_a_fee_that_residents_see(portal: Portal) -> None:
    page = portal.page
    portal.sign_in("tenant-admin", terc=KONSTANCIN, subject="admin-konstancin")
    try:
        page.locator("#pismo-ogolne-oplata").fill("12,50")
        page.locator("#pismo-ogolne-komorka").select_option("OR")
        page.locator("#pismo-ogolne-zapisz").click()
        expect(page.locator("#komunikat")).to_contain_text("Zapisano: Pismo ogólne do urzędu")
        expect(page.locator("#pismo-ogolne-oplata")).to_have_value("12.50")
        page.get_by_role("button", name="Wyloguj").click()
        portal.open(f"usluga.html?id=pismo-ogolne&jst={KONSTANCIN}")
        expect(page.locator("#szczegoly")).to_contain_text("12,50 zł")
    finally:
        portal.stack.call("PUT", f"/v1/tenants/{KONSTANCIN}/services/pismo-ogolne/settings",
                          {"fee": None, "department": None},
                          bearer(role="tenant-admin", subject="admin-konstancin", terc=KONSTANCIN))
