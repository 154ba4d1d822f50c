"""A resident who signs the application: downloads the document to sign, signs it (demo PKI, XAdES), uploads the
signed file and gets the UPP; the clerk sees who signed and that the signer is not the applicant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib.signatures import pki
from tests import signing
from tests.browser.conftest import Portal

pytestmark = pytest.mark.browser
OTHER_APPLICANT = "85010112345"  # not the PESEL of the demo PKI's resident, Jan Kowalski


def test_self_signed_application_shows_its_signer_to_the_clerk(portal: Portal, tmp_path: Path) -> None:
    page = portal.page
    portal.sign_in("resident", subject="podpisujacy-jan", back="/wniosek.html?usluga=pismo-ogolne%26jst=1418043")
    page.get_by_label("osoba fizyczna").check()
    page.fill("#f-nadawca-first_name", "Anna")
    page.fill("#f-nadawca-last_name", "Nowak")
    page.fill("#f-nadawca-pesel", OTHER_APPLICANT)
    page.fill("#f-adres-building", "12")
    page.fill("#f-adres-postal_code", "05-500")
    page.fill("#f-adres-city", "Piaseczno")
    page.get_by_label("inne", exact=True).check()
    page.fill("#f-tytul", "Pismo podpisane przez pełnomocnika")
    page.fill("#f-tresc", "Składam pismo w imieniu Anny Nowak.")

    page.get_by_text("Chcesz podpisać wniosek samodzielnie").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz dokument do podpisu").click()
    unsigned = tmp_path / "wniosek.xml"
    download.value.save_as(unsigned)
    demo = pki.load_demo(portal.stack.pki_dir)
    signed = tmp_path / "wniosek-podpisany.xml"
    signed.write_bytes(signing.sign_with_signxml(unsigned.read_bytes(), demo.resident, [demo.intermediate.cert]))
    portal.check("60-wniosek-do-podpisu")

    page.set_input_files("#podpisany", str(signed))
    page.get_by_role("button", name="Złóż podpisany dokument").click()
    expect(page.locator("h1")).to_have_text("Wniosek złożony")
    receipt = re.search(r"UPP-[0-9a-f]{32}", page.locator(".panel").inner_text())
    assert receipt
    token = page.evaluate("() => sessionStorage.getItem('eurzad.token')")
    mine = portal.stack.call("GET", "/v1/me/submissions", headers={"Authorization": f"Bearer {token}"}).body["items"]
    submission = next(s for s in mine if s["receipt_id"] == receipt.group(0))
    assert submission["signed"] is True

    portal.sign_in("clerk", terc="1418043", department="OR", subject="urzednik-or",
                   back=f"/urzednik.html?id={submission['submission_id']}")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Wniosek "))
    expect(page.locator("dl.summary")).to_contain_text("podpisany przez: Jan Kowalski")
    expect(page.locator("#flagi")).to_contain_text("podpisał ktoś inny niż wnioskodawca")
    portal.check("61-urzednik-podpisany")
