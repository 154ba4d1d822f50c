"""The sandbox provider's evidences: dowód wysłania and dowód otrzymania as XML, sealed (XAdES enveloped) with
the provider's key and certificate given at the sandbox's start.

Content per the e-Delivery law: the statement that it is such an evidence, sender and addressee, the sending
time, the integrity data (each document's SHA-256), the evidence's id; a dowód otrzymania adds the time the
message arrived and the receipt time, and states a deemed delivery as such. The real operator issues ETSI
EN 319 522 evidences; this XML (our own namespace) carries the same facts and is not that format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from lxml import etree

from chalicelib.signatures.sealing import OfficeSeal

NS = "urn:eurzad:piaskownica:e-doreczenia:dowod:1"
SERVICE = "Piaskownica e-Doręczeń platformy e-Urząd (usługa testowa, nie jest usługą kwalifikowaną)"
STATEMENTS = {
    "SENDING": "Potwierdzenie stanowi dowód wysłania w rozumieniu ustawy o doręczeniach elektronicznych.",
    "RECEIPT": "Potwierdzenie stanowi dowód otrzymania w rozumieniu ustawy o doręczeniach elektronicznych.",
    "DEEMED_RECEIPT": ("Potwierdzenie stanowi dowód otrzymania w rozumieniu ustawy o doręczeniach "
                       "elektronicznych. Adresat nie odebrał korespondencji: doręczenie uznaje się za dokonane "
                       "z upływem 14 dni od dnia jej wpływu do skrzynki adresata."),
}
NAMES = {"SENDING": "DowodWyslania", "RECEIPT": "DowodOtrzymania", "DEEMED_RECEIPT": "DowodOtrzymania"}


@dataclass(frozen=True)
class Party:
    address: str
    name: str


@dataclass(frozen=True)
class Facts:
    """What an evidence states about one message."""

    message_id: str
    subject: str
    sender: Party
    recipient: Party
    sent_at: dt.datetime
    documents: tuple[tuple[str, str, bytes], ...]  # name, media type, content
    arrived_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _party(parent: etree._Element, name: str, party: Party) -> None:
    element = _sub(parent, name)
    _sub(element, "AdresDoDoreczenElektronicznych", party.address)
    _sub(element, "Nazwa", party.name)


def document(kind: str, evidence_id: str, facts: Facts, issued_at: dt.datetime) -> etree._Element:
    """The evidence's XML before sealing; `kind` is SENDING, RECEIPT or DEEMED_RECEIPT."""
    root = etree.Element(f"{{{NS}}}{NAMES[kind]}", nsmap={None: NS})  # type: ignore[dict-item]
    _sub(root, "Oswiadczenie", STATEMENTS[kind])
    _sub(root, "IdentyfikatorDowodu", evidence_id)
    _sub(root, "IdentyfikatorPrzesylki", facts.message_id)
    _sub(root, "Tytul", facts.subject)
    _party(root, "Nadawca", facts.sender)
    _party(root, "Adresat", facts.recipient)
    _sub(root, "DataNadania", _iso(facts.sent_at))
    if kind != "SENDING":
        assert facts.arrived_at is not None and facts.delivered_at is not None
        _sub(root, "DataWplywuDoSkrzynki", _iso(facts.arrived_at))
        _sub(root, "DataOtrzymania", _iso(facts.delivered_at))
        _sub(root, "DoreczenieUznane", "true" if kind == "DEEMED_RECEIPT" else "false")
    integrity = _sub(root, "DaneIntegralnosci")
    for name, media_type, content in facts.documents:
        _sub(integrity, "Dokument", hashlib.sha256(content).hexdigest(), nazwa=name, typ=media_type,
             algorytm="SHA-256", rozmiar=str(len(content)))
    _sub(root, "DataWystawienia", _iso(issued_at))
    _sub(root, "Usluga", SERVICE)
    return root


def issue(seal: OfficeSeal, kind: str, evidence_id: str, facts: Facts, issued_at: dt.datetime) -> bytes:
    # The seal's SigningTime is when it is really made; the sandbox's own (movable) time is in the content,
    # so a verifier never sees a signing time in the future after a test moved the sandbox's clock.
    return seal.seal(document(kind, evidence_id, facts, issued_at), signing_time=dt.datetime.now(dt.UTC))
