"""An electronic application rendered the ePUAP way, on the general-letter template ("pismo ogólne").

Layout (element names as in the CRD template `http://crd.gov.pl/wzor/2013/12/12/1410/` and its supporting
schemas, as ePUAP's own stylesheet for that template reads them)::

    wnio:Dokument
      wnio:OpisDokumentu
        meta:Data typDaty="stworzony"/meta:Czas                 when the document was made (Europe/Warsaw)
        meta:Identyfikator typIdentyfikatora="IdDokumentu"/meta:Wartosc
        meta:Identyfikator typIdentyfikatora="idFormularza"/meta:Wartosc     urn:eurzad:formularz:<id>:v<n>
      wnio:DaneDokumentu
        str:Naglowek/str:NazwaDokumentu                          the form's title
        str:Adresaci/meta:Podmiot/inst:Instytucja                the office: NazwaInstytucji, IdInstytucji
                                                                 (InnyIdentyfikator TERC), adr:Adres, adr:Kontakt
        str:Nadawcy/meta:Podmiot/(oso:Osoba | inst:Instytucja)   the sender: IdOsoby/PESEL + names, or
                                                                 NazwaInstytucji + IdInstytucji/NIP, REGON;
                                                                 address and contact from the form
      wnio:TrescDokumentu format="text/xml" kodowanie="XML"
        wnio:Tytul                                               the service's name
        wnio:Informacje/wnio:Informacja*                         "etykieta: wartość", for the reader
        f:Formularz usluga= wersja= jst=                         the form data, for machines (see below)
        str:Zalaczniki/str:Zalacznik*                            the attachments, by reference (see below)

The machine-readable block is in our own namespace `urn:eurzad:formularz:<service-id>:v<version>` (prefix `f`).
Its children mirror the form definition: one element per present field, named by the field, in definition
order; groups nest; person/firm/address values become elements with their sub-keys (`first_name`, `nip`,
`postal_code`, ...). Every leaf is text: checkboxes "true"/"false", numbers, money and dates in their string
form. Each item of a repeatable field is one element carrying `lista="true"`, so `read()` gives back a list
without knowing the definition, also for a single item. `None`, empty lists and empty objects are left out.

Deviations from ePUAP, on purpose:
- ePUAP embeds attachments base64 in `str:DaneZalacznika` (`kodowanie="base64"`). Files here may be 10 MiB
  each, so the document carries a reference instead, in the template's own URI mode (`kodowanie="URI"`, the URI
  `urn:eurzad:zalacznik:<id>` in `str:DaneZalacznika`, the digest as text in `str:OpisZalacznika`) plus
  `f:Odnosnik identyfikator= pole= rozmiar= skrot= algorytm=` with the SHA-256 of the file. Signing the document
  thus binds the attachments' content: a changed file no longer matches the signed digest.
- `f:Formularz` is not part of the 1410 schema; a validator of that XSD would refuse it. The human-readable
  `wnio:Informacje` carry the same data for ePUAP's stylesheet.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from lxml import etree

from chalicelib.core.clock import WARSAW
from chalicelib.documents.epuap import (
    ADR,
    ATTACHMENT_URI_PREFIX,
    INST,
    META,
    OSO,
    SHA256,
    STR,
    WNIO,
    AttachmentRef,
    DocumentError,
    form_namespace,
    q,
    sub,
)
from chalicelib.documents.wniosek_form import readable_lines, write_fields
from chalicelib.documents.wniosek_reader import read
from chalicelib.model.service import FieldType, FormField, ServiceDefinition
from chalicelib.model.tenant import TenantConfig

# The format's vocabulary and the reader are part of this module's interface: callers name `wniosek.read` etc.
__all__ = ["ADR", "INST", "META", "OSO", "SHA256", "STR", "WNIO", "AttachmentRef", "DocumentError", "Sender",
           "SenderLike", "read", "render", "to_bytes"]

class SenderLike(Protocol):
    """Who submits: a person (PESEL) or a firm (NIP, REGON), as the platform identified them."""

    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def pesel(self) -> str | None: ...
    @property
    def nip(self) -> str | None: ...
    @property
    def regon(self) -> str | None: ...


@dataclass(frozen=True)
class Sender:
    kind: Literal["person", "firm"]
    name: str
    pesel: str | None = None
    nip: str | None = None
    regon: str | None = None


# --------------------------------------------------------------------------------------------------------------
# Rendering


def render(*, defn: ServiceDefinition, tenant: TenantConfig, values: dict[str, Any], sender: SenderLike | None,
           attachments: list[AttachmentRef], document_id: str, created_at: datetime) -> etree._Element:
    """The application as a `wnio:Dokument` element, ready to be serialised once (`to_bytes`) and signed.

    `values` is the validated form data keyed by field name; a key the definition does not know is a
    programming error (ValueError), since silently dropping it would leave it out of what the resident signs.
    """
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    f_ns = form_namespace(defn.id, defn.version)
    root = etree.Element(q(WNIO, "Dokument"), nsmap={
        "wnio": WNIO, "meta": META, "str": STR, "oso": OSO, "inst": INST, "adr": ADR, "f": f_ns})

    opis = sub(root, WNIO, "OpisDokumentu")
    data = sub(opis, META, "Data", attrib={"typDaty": "stworzony"})
    sub(data, META, "Czas", created_at.astimezone(WARSAW).isoformat(timespec="seconds"))
    _identifier(opis, "IdDokumentu", document_id)
    _identifier(opis, "idFormularza", f_ns)

    dane = sub(root, WNIO, "DaneDokumentu")
    sub(sub(dane, STR, "Naglowek"), STR, "NazwaDokumentu", defn.form.title)
    _addressee(sub(sub(dane, STR, "Adresaci"), META, "Podmiot"), tenant)
    _sender(dane, defn, values, sender)

    tresc = sub(root, WNIO, "TrescDokumentu", attrib={"format": "text/xml", "kodowanie": "XML"})
    sub(tresc, WNIO, "Tytul", defn.name)
    by_id = {a.attachment_id: a for a in attachments}
    lines = list(readable_lines(defn.form.fields, values, "", by_id))
    if lines:
        informacje = sub(tresc, WNIO, "Informacje")
        for line in lines:
            sub(informacje, WNIO, "Informacja", line)
    form = sub(tresc, f_ns, "Formularz",
                attrib={"usluga": defn.id, "wersja": str(defn.version), "jst": tenant.terc})
    write_fields(form, f_ns, defn.form.fields, values, path="")
    if attachments:
        zalaczniki = sub(tresc, STR, "Zalaczniki")
        for attachment in attachments:
            _attachment(zalaczniki, f_ns, attachment)
    return root


def to_bytes(root: etree._Element) -> bytes:
    """UTF-8 with the XML declaration and no reformatting: the bytes to store, digest and sign, made once."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _identifier(parent: etree._Element, kind: str, value: str) -> None:
    identifier = sub(parent, META, "Identyfikator", attrib={"typIdentyfikatora": kind})
    sub(identifier, META, "Wartosc", value)


