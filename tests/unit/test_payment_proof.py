"""The proof of payment: the office's sealed statement that a fee was paid, readable by independent software.

What matters to the resident and to finance: it names the JST and its account, the payer, the amount in złoty
with grosze, the title with the case sign, when the gateway confirmed it and its transaction id; the office's
seal verifies with plain xmlsec1 and the region's root alone, and one changed byte makes it fail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from chalicelib.documents import payment_proof
from chalicelib.documents.epuap import DocumentError
from chalicelib.signatures.sealing import OfficeSeal
from chalicelib.signatures.trust import TrustStore
from chalicelib.signatures.verifier import Verifier
from tests import signing
from tests.unit.fakes import NOW, demo_pki

PAID = NOW.replace(minute=15, second=30)  # 11:15:30 in Warsaw (CET), inside the demo seal's validity
NS = {"pw": payment_proof.NS}


BASE = payment_proof.PaymentProof(
    proof_id=payment_proof.proof_id("0f" * 16), recipient_name="Gmina Piaseczno", recipient_terc="1418043",
    recipient_account="61109010140000071219812874", payer_name="Jan Kowalski", payer_id="44051401359",
    payer_id_type="PESEL", amount=1700, currency="PLN",
    title=payment_proof.payment_title("Opłata skarbowa za wydanie zaświadczenia", "OS.6131.12.2026"),
    case_sign="OS.6131.12.2026", paid_at=PAID, transaction_id="316423871", operator="Przelewy24",
    issued_at=PAID + dt.timedelta(seconds=40))


def _proof(**changes: Any) -> payment_proof.PaymentProof:
    return replace(BASE, **changes)


def _sealed(proof: payment_proof.PaymentProof) -> bytes:
    demo = demo_pki()
    return OfficeSeal(demo.seal.key_pem(), demo.seal_chain()).seal(payment_proof.build(proof),
                                                                   signing_time=proof.issued_at)


def _text(root: etree._Element, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert isinstance(found, list) and len(found) == 1, path
    element = found[0]
    assert isinstance(element, etree._Element)
    return element.text or ""


def test_layout_names_recipient_account_payer_amount_title_and_transaction() -> None:
    root = payment_proof.build(_proof())

    assert root.tag == f"{{{payment_proof.NS}}}PotwierdzenieWplaty"
    assert payment_proof.NS == "urn:eurzad:potwierdzenie-wplaty:v1"
    assert [etree.QName(el).localname for el in root] == [
        "NazwaPotwierdzenia", "IdentyfikatorPotwierdzenia", "Odbiorca", "Wplacajacy", "Kwota", "Waluta",
        "TytulWplaty", "ZnakSprawy", "DataWplaty", "IdentyfikatorTransakcji", "Operator", "DataWytworzenia"]
    assert _text(root, "pw:NazwaPotwierdzenia") == "Potwierdzenie wpłaty"
    assert _text(root, "pw:IdentyfikatorPotwierdzenia") == "PW-" + "0f" * 16
    assert _text(root, "pw:Odbiorca/pw:Nazwa") == "Gmina Piaseczno"
    assert _text(root, "pw:Odbiorca/pw:NumerRachunku") == "61109010140000071219812874"
    assert _text(root, "pw:Wplacajacy/pw:IdentyfikatorPodmiotu[@TypIdentyfikatora='PESEL']") == "44051401359"
    assert _text(root, "pw:Kwota") == "17.00"
    assert _text(root, "pw:Waluta") == "PLN"
    assert _text(root, "pw:TytulWplaty") == "Opłata skarbowa za wydanie zaświadczenia, sprawa OS.6131.12.2026"
    assert _text(root, "pw:DataWplaty") == "2026-11-23T11:15:30+01:00"
    assert _text(root, "pw:IdentyfikatorTransakcji") == "316423871"
    assert _text(root, "pw:Operator") == "Przelewy24"


@pytest.mark.parametrize(("grosze", "shown"), [(1, "0.01"), (10, "0.10"), (1700, "17.00"), (123456789, "1234567.89")])
def test_amount_is_zloty_with_two_decimals_from_grosze(grosze: int, shown: str) -> None:
    assert payment_proof.zloty(grosze) == shown
    assert payment_proof.read(etree.tostring(payment_proof.build(_proof(amount=grosze)))).amount == grosze


def test_no_proof_of_nothing_paid() -> None:
    with pytest.raises(ValueError):
        payment_proof.build(_proof(amount=0))


def test_sealed_proof_verifies_with_xmlsec1_and_the_regions_root_and_one_changed_byte_fails(tmp_path: Path) -> None:
    demo = demo_pki()
    sealed = _sealed(_proof())
    root_pem = demo.root.cert_pem()

    checked = signing.xmlsec1_as_clerk(sealed, root_pem, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert Verifier(TrustStore.from_pem(root_pem)).verify(sealed).verdict == "valid"

    tampered = signing.change_text(sealed, "<pw:Kwota>17.00<", "<pw:Kwota>17.01<")
    assert signing.xmlsec1_as_clerk(tampered, root_pem, tmp_path).returncode != 0
    assert Verifier(TrustStore.from_pem(root_pem)).verify(tampered).verdict == "invalid"


def test_read_gives_back_the_proof_from_its_sealed_form() -> None:
    proof = _proof(payer_id="anna", payer_id_type="IdKonta")
    again = payment_proof.read(_sealed(proof))
    assert again == proof  # aware datetimes compare by instant, whatever the offset shown


@pytest.mark.parametrize("xml", [b"<not-xml", b"<a/>",
                                 b'<pw:PotwierdzenieWplaty xmlns:pw="urn:eurzad:potwierdzenie-wplaty:v1"/>'])
def test_read_refuses_what_is_not_a_proof(xml: bytes) -> None:
    with pytest.raises(DocumentError):
        payment_proof.read(xml)
