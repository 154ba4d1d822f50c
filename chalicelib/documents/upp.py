"""The official receipt of a submission: UPP (urzędowe poświadczenie przedłożenia), ePUAP style.

What the law asks of it (ustawa o informatyzacji, art. 3 pkt 20): the full name of the public body, the date
and time the document entered its system and the date and time the receipt was made, bound to the document so
that a change of either is detectable. Here: the document's SHA-256 is in the receipt and the office seals
the receipt (XAdES enveloped, `OfficeSeal`), so changing the document or the receipt breaks the proof.

Layout, in the ePUAP UPO namespace `http://crd.gov.pl/xml/schematy/UPO/2008/05/09/` (names and order as
ePUAP's UPO stylesheet and client libraries read them)::

    Dokument
      UPP
        NazwaPoswiadczenia                         "Urzędowe poświadczenie przedłożenia"
        IdentyfikatorPoswiadczenia
        Adresat/Nazwa, IdentyfikatorPodmiotu@TypIdentyfikatora (TERC, skrytka ePUAP, ADE), Adres
        Nadawca/Nazwa, IdentyfikatorPodmiotu@TypIdentyfikatora (PESEL, NIP, or IdKonta: the platform account)
        DataDoreczenia                             xsd:dateTime with the Europe/Warsaw offset
        DataWytworzeniaPoswiadczenia
        IdentyfikatorDokumentu
        InformacjaUzupelniajaca@TypInformacjiUzupelniajacej
      Dokument                                     the document the receipt is for
        NazwaPliku
        SkrotDokumentu@AlgorytmSkrotu              base64 SHA-256 of the document's bytes as stored
      ds:Signature                                 the office's seal (added by OfficeSeal.seal)

Deviation: ePUAP's own UPP carries the whole submitted document inside; ours carries its digest (the
document is kept by the office's system and can be large), which binds it just as well.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from chalicelib.core.clock import WARSAW
from chalicelib.documents.epuap import SHA256, DocumentError
from chalicelib.signatures.xmlsafe import UnreadableDocument, parse_untrusted

UPO = "http://crd.gov.pl/xml/schematy/UPO/2008/05/09/"
NAME = "Urzędowe poświadczenie przedłożenia"
INFORMATION_TYPE = "Informacja"
MAX_RECEIPT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Receipt:
    receipt_id: str
    office_name: str
    office_id: str
    office_id_type: str
    office_address: str | None
    sender_name: str
    sender_id: str
    sender_id_type: str
    delivered_at: datetime
    issued_at: datetime
    document_id: str
    document_filename: str
    document_sha256: bytes
    information: str


def default_information(service_name: str, office_name: str) -> str:
    return (f"Dokument złożony w ramach usługi „{service_name}” został przyjęty i zapisany w systemie "
            f"teleinformatycznym organu: {office_name}.")


def _q(name: str) -> str:
    return f"{{{UPO}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, _q(name), attrib)
    if text is not None:
        element.text = text
    return element


def _timestamp(value: datetime, label: str) -> str:
    if value.tzinfo is None:
        raise ValueError(f"{label} must be timezone-aware")
    return value.astimezone(WARSAW).isoformat()


def build(receipt: Receipt) -> etree._Element:
    """The unsigned UPP; the caller seals it (`OfficeSeal.seal`) and keeps the sealed bytes as the proof."""
    if len(receipt.document_sha256) != 32:
        raise ValueError("document_sha256 must be a SHA-256 digest (32 bytes)")
    root = etree.Element(_q("Dokument"), nsmap={"pos": UPO})
    upp = _sub(root, "UPP")
    _sub(upp, "NazwaPoswiadczenia", NAME)
    _sub(upp, "IdentyfikatorPoswiadczenia", receipt.receipt_id)
    adresat = _sub(upp, "Adresat")
    _sub(adresat, "Nazwa", receipt.office_name)
    _sub(adresat, "IdentyfikatorPodmiotu", receipt.office_id, TypIdentyfikatora=receipt.office_id_type)
    if receipt.office_address:
        _sub(adresat, "Adres", receipt.office_address)
    nadawca = _sub(upp, "Nadawca")
    _sub(nadawca, "Nazwa", receipt.sender_name)
    _sub(nadawca, "IdentyfikatorPodmiotu", receipt.sender_id, TypIdentyfikatora=receipt.sender_id_type)
    _sub(upp, "DataDoreczenia", _timestamp(receipt.delivered_at, "delivered_at"))
    _sub(upp, "DataWytworzeniaPoswiadczenia", _timestamp(receipt.issued_at, "issued_at"))
    _sub(upp, "IdentyfikatorDokumentu", receipt.document_id)
    _sub(upp, "InformacjaUzupelniajaca", receipt.information, TypInformacjiUzupelniajacej=INFORMATION_TYPE)
    dokument = _sub(root, "Dokument")
    _sub(dokument, "NazwaPliku", receipt.document_filename)
    _sub(dokument, "SkrotDokumentu", base64.b64encode(receipt.document_sha256).decode("ascii"),
         AlgorytmSkrotu=SHA256)
    return root


def read(xml: bytes) -> Receipt:
    """The receipt's data from a (sealed) UPP. The signature is not checked here: verify it first."""
    try:
        root = parse_untrusted(xml, max_bytes=MAX_RECEIPT_BYTES).getroot()
    except UnreadableDocument as exc:
        raise DocumentError("receipt_unreadable", exc.message) from None
    if root.tag != _q("Dokument"):
        raise DocumentError("receipt_invalid", "To nie jest urzędowe poświadczenie przedłożenia (UPP).")
    upp = _child(root, "UPP")
    adresat, nadawca, dokument = _child(upp, "Adresat"), _child(upp, "Nadawca"), _child(root, "Dokument")
    office_id, sender_id = _child(adresat, "IdentyfikatorPodmiotu"), _child(nadawca, "IdentyfikatorPodmiotu")
    digest = _child(dokument, "SkrotDokumentu")
    if digest.get("AlgorytmSkrotu") != SHA256:
        raise DocumentError("receipt_invalid", "Skrót dokumentu w poświadczeniu nie jest skrótem SHA-256.")
    try:
        sha256 = base64.b64decode(_text(digest), validate=True)
    except binascii.Error:
        sha256 = b""
    if len(sha256) != 32:
        raise DocumentError("receipt_invalid", "Skrót dokumentu w poświadczeniu jest nieczytelny.")
    address = adresat.find(_q("Adres"))
    return Receipt(
        receipt_id=_text(_child(upp, "IdentyfikatorPoswiadczenia")),
        office_name=_text(_child(adresat, "Nazwa")),
        office_id=_text(office_id),
        office_id_type=office_id.get("TypIdentyfikatora") or "",
        office_address=_text(address) if address is not None else None,
        sender_name=_text(_child(nadawca, "Nazwa")),
        sender_id=_text(sender_id),
        sender_id_type=sender_id.get("TypIdentyfikatora") or "",
        delivered_at=_datetime(_child(upp, "DataDoreczenia")),
        issued_at=_datetime(_child(upp, "DataWytworzeniaPoswiadczenia")),
        document_id=_text(_child(upp, "IdentyfikatorDokumentu")),
        document_filename=_text(_child(dokument, "NazwaPliku")),
        document_sha256=sha256,
        information=_text(_child(upp, "InformacjaUzupelniajaca")),
    )


def _child(parent: etree._Element, name: str) -> etree._Element:
    found = parent.findall(_q(name))
    if len(found) != 1:
        problem = "nie zawiera" if not found else "zawiera więcej niż jeden"
        raise DocumentError("receipt_invalid", f"Poświadczenie {problem} element {name}.")
    return found[0]


def _text(element: etree._Element) -> str:
    return element.text or ""


def _datetime(element: etree._Element) -> datetime:
    name = etree.QName(element).localname
    try:
        value = datetime.fromisoformat(_text(element))
    except ValueError:
        raise DocumentError("receipt_invalid", f"Element {name} nie zawiera poprawnej daty i godziny.") from None
    if value.tzinfo is None:
        raise DocumentError("receipt_invalid", f"Element {name} nie podaje strefy czasowej.")
    return value
