"""A case's fee paid online, every step a person takes in the browser: a certificate filed on the form with its
17 zł stamp duty waits for the fee („oczekuje na opłatę”, „Zapłać” in „Moje sprawy”); „Zapłać teraz” on the case's
page goes to the gateway's page (the sandbox Przelewy24): a refused payment comes back with „Spróbuj ponownie”,
„Zapłać” brings the resident back to the case, which moves on by itself once the payment is verified, and its
sealed proof of payment downloads and verifies with xmlsec1; the clerk sees it paid. Where the office takes no
fees online, the clerk records the transfer and the case moves on. axe-core on every new state."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from playwright.sync_api import Browser, expect

from chalicelib.events.topics import PaymentSettled
from chalicelib.signatures import pki
from tests import signing
from tests.browser.conftest import Portal, new_portal
from tests.browser.test_case_path import reload_until
from tests.browser.test_staff import PIASECZNO
from tests.conftest import auth
from tests.e2e.conftest import PREFIX, Stack, eventually
from tests.e2e.test_payments import file_tax_certificate
from tests.formdata import PESEL
from tests.payments_gateway import PaymentsGateway

pytestmark = pytest.mark.browser
SERVICE = "zaswiadczenie-o-powierzchni-gospodarstwa"
LESZNOWOLA = "1418032"  # takes no fees online


@pytest.fixture
def clerk(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def file_certificate(portal: Portal, resident: str) -> None:
    """The resident fills the farm certificate's form (one copy, for a loan: 17 zł due) and submits it."""
    page = portal.page
    portal.sign_in("resident", subject=resident, pesel=PESEL, back=f"/wniosek.html?usluga={SERVICE}%26jst={PIASECZNO}")
    page.select_option("#f-cel", "kredyt")
    page.fill("#f-liczba_egzemplarzy", "1")
    page.fill("#f-wnioskodawca-first_name", "Jan")
    page.fill("#f-wnioskodawca-last_name", "Kowalski")
    page.fill("#f-wnioskodawca-pesel", PESEL)
    page.fill("#f-adres-building", "5")
    page.fill("#f-adres-postal_code", "05-500")
    page.fill("#f-adres-city", "Piaseczno")
    page.get_by_label("w hektarach fizycznych i przeliczeniowych").check()
    page.get_by_label("elektronicznie", exact=True).check()
    expect(page.locator("#oplata-kwota")).to_contain_text("Opłata: 17,00 zł")
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.locator("#oplata-nalezna")).to_contain_text("Należna opłata: 17,00 zł")


def moved_on(stack: Stack, gateway: PaymentsGateway, case_id: str, me: dict[str, str]) -> None:
    """The case is registered once the payment is verified (the gateway's notification, or the payer's return)."""
    for _ in range(60):
        try:
            if stack.call("GET", f"/v1/me/cases/{case_id}", headers=me).body["status"] == "zarejestrowana":
                return
        except OSError:  # a timeout: the emulator busy on two shared cores, ask again
            continue
        time.sleep(2)
    payment = stack.call("GET", f"/v1/me/cases/{case_id}/payment", headers=me).body
    raise AssertionError(f"not moved on: payment {payment}; gateway {gateway.transactions()[-2:]}")


