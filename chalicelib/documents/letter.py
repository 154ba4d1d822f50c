"""A letter the office issues (decision, certificate, letter, summons, art. 36 notice), as the ePUAP-style XML
the office seals, with its readable PDF inside.

Layout (the general-letter vocabulary `wniosek` writes, the office now the sender)::

    wnio:Dokument
      wnio:OpisDokumentu
        meta:Data typDaty="wytworzony"/meta:Czas                       when it was made (Europe/Warsaw)
        meta:Identyfikator typIdentyfikatora="IdDokumentu"/meta:Wartosc  the letter's id
        meta:Identyfikator typIdentyfikatora="ZnakSprawy"/meta:Wartosc   the case sign
        meta:Identyfikator typIdentyfikatora="idSzablonu"/meta:Wartosc   urn:eurzad:pismo:<kind>:v<n>
      wnio:DaneDokumentu
        str:Naglowek/str:NazwaDokumentu                                "Decyzja", "Zaświadczenie", ...
        str:Adresaci/meta:Podmiot/oso:Osoba                            the party (Imie, Nazwisko; adr:Adres)
        str:Nadawcy/meta:Podmiot/inst:Instytucja                       the office (name, TERC, address)
      wnio:TrescDokumentu format="text/xml" kodowanie="XML"
        wnio:MiejscowoscDokumentu, wnio:DataDokumentu, wnio:Tytul
        p:Czesc nazwa= tytul=  /p:Akapit*                              each part of the letter, in order
        p:Podpis/p:ImieNazwisko, p:Stanowisko                          who issues it (art. 107 § 1 pkt 8)
        str:Zalaczniki/str:Zalacznik format="application/pdf" nazwaPliku=
          str:DaneZalacznika kodowanie="base64"                        the PDF itself
          str:OpisZalacznika                                           "Wizualizacja … SHA-256 <hex>"
      ds:Signature                                                     the office seal (OfficeSeal.seal)

The PDF travels inside the sealed XML (base64, the template's own embedding) rather than beside it: the sealed
XML is the original the office delivers, and one file that carries its own readable form cannot lose it; a
changed byte of the PDF breaks the seal. A letter's PDF is small (fonts are subset), so the XML grows by
about a third of it. The parts are in our namespace `urn:eurzad:pismo:<kind>:v<n>` (prefix `p`), outside
the 1410 schema, as the application's `f:Formularz` is.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from chalicelib.core.clock import WARSAW
from chalicelib.documents.epuap import ADR, INST, META, OSO, STR, WNIO, q, sub

PISMO_NS_PREFIX = "urn:eurzad:pismo:"


@dataclass(frozen=True)
class Part:
    """One part of a letter: its name (`rozstrzygniecie`, `uzasadnienie`, ...), its heading, its paragraphs."""

    name: str
    heading: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Office:
    name: str
    terc: str
    street: str
    building: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class Party:
    name: str
    address: tuple[str, ...] = ()  # lines, as known (a paper case's applicant gave one)


@dataclass(frozen=True)
class Letter:
    letter_id: str
    kind: str  # the template's kind: decyzja, zaswiadczenie, pismo, wezwanie, zawiadomienie
    version: int  # the template's version
    title: str  # "DECYZJA NR …", "ZAŚWIADCZENIE", ...
    office: Office
    party: Party
    case_sign: str
    place: str
    issued_on: date
    parts: tuple[Part, ...]
    signer_name: str
    signer_position: str

    @property
    def namespace(self) -> str:
        return f"{PISMO_NS_PREFIX}{self.kind}:v{self.version}"

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.case_sign.replace('.', '-')}"


def render(letter: Letter, pdf: bytes, *, made_at: datetime) -> etree._Element:
    """The unsealed letter with `pdf` inside; the caller seals it (`OfficeSeal.seal`) and keeps the sealed bytes."""
    if made_at.tzinfo is None:
        raise ValueError("made_at must be timezone-aware")
    p_ns = letter.namespace
    root = etree.Element(q(WNIO, "Dokument"), nsmap={
        "wnio": WNIO, "meta": META, "str": STR, "oso": OSO, "inst": INST, "adr": ADR, "p": p_ns})
    opis = sub(root, WNIO, "OpisDokumentu")
    sub(sub(opis, META, "Data", attrib={"typDaty": "wytworzony"}), META, "Czas",
        made_at.astimezone(WARSAW).isoformat(timespec="seconds"))
    for kind, value in (("IdDokumentu", letter.letter_id), ("ZnakSprawy", letter.case_sign),
                        ("idSzablonu", p_ns)):
        sub(sub(opis, META, "Identyfikator", attrib={"typIdentyfikatora": kind}), META, "Wartosc", value)

    dane = sub(root, WNIO, "DaneDokumentu")
    sub(sub(dane, STR, "Naglowek"), STR, "NazwaDokumentu", letter.title)
    _party(sub(sub(dane, STR, "Adresaci"), META, "Podmiot"), letter.party)
    _office(sub(sub(dane, STR, "Nadawcy"), META, "Podmiot"), letter.office)

    tresc = sub(root, WNIO, "TrescDokumentu", attrib={"format": "text/xml", "kodowanie": "XML"})
    sub(tresc, WNIO, "MiejscowoscDokumentu", letter.place)
    sub(tresc, WNIO, "DataDokumentu", letter.issued_on.isoformat())
    sub(tresc, WNIO, "Tytul", letter.title)
    for part in letter.parts:
        attrib = {"nazwa": part.name} | ({"tytul": part.heading} if part.heading else {})
        czesc = sub(tresc, p_ns, "Czesc", attrib=attrib)
        for paragraph in part.paragraphs:
            sub(czesc, p_ns, "Akapit", paragraph)
    podpis = sub(tresc, p_ns, "Podpis")
    sub(podpis, p_ns, "ImieNazwisko", letter.signer_name)
    sub(podpis, p_ns, "Stanowisko", letter.signer_position)
    zalacznik = sub(sub(tresc, STR, "Zalaczniki"), STR, "Zalacznik",
                    attrib={"format": "application/pdf", "nazwaPliku": f"{letter.filename}.pdf"})
    sub(zalacznik, STR, "DaneZalacznika", base64.b64encode(pdf).decode("ascii"), attrib={"kodowanie": "base64"})
    sub(zalacznik, STR, "OpisZalacznika",
        f"Wizualizacja pisma (PDF), SHA-256: {hashlib.sha256(pdf).hexdigest()}")
    return root


def embedded_pdf(root: etree._Element) -> bytes:
    """The PDF a (sealed) letter carries."""
    data = root.find(f"{q(WNIO, 'TrescDokumentu')}/{q(STR, 'Zalaczniki')}/{q(STR, 'Zalacznik')}/"
                     f"{q(STR, 'DaneZalacznika')}")
    if data is None or not data.text:
        raise ValueError("the letter carries no PDF")
    return base64.b64decode(data.text)


def _party(podmiot: etree._Element, party: Party) -> None:
    osoba = sub(podmiot, OSO, "Osoba")
    first, _, last = party.name.rpartition(" ")
    sub(osoba, OSO, "Imie", first or last)
    sub(osoba, OSO, "Nazwisko", last)
    if party.address:
        sub(sub(osoba, ADR, "Adres"), ADR, "Ulica", ", ".join(party.address))


def _office(podmiot: etree._Element, office: Office) -> None:
    instytucja = sub(podmiot, INST, "Instytucja")
    sub(instytucja, INST, "NazwaInstytucji", office.name)
    other = sub(sub(instytucja, INST, "IdInstytucji"), INST, "InnyIdentyfikator")
    sub(other, INST, "TypIdentyfikatora", "TERC")
    sub(other, INST, "WartoscIdentyfikatora", office.terc)
    adres = sub(instytucja, ADR, "Adres")
    for tag, value in (("KodPocztowy", office.postal_code), ("Miejscowosc", office.city), ("Ulica", office.street),
                       ("Budynek", office.building)):
        sub(adres, ADR, tag, value)
