"""The proof of payment (potwierdzenie wpłaty) the office issues once a fee was paid online and verified.

No national schema exists for it, so it is XML in the platform's own namespace
`urn:eurzad:potwierdzenie-wplaty:v1`, with Polish element names in the manner of the UPP. The office seals it
(XAdES enveloped, `OfficeSeal`, the same seal as the UPP), so `xmlsec1 --verify` with the region's root accepts
it and any change of a byte breaks it::

    PotwierdzenieWplaty
      NazwaPotwierdzenia                  "Potwierdzenie wpłaty"
      IdentyfikatorPotwierdzenia          PW-<order id>: one proof per payment order
      Odbiorca/Nazwa, IdentyfikatorPodmiotu@TypIdentyfikatora (TERC), NumerRachunku (NRB of the JST's account)
      Wplacajacy/Nazwa, IdentyfikatorPodmiotu@TypIdentyfikatora (PESEL, or IdKonta: the platform account)
      Kwota                               zł with two decimals and a dot (xsd:decimal), from grosze
      Waluta                              PLN
      TytulWplaty                         the fee's title and the case sign
      ZnakSprawy
      DataWplaty                          when the gateway confirmed the payment (verify), Europe/Warsaw offset
      IdentyfikatorTransakcji             the gateway's id of the transaction (its orderId)
      Operator                            the payment operator, e.g. Przelewy24
      DataWytworzenia                     when this proof was made
      ds:Signature                        the office's seal (added by OfficeSeal.seal)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

from chalicelib.core.clock import WARSAW
from chalicelib.documents.epuap import DocumentError
from chalicelib.signatures.xmlsafe import UnreadableDocument, parse_untrusted

NS = "urn:eurzad:potwierdzenie-wplaty:v1"
NAME = "Potwierdzenie wpłaty"
MAX_PROOF_BYTES = 256 * 1024
FILENAME = "potwierdzenie-wplaty.xml"


@dataclass(frozen=True)
class PaymentProof:
    proof_id: str
    recipient_name: str  # the JST the money went to
    recipient_terc: str
    recipient_account: str  # NRB, 26 digits
    payer_name: str
    payer_id: str
    payer_id_type: str  # PESEL | IdKonta
    amount: int  # grosze
    currency: str
    title: str
    case_sign: str
    paid_at: datetime
    transaction_id: str
    operator: str
    issued_at: datetime


def proof_id(order_id: str) -> str:
    return f"PW-{order_id}"


def zloty(grosze: int) -> str:
    """Grosze as złoty with two decimals ("17.00"); never through a float."""
    return f"{Decimal(grosze) / 100:.2f}"


def payment_title(fee_title: str, case_sign: str) -> str:
    return f"{fee_title}, sprawa {case_sign}"


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, _q(name), attrib)
    if text is not None:
        element.text = text
    return element


def _timestamp(value: datetime, label: str) -> str:
    if value.tzinfo is None:
        raise ValueError(f"{label} must be timezone-aware")
    return value.astimezone(WARSAW).replace(microsecond=0).isoformat()


def build(proof: PaymentProof) -> etree._Element:
    """The unsigned proof; the caller seals it (`OfficeSeal.seal`) and keeps the sealed bytes as the document."""
    if proof.amount <= 0:
        raise ValueError("a proof of payment needs a positive amount")
    root = etree.Element(_q("PotwierdzenieWplaty"), nsmap={"pw": NS})
    _sub(root, "NazwaPotwierdzenia", NAME)
    _sub(root, "IdentyfikatorPotwierdzenia", proof.proof_id)
    odbiorca = _sub(root, "Odbiorca")
    _sub(odbiorca, "Nazwa", proof.recipient_name)
    _sub(odbiorca, "IdentyfikatorPodmiotu", proof.recipient_terc, TypIdentyfikatora="TERC")
    _sub(odbiorca, "NumerRachunku", proof.recipient_account)
    wplacajacy = _sub(root, "Wplacajacy")
    _sub(wplacajacy, "Nazwa", proof.payer_name)
    _sub(wplacajacy, "IdentyfikatorPodmiotu", proof.payer_id, TypIdentyfikatora=proof.payer_id_type)
    _sub(root, "Kwota", zloty(proof.amount))
    _sub(root, "Waluta", proof.currency)
    _sub(root, "TytulWplaty", proof.title)
    _sub(root, "ZnakSprawy", proof.case_sign)
    _sub(root, "DataWplaty", _timestamp(proof.paid_at, "paid_at"))
    _sub(root, "IdentyfikatorTransakcji", proof.transaction_id)
    _sub(root, "Operator", proof.operator)
    _sub(root, "DataWytworzenia", _timestamp(proof.issued_at, "issued_at"))
    return root


def read(xml: bytes) -> PaymentProof:
    """The proof's data from a (sealed) proof. The seal is not checked here: verify it first."""
    try:
        root = parse_untrusted(xml, max_bytes=MAX_PROOF_BYTES).getroot()
    except UnreadableDocument as exc:
        raise DocumentError("proof_unreadable", exc.message) from None
    if root.tag != _q("PotwierdzenieWplaty"):
        raise DocumentError("proof_invalid", "To nie jest potwierdzenie wpłaty.")
    odbiorca, wplacajacy = _child(root, "Odbiorca"), _child(root, "Wplacajacy")
    payer_id = _child(wplacajacy, "IdentyfikatorPodmiotu")
    return PaymentProof(
        proof_id=_text(root, "IdentyfikatorPotwierdzenia"),
        recipient_name=_text(odbiorca, "Nazwa"),
        recipient_terc=_text(odbiorca, "IdentyfikatorPodmiotu"),
        recipient_account=_text(odbiorca, "NumerRachunku"),
        payer_name=_text(wplacajacy, "Nazwa"),
        payer_id=payer_id.text or "",
        payer_id_type=payer_id.get("TypIdentyfikatora") or "",
        amount=_grosze(_text(root, "Kwota")),
        currency=_text(root, "Waluta"),
        title=_text(root, "TytulWplaty"),
        case_sign=_text(root, "ZnakSprawy"),
        paid_at=_datetime(root, "DataWplaty"),
        transaction_id=_text(root, "IdentyfikatorTransakcji"),
        operator=_text(root, "Operator"),
        issued_at=_datetime(root, "DataWytworzenia"),
    )


def _child(parent: etree._Element, name: str) -> etree._Element:
    found = parent.findall(_q(name))
    if len(found) != 1:
        problem = "nie zawiera" if not found else "zawiera więcej niż jeden"
        raise DocumentError("proof_invalid", f"Potwierdzenie {problem} element {name}.")
    return found[0]


def _text(parent: etree._Element, name: str) -> str:
    return _child(parent, name).text or ""


def _grosze(text: str) -> int:
    whole, _, cents = text.partition(".")
    if not whole.isdigit() or len(cents) != 2 or not cents.isdigit():
        raise DocumentError("proof_invalid", "Kwota w potwierdzeniu nie jest kwotą w złotych z groszami.")
    return int(whole) * 100 + int(cents)


def _datetime(parent: etree._Element, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(_text(parent, name))
    except ValueError:
        raise DocumentError("proof_invalid", f"Element {name} nie zawiera poprawnej daty i godziny.") from None
    if value.tzinfo is None:
        raise DocumentError("proof_invalid", f"Element {name} nie podaje strefy czasowej.")
    return value