def test_the_resident_pays_the_fee_and_the_case_moves_on(portal: Portal, clerk: Portal, stack: Stack,
                                                        payments_gateway: PaymentsGateway, tmp_path: Path) -> None:
    page = portal.page
    resident = f"oplata-{uuid.uuid4().hex[:8]}"
    file_certificate(portal, resident)

    # Once registered, "Moje sprawy" shows the case awaiting its fee, with "Zapłać".
    portal.open("moje.html")
    pay_link = page.get_by_role("link", name=re.compile(r"^Zapłać 17,00 zł za sprawę"))
    for _ in range(60):
        if pay_link.count():
            break
        page.wait_for_timeout(2000)
        page.reload()
        page.locator("#sprawy").wait_for()
    expect(page.locator("main")).to_contain_text("oczekuje na opłatę")
    expect(page.locator("main")).to_contain_text("Opłata do zapłaty: 17,00 zł.")
    portal.check("90-oplata-moje-sprawy")

    # The case's page: the fee, why it waits, and "Zapłać teraz" once the payment order is open.
    pay_link.click()
    expect(page.locator("#stan")).to_have_text("oczekuje na opłatę")
    case_id = page.url.split("id=")[1].split("#")[0]
    expect(page.locator("#oplata-dane")).to_contain_text("17,00 zł")
    expect(page.locator("#oplata-stan")).to_have_text("należna")
    expect(page.locator("#termin-kpa")).to_contain_text("wstrzymany od")
    pay_now = page.get_by_role("button", name="Zapłać teraz")
    for _ in range(30):  # the payments worker opens the order a moment after the registration
        if pay_now.count():
            break
        page.wait_for_timeout(2000)
        page.reload()
        page.locator("#oplata-blok").wait_for()
    portal.check("91-oplata-sprawa-nalezna")
    case_url = page.url

    # The gateway's page: the bank refuses; back on the case, the failure in words and "Spróbuj ponownie".
    pay_now.click()
    page.wait_for_url(lambda url: not url.startswith(case_url.split("?")[0]))
    expect(page.locator("body")).to_contain_text("17,00")
    page.get_by_role("button", name="Odrzuć płatność").click()
    page.wait_for_url(lambda url: "moja-sprawa.html" in url)
    expect(page.locator("#platnosc-stan")).to_contain_text("Płatność nie powiodła się")
    portal.check("92-oplata-nieudana")

    # Again: "Zapłać" on the gateway's page brings the resident back to the case.
    page.get_by_role("button", name="Spróbuj ponownie").click()
    page.wait_for_url(lambda url: "moja-sprawa.html" not in url)
    page.get_by_role("button", name="Zapłać", exact=True).click()
    page.wait_for_url(lambda url: "moja-sprawa.html" in url)

    # Back on the case: paid, and once the payment is verified the case moves on by itself.
    moved_on(stack, payments_gateway, case_id, auth("resident", subject=resident, pesel=PESEL))
    reload_until(page, "#stan", "zarejestrowana")
    expect(page.locator("#oplata-stan")).to_have_text("opłacona")
    expect(page.locator("#platnosc-stan")).to_contain_text("Opłacono")
    expect(page.locator("#lista-etapow")).to_contain_text("opłata została zaksięgowana")
    expect(page.locator("#termin-kpa")).to_contain_text("biegnie")
    portal.check("93-oplata-sprawa-oplacona")

    # The sealed proof of payment, downloaded from the case's page: xmlsec1 verifies it with the region's root
    # alone, and not after one changed byte.
    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz potwierdzenie wpłaty").click()
    assert download.value.suggested_filename == f"potwierdzenie-wplaty-{case_id}.xml"
    proof = Path(download.value.path()).read_bytes()
    root_pem = pki.load_demo(stack.pki_dir).root.cert_pem()
    checked = signing.xmlsec1_as_clerk(proof, root_pem, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert b"17.00" in proof and PIASECZNO.encode() in proof
    assert signing.xmlsec1_as_clerk(proof.replace(b"17.00", b"17.01", 1), root_pem, tmp_path).returncode != 0
    expect(page.locator("#oplata-blok .status")).to_contain_text("Pobrano potwierdzenie wpłaty")
    portal.check("93-oplata-potwierdzenie")

    # The clerk sees the case paid, with the system's entry in the history.
    clerk.sign_in("clerk", terc=PIASECZNO, department="FN", subject="urzednik-oplaty")
    clerk.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    office = clerk.page
    expect(office.locator("#stan")).to_have_text("zarejestrowana")
    expect(office.locator("#oplata-stan")).to_have_text("opłacona")
    expect(office.locator("main")).to_contain_text("Opłata zaksięgowana: 17,00 zł")
    clerk.check("94-oplata-sprawa-urzednik")


def test_where_the_office_takes_no_fees_online_the_clerk_records_the_transfer(portal: Portal, clerk: Portal,
                                                                              stack: Stack) -> None:
    # Given a certificate filed with Lesznowola, which takes no fees online (21 zł owed)
    resident = f"przelew-{uuid.uuid4().hex[:8]}"
    case_id = file_tax_certificate(stack, resident, LESZNOWOLA)
    # When the resident opens the case once it is registered
    portal.sign_in("resident", subject=resident, pesel=PESEL, back=f"/moja-sprawa.html?id={case_id}")
    page = portal.page
    reload_until(page, "#stan", "oczekuje na opłatę")
    # Then the fee block says to pay by transfer to the office's account, naming the case's sign; no "Zapłać teraz"
    expect(page.locator("#platnosc-stan")).to_contain_text("nie przyjmuje opłat online")
    expect(page.locator("#platnosc-stan")).to_contain_text(re.compile(r"\d{2}( ?\d{4}){6}"))
    expect(page.get_by_role("button", name="Zapłać teraz")).to_have_count(0)
    portal.check("95-oplata-przelew")
    # When the transfer comes and the clerk records it on the case's page (first without its reference)
    clerk.sign_in("clerk", terc=LESZNOWOLA, subject="urzednik-kasa")
    office = clerk.open(f"sprawa.html?jst={LESZNOWOLA}&id={case_id}")
    expect(office.locator("#wplata-kwota")).to_have_value("21,00")
    office.get_by_label("Przelewem na rachunek urzędu").check()
    office.get_by_role("button", name="Zapisz wpłatę").click()
    expect(office.locator(".error-summary")).to_contain_text("Podaj tytuł lub identyfikator przelewu")
    clerk.check("99-oplata-wplata-blad")
    office.fill("#wplata-tytul", "Opłata skarbowa, przelew 2026/12/01")
    office.get_by_role("button", name="Zapisz wpłatę").click()
    # Then the case moves on as after an online payment, and the resident sees the fee paid
    expect(office.locator("#stan")).to_have_text("zarejestrowana")
    expect(office.locator("#oplata-stan")).to_have_text("opłacona")
    expect(office.locator("#oplata-sposob")).to_contain_text("przelewem na rachunek urzędu")
    expect(office.locator("main")).to_contain_text("Opłata zaksięgowana (przelewem na rachunek urzędu): 21,00 zł")
    expect(office.locator("#wplata-form")).to_have_count(0)
    clerk.check("99-oplata-wplata-zapisana")
    page.reload()
    expect(page.locator("#stan")).to_have_text("zarejestrowana")
    expect(page.locator("#oplata-stan")).to_have_text("opłacona")
    expect(page.locator("#platnosc-stan")).to_contain_text("21,00 zł wpłacono przelewem na rachunek urzędu")
    portal.check("99-oplata-przelew-zapisany")


def test_an_unpaid_fee_is_shown_to_the_resident_and_flagged_in_the_clerks_inbox(portal: Portal, clerk: Portal,
                                                                                stack: Stack) -> None:
    # Given a certificate filed with Piaseczno, registered awaiting its 21 zł, whose order then expired unpaid
    resident = f"wygasla-{uuid.uuid4().hex[:8]}"
    case_id = file_tax_certificate(stack, resident, PIASECZNO)
    me = auth("resident", subject=resident, pesel=PESEL)
    eventually(lambda: stack.call("GET", f"/v1/me/cases/{case_id}", headers=me).status == 200 or None)
    expired = PaymentSettled(terc=PIASECZNO, case_id=case_id, order_id=case_id, status="wygasle", amount=0,
                             at=datetime.now(UTC))
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=f"{PREFIX}-payment-settlements")["QueueUrl"],
                     MessageBody=expired.model_dump_json())
    # The resident: the fee not paid in time, the summons to come, no way to pay any more
    portal.sign_in("resident", subject=resident, pesel=PESEL, back=f"/moja-sprawa.html?id={case_id}")
    page = portal.page
    reload_until(page, "#oplata-stan", "nieopłacona w terminie")
    expect(page.locator("#platnosc-stan")).to_contain_text("Termin płatności minął")
    expect(page.get_by_role("button", name="Zapłać teraz")).to_have_count(0)
    expect(page.locator("#lista-etapow")).to_contain_text("opłata nie została uiszczona w terminie")
    portal.check("96-oplata-wygasla")
    # The clerk: the inbox filtered by fees not paid in time marks the row; the case says to summon
    clerk.sign_in("clerk", terc=PIASECZNO, department="FN", subject="urzednik-oplaty")
    office = clerk.page
    office.select_option("#filtr", "nieoplacone")
    office.get_by_role("button", name="Filtruj").click()
    row = office.locator("tbody tr", has=office.locator(f"a[href*='{case_id}']"))
    expect(row).to_contain_text("Opłata nieuiszczona")
    expect(office.locator("main")).not_to_contain_text("null")  # no paging buttons: nothing in their place
    clerk.check("97-oplata-skrzynka-nieoplacone")
    clerk.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    expect(office.locator("#oplata-stan")).to_have_text("nieopłacona w terminie")
    expect(office.locator("main")).to_contain_text("Wezwij stronę do jej uiszczenia w terminie 7 dni")
    clerk.check("98-oplata-sprawa-nieoplacona")