def _addressee(podmiot: etree._Element, tenant: TenantConfig) -> None:
    instytucja = sub(podmiot, INST, "Instytucja")
    sub(instytucja, INST, "NazwaInstytucji", tenant.office_name)
    other = sub(sub(instytucja, INST, "IdInstytucji"), INST, "InnyIdentyfikator")
    sub(other, INST, "TypIdentyfikatora", "TERC")
    sub(other, INST, "WartoscIdentyfikatora", tenant.terc)
    _address(instytucja, {"street": tenant.address.street, "building": tenant.address.building,
                          "postal_code": tenant.address.postal_code, "city": tenant.address.city})
    kontakt = sub(instytucja, ADR, "Kontakt")
    sub(kontakt, ADR, "Telefon", tenant.contact.phone)
    sub(kontakt, ADR, "Email", tenant.contact.email)
    sub(kontakt, ADR, "InnyKontakt", f"Adres do doręczeń elektronicznych: {tenant.edelivery_address}")
    if tenant.contact.epuap_box:
        sub(kontakt, ADR, "InnyKontakt", f"Skrytka ePUAP: {tenant.contact.epuap_box}")


def _address(parent: etree._Element, address: Mapping[str, Any]) -> None:
    adres = sub(parent, ADR, "Adres")
    for key, tag in (("postal_code", "KodPocztowy"), ("city", "Miejscowosc"), ("street", "Ulica"),
                     ("building", "Budynek"), ("flat", "Lokal")):
        value = address.get(key)
        if value not in (None, ""):
            sub(adres, ADR, tag, str(value))


def _contact(parent: etree._Element, email: str | None, phone: str | None) -> None:
    if not (email or phone):
        return
    kontakt = sub(parent, ADR, "Kontakt")
    if phone:
        sub(kontakt, ADR, "Telefon", phone)
    if email:
        sub(kontakt, ADR, "Email", email)


@dataclass(frozen=True)
class _Identity:
    kind: str
    name: str = ""  # a firm's name
    first: str = ""
    middle: str | None = None
    last: str = ""
    pesel: str | None = None
    nip: str | None = None
    regon: str | None = None


def _identity(sender: SenderLike | None, persons: list[Mapping[str, Any]],
              firms: list[Mapping[str, Any]]) -> _Identity | None:
    """Who `str:Nadawcy` names: the identified sender (names from the form's matching person when the PESEL
    agrees), or, before anyone signed in, the first person or firm of the form."""
    def from_form(person: Mapping[str, Any], pesel: str | None) -> _Identity:
        return _Identity("person", first=str(person.get("first_name") or ""),
                         last=str(person.get("last_name") or ""), pesel=pesel)

    if sender is None:
        if persons:
            return from_form(persons[0], str(persons[0].get("pesel") or "") or None)
        if firms:
            firm = firms[0]
            return _Identity("firm", name=str(firm.get("name") or ""), nip=str(firm.get("nip") or "") or None,
                             regon=str(firm.get("regon") or "") or None)
        return None
    if sender.kind == "person":
        match = next((p for p in persons if sender.pesel and p.get("pesel") == sender.pesel), None)
        if match is not None:
            return from_form(match, sender.pesel)
        first, middle, last = _split_name(sender.name)
        return _Identity("person", first=first, middle=middle, last=last, pesel=sender.pesel)
    return _Identity("firm", name=sender.name, nip=sender.nip, regon=sender.regon)


def _sender(dane: etree._Element, defn: ServiceDefinition, values: Mapping[str, Any],
            sender: SenderLike | None) -> None:
    fields = list(_walk(defn.form.fields, values))
    identity = _identity(sender, _all_of(fields, FieldType.PERSON), _all_of(fields, FieldType.FIRM))
    if identity is None:
        return
    address = next(iter(_all_of(fields, FieldType.ADDRESS)), None)
    email = next((v for f, v in fields if f.type is FieldType.EMAIL and isinstance(v, str) and v), None)
    phone = next((v for f, v in fields if f.type is FieldType.PHONE and isinstance(v, str) and v), None)

    podmiot = sub(sub(dane, STR, "Nadawcy"), META, "Podmiot")
    holder = _person(podmiot, identity) if identity.kind == "person" else _firm(podmiot, identity)
    if address is not None:
        _address(holder, address)
    _contact(holder, email, phone)


def _all_of(fields: list[tuple[FormField, Any]], kind: FieldType) -> list[Mapping[str, Any]]:
    """The values of every structured field of this type (person, firm, address), in form order."""
    return [v for f, v in fields if f.type is kind and isinstance(v, Mapping)]


def _person(podmiot: etree._Element, identity: _Identity) -> etree._Element:
    holder = sub(podmiot, OSO, "Osoba")
    if identity.pesel:
        sub(sub(holder, OSO, "IdOsoby"), OSO, "PESEL", identity.pesel)
    sub(holder, OSO, "Imie", identity.first)
    if identity.middle:
        sub(holder, OSO, "ImieDrugie", identity.middle)
    sub(holder, OSO, "Nazwisko", identity.last, {"rodzajCzlonu": "pierwszy"})
    return holder


def _firm(podmiot: etree._Element, identity: _Identity) -> etree._Element:
    holder = sub(podmiot, INST, "Instytucja")
    sub(holder, INST, "NazwaInstytucji", identity.name)
    if identity.nip or identity.regon:
        ids = sub(holder, INST, "IdInstytucji")
        if identity.nip:
            sub(ids, INST, "NIP", identity.nip)
        if identity.regon:
            sub(ids, INST, "REGON", identity.regon)
    return holder


def _split_name(name: str) -> tuple[str, str | None, str]:
    parts = name.split()
    if not parts:
        return "", None, ""
    if len(parts) == 1:
        return parts[0], None, ""
    return parts[0], " ".join(parts[1:-1]) or None, parts[-1]


def _walk(fields: list[FormField], values: Mapping[str, Any]) -> Iterator[tuple[FormField, Any]]:
    """Every present (field, value) in definition order, into groups and repeated items."""
    for field in fields:
        value = values.get(field.name)
        items = value if field.repeatable and isinstance(value, list) else [value]
        for item in items:
            if item is None:
                continue
            if field.type is FieldType.GROUP and isinstance(item, Mapping):
                yield from _walk(field.fields, item)
            else:
                yield field, item


def _attachment(zalaczniki: etree._Element, f_ns: str, attachment: AttachmentRef) -> None:
    digest = base64.b64encode(attachment.sha256).decode("ascii")
    zalacznik = sub(zalaczniki, STR, "Zalacznik", attrib={
        "format": attachment.content_type, "kodowanie": "URI", "nazwaPliku": attachment.filename})
    sub(zalacznik, STR, "OpisZalacznika", f"SHA-256: {digest}")
    sub(zalacznik, STR, "DaneZalacznika", f"{ATTACHMENT_URI_PREFIX}{attachment.attachment_id}")
    sub(zalacznik, f_ns, "Odnosnik", attrib={
        "identyfikator": attachment.attachment_id, "pole": attachment.field, "rozmiar": str(attachment.size),
        "skrot": digest, "algorytm": SHA256})
