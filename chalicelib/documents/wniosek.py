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
import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from lxml import etree

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import ApiError
from chalicelib.services.catalogue.schemas import FieldType, FormField, ServiceDefinition
from chalicelib.services.tenants.schemas import TenantConfig

WNIO = "http://crd.gov.pl/wzor/2013/12/12/1410/"
META = "http://crd.gov.pl/xml/schematy/meta/2009/11/16/"
STR = "http://crd.gov.pl/xml/schematy/struktura/2009/11/16/"
OSO = "http://crd.gov.pl/xml/schematy/osoba/2009/11/16/"
INST = "http://crd.gov.pl/xml/schematy/instytucja/2009/11/16/"
ADR = "http://crd.gov.pl/xml/schematy/adres/2009/11/09/"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
FORM_NS_PREFIX = "urn:eurzad:formularz:"
ATTACHMENT_URI_PREFIX = "urn:eurzad:zalacznik:"

_FORM_NS = re.compile(r"^urn:eurzad:formularz:([a-z0-9]+(?:-[a-z0-9]+)*):v([1-9][0-9]*)$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LIST_ATTRIBUTE = "lista"

# Sub-keys of the compound field types, in the order the form export (JSON schema) lists them.
SUBKEYS: dict[FieldType, tuple[str, ...]] = {
    FieldType.PERSON: ("first_name", "last_name", "pesel"),
    FieldType.FIRM: ("name", "nip", "regon"),
    FieldType.ADDRESS: ("street", "building", "flat", "postal_code", "city", "teryt_simc", "teryt_ulic"),
}


class DocumentError(ApiError):
    """A document that is not what it claims to be (wrong root, missing or malformed form block)."""

    status = 422
    code = "document_invalid"
    message = "Dokument ma nieprawidłową budowę."

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class AttachmentRef:
    attachment_id: str
    field: str
    filename: str
    content_type: str
    size: int
    sha256: bytes


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


@dataclass(frozen=True)
class ReadDocument:
    service: str
    version: int
    terc: str
    values: dict[str, Any]
    attachment_ids: list[str]
    document_id: str | None
    digests: dict[str, str] = dataclasses.field(default_factory=dict)  # attachment id -> the signed SHA-256 (hex)


def form_namespace(service_id: str, version: int) -> str:
    return f"{FORM_NS_PREFIX}{service_id}:v{version}"


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _sub(parent: etree._Element, namespace: str, name: str, text: str | None = None,
         attrib: Mapping[str, str] | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(namespace, name), dict(attrib or {}))
    if text is not None:
        element.text = text
    return element


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
    root = etree.Element(_q(WNIO, "Dokument"), nsmap={
        "wnio": WNIO, "meta": META, "str": STR, "oso": OSO, "inst": INST, "adr": ADR, "f": f_ns})

    opis = _sub(root, WNIO, "OpisDokumentu")
    data = _sub(opis, META, "Data", attrib={"typDaty": "stworzony"})
    _sub(data, META, "Czas", created_at.astimezone(WARSAW).isoformat(timespec="seconds"))
    _identifier(opis, "IdDokumentu", document_id)
    _identifier(opis, "idFormularza", f_ns)

    dane = _sub(root, WNIO, "DaneDokumentu")
    _sub(_sub(dane, STR, "Naglowek"), STR, "NazwaDokumentu", defn.form.title)
    _addressee(_sub(_sub(dane, STR, "Adresaci"), META, "Podmiot"), tenant)
    _sender(dane, defn, values, sender)

    tresc = _sub(root, WNIO, "TrescDokumentu", attrib={"format": "text/xml", "kodowanie": "XML"})
    _sub(tresc, WNIO, "Tytul", defn.name)
    by_id = {a.attachment_id: a for a in attachments}
    lines = list(_lines(defn.form.fields, values, "", by_id))
    if lines:
        informacje = _sub(tresc, WNIO, "Informacje")
        for line in lines:
            _sub(informacje, WNIO, "Informacja", line)
    form = _sub(tresc, f_ns, "Formularz",
                attrib={"usluga": defn.id, "wersja": str(defn.version), "jst": tenant.terc})
    _write_fields(form, f_ns, defn.form.fields, values, path="")
    if attachments:
        zalaczniki = _sub(tresc, STR, "Zalaczniki")
        for attachment in attachments:
            _attachment(zalaczniki, f_ns, attachment)
    return root


def to_bytes(root: etree._Element) -> bytes:
    """UTF-8 with the XML declaration and no reformatting: the bytes to store, digest and sign, made once."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _identifier(parent: etree._Element, kind: str, value: str) -> None:
    identifier = _sub(parent, META, "Identyfikator", attrib={"typIdentyfikatora": kind})
    _sub(identifier, META, "Wartosc", value)


def _addressee(podmiot: etree._Element, tenant: TenantConfig) -> None:
    instytucja = _sub(podmiot, INST, "Instytucja")
    _sub(instytucja, INST, "NazwaInstytucji", tenant.office_name)
    other = _sub(_sub(instytucja, INST, "IdInstytucji"), INST, "InnyIdentyfikator")
    _sub(other, INST, "TypIdentyfikatora", "TERC")
    _sub(other, INST, "WartoscIdentyfikatora", tenant.terc)
    _address(instytucja, {"street": tenant.address.street, "building": tenant.address.building,
                          "postal_code": tenant.address.postal_code, "city": tenant.address.city})
    kontakt = _sub(instytucja, ADR, "Kontakt")
    _sub(kontakt, ADR, "Telefon", tenant.contact.phone)
    _sub(kontakt, ADR, "Email", tenant.contact.email)
    _sub(kontakt, ADR, "InnyKontakt", f"Adres do doręczeń elektronicznych: {tenant.edelivery_address}")
    if tenant.contact.epuap_box:
        _sub(kontakt, ADR, "InnyKontakt", f"Skrytka ePUAP: {tenant.contact.epuap_box}")


def _address(parent: etree._Element, address: Mapping[str, Any]) -> None:
    adres = _sub(parent, ADR, "Adres")
    for key, tag in (("postal_code", "KodPocztowy"), ("city", "Miejscowosc"), ("street", "Ulica"),
                     ("building", "Budynek"), ("flat", "Lokal")):
        value = address.get(key)
        if value not in (None, ""):
            _sub(adres, ADR, tag, str(value))


def _contact(parent: etree._Element, email: str | None, phone: str | None) -> None:
    if not (email or phone):
        return
    kontakt = _sub(parent, ADR, "Kontakt")
    if phone:
        _sub(kontakt, ADR, "Telefon", phone)
    if email:
        _sub(kontakt, ADR, "Email", email)


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
    persons = [v for f, v in fields if f.type is FieldType.PERSON and isinstance(v, Mapping)]
    firms = [v for f, v in fields if f.type is FieldType.FIRM and isinstance(v, Mapping)]
    identity = _identity(sender, persons, firms)
    if identity is None:
        return
    address = next((v for f, v in fields if f.type is FieldType.ADDRESS and isinstance(v, Mapping)), None)
    email = next((v for f, v in fields if f.type is FieldType.EMAIL and isinstance(v, str) and v), None)
    phone = next((v for f, v in fields if f.type is FieldType.PHONE and isinstance(v, str) and v), None)

    podmiot = _sub(_sub(dane, STR, "Nadawcy"), META, "Podmiot")
    if identity.kind == "person":
        holder = _sub(podmiot, OSO, "Osoba")
        if identity.pesel:
            _sub(_sub(holder, OSO, "IdOsoby"), OSO, "PESEL", identity.pesel)
        _sub(holder, OSO, "Imie", identity.first)
        if identity.middle:
            _sub(holder, OSO, "ImieDrugie", identity.middle)
        _sub(holder, OSO, "Nazwisko", identity.last, {"rodzajCzlonu": "pierwszy"})
    else:
        holder = _sub(podmiot, INST, "Instytucja")
        _sub(holder, INST, "NazwaInstytucji", identity.name)
        if identity.nip or identity.regon:
            ids = _sub(holder, INST, "IdInstytucji")
            if identity.nip:
                _sub(ids, INST, "NIP", identity.nip)
            if identity.regon:
                _sub(ids, INST, "REGON", identity.regon)
    if address is not None:
        _address(holder, address)
    _contact(holder, email, phone)


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
    zalacznik = _sub(zalaczniki, STR, "Zalacznik", attrib={
        "format": attachment.content_type, "kodowanie": "URI", "nazwaPliku": attachment.filename})
    _sub(zalacznik, STR, "OpisZalacznika", f"SHA-256: {digest}")
    _sub(zalacznik, STR, "DaneZalacznika", f"{ATTACHMENT_URI_PREFIX}{attachment.attachment_id}")
    _sub(zalacznik, f_ns, "Odnosnik", attrib={
        "identyfikator": attachment.attachment_id, "pole": attachment.field, "rozmiar": str(attachment.size),
        "skrot": digest, "algorytm": SHA256})


# --- the machine-readable block --------------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, list | dict) and not value)


def _check_keys(fields: list[FormField], values: Mapping[str, Any], path: str) -> None:
    unknown = sorted(set(values) - {f.name for f in fields})
    if unknown:
        raise ValueError(f"{path or 'form'}: fields not in the definition: {', '.join(unknown)}")


def _write_fields(parent: etree._Element, f_ns: str, fields: list[FormField], values: Mapping[str, Any],
                  path: str) -> None:
    _check_keys(fields, values, path)
    for field in fields:
        value = values.get(field.name)
        if _empty(value):
            continue
        where = f"{path}{field.name}"
        if field.repeatable:
            if not isinstance(value, list):
                raise ValueError(f"{where}: a repeatable field takes a list")
            for index, item in enumerate(value):
                element = _write_value(parent, f_ns, field, item, f"{where}[{index}]")
                if element is not None:
                    element.set(LIST_ATTRIBUTE, "true")
        else:
            _write_value(parent, f_ns, field, value, where)


def _write_value(parent: etree._Element, f_ns: str, field: FormField, value: Any,
                 where: str) -> etree._Element | None:
    if _empty(value):
        return None
    if field.type is FieldType.GROUP:
        if not isinstance(value, Mapping):
            raise ValueError(f"{where}: a group takes an object")
        element = etree.Element(_q(f_ns, field.name))
        _write_fields(element, f_ns, field.fields, value, f"{where}.")
    elif field.type in SUBKEYS:
        if not isinstance(value, Mapping):
            raise ValueError(f"{where}: a {field.type.value} field takes an object")
        element = etree.Element(_q(f_ns, field.name))
        known = SUBKEYS[field.type]
        for key in [*known, *(k for k in value if k not in known)]:
            if not _NAME.match(key):
                raise ValueError(f"{where}: {key!r} is not a valid element name")
            sub = value.get(key)
            if sub is not None:
                _sub(element, f_ns, key, _leaf_text(sub, f"{where}.{key}"))
    else:
        element = etree.Element(_q(f_ns, field.name))
        element.text = _leaf_text(value, where)
    if len(element) == 0 and element.text is None:
        return None  # an object with nothing in it: left out like an absent one
    parent.append(element)
    return element


def _leaf_text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise ValueError(f"{where}: a {type(value).__name__} cannot be a leaf value")


# --- the human-readable lines ----------------------------------------------------------------------------------


def _lines(fields: list[FormField], values: Mapping[str, Any], prefix: str,
           attachments: Mapping[str, AttachmentRef]) -> Iterator[str]:
    for field in fields:
        value = values.get(field.name)
        if _empty(value):
            continue
        items = [i for i in value if not _empty(i)] if field.repeatable and isinstance(value, list) else [value]
        for number, item in enumerate(items, 1):
            label = f"{prefix}{field.label.rstrip(' .:')}" + (f" ({number})" if len(items) > 1 else "")
            if field.type is FieldType.GROUP and isinstance(item, Mapping):
                yield from _lines(field.fields, item, f"{label} – ", attachments)
            else:
                yield f"{label}: {_describe(field, item, attachments)}"


def _describe(field: FormField, value: Any, attachments: Mapping[str, AttachmentRef]) -> str:
    if field.type is FieldType.CHECKBOX:
        return "tak" if value in (True, "true") else "nie"
    if field.type is FieldType.CHOICE:
        return next((o.label for o in field.options if o.value == value), str(value))
    if field.type is FieldType.MONEY:
        return f"{_leaf_text(value, field.name)} zł"
    if field.type is FieldType.FILE:
        attachment = attachments.get(str(value))
        return attachment.filename if attachment else str(value)
    if isinstance(value, Mapping):
        return _describe_object(field.type, value)
    return _leaf_text(value, field.name)


def _describe_object(kind: FieldType, value: Mapping[str, Any]) -> str:
    def get(key: str) -> str:
        item = value.get(key)
        return "" if item is None else str(item)

    if kind is FieldType.PERSON:
        parts = [f"{get('first_name')} {get('last_name')}".strip()]
        if get("pesel"):
            parts.append(f"PESEL {get('pesel')}")
    elif kind is FieldType.FIRM:
        parts = [get("name")]
        parts += [f"{label} {get(key)}" for key, label in (("nip", "NIP"), ("regon", "REGON")) if get(key)]
    elif kind is FieldType.ADDRESS:
        building = get("building") + (f"/{get('flat')}" if get("flat") else "")
        parts = [f"{get('street')} {building}".strip(), f"{get('postal_code')} {get('city')}".strip()]
    else:
        parts = [f"{key}: {item}" for key, item in value.items()]
    return ", ".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------------------------
# Reading


def read(root: etree._Element) -> ReadDocument:
    """The form data of a document `render` produced (or one a resident signed after downloading it).

    Values come back as text for every leaf and as lists for repeatable fields; no definition is needed.
    """
    if root.tag != _q(WNIO, "Dokument"):
        raise DocumentError("document_not_application",
                            "To nie jest wniosek elektroniczny (oczekiwano elementu wnio:Dokument).")
    tresc = root.find(_q(WNIO, "TrescDokumentu"))
    if tresc is None:
        raise DocumentError("form_missing", "Dokument nie zawiera treści (wnio:TrescDokumentu).")
    forms = [el for el in tresc if isinstance(el.tag, str) and etree.QName(el).localname == "Formularz"
             and (etree.QName(el).namespace or "").startswith(FORM_NS_PREFIX)]
    if not forms:
        raise DocumentError("form_missing", "Dokument nie zawiera danych formularza (f:Formularz).")
    if len(forms) > 1:
        raise DocumentError("form_malformed", "Dokument zawiera więcej niż jeden blok danych formularza.")
    form = forms[0]
    namespace = etree.QName(form).namespace or ""
    match = _FORM_NS.match(namespace)
    service, version, terc = form.get("usluga"), form.get("wersja"), form.get("jst")
    if match is None or service != match.group(1) or version != match.group(2):
        raise DocumentError("form_malformed",
                            "Oznaczenie usługi lub wersji formularza nie zgadza się z przestrzenią nazw.")
    if not terc or not terc.isdigit():
        raise DocumentError("form_malformed", "Blok danych formularza nie wskazuje jednostki (atrybut jst).")

    values = _read_children(form, namespace)
    attachment_ids = []
    digests: dict[str, str] = {}
    zalaczniki = tresc.find(_q(STR, "Zalaczniki"))
    if zalaczniki is not None:
        for zalacznik in zalaczniki.iterchildren(_q(STR, "Zalacznik")):
            reference = zalacznik.find(_q(namespace, "Odnosnik"))
            identifier = reference.get("identyfikator") if reference is not None else None
            if not identifier or reference is None:
                raise DocumentError("form_malformed", "Załącznik nie ma odnośnika do przesłanego pliku.")
            attachment_ids.append(identifier)
            try:
                digests[identifier] = base64.b64decode(reference.get("skrot") or "", validate=True).hex()
            except ValueError as exc:
                raise DocumentError("form_malformed", "Skrót załącznika nie jest poprawnym base64.") from exc
    return ReadDocument(service=match.group(1), version=int(match.group(2)), terc=terc, values=values,
                        attachment_ids=attachment_ids, document_id=_document_id(root), digests=digests)


def _document_id(root: etree._Element) -> str | None:
    opis = root.find(_q(WNIO, "OpisDokumentu"))
    if opis is None:
        return None
    for identifier in opis.iterchildren(_q(META, "Identyfikator")):
        if identifier.get("typIdentyfikatora") == "IdDokumentu":
            value = identifier.findtext(_q(META, "Wartosc"))
            return value if value else None
    return None


def _read_children(parent: etree._Element, namespace: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lists: set[str] = set()
    for child in parent:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions carry no data
        qname = etree.QName(child)
        if qname.namespace != namespace or not _NAME.match(qname.localname):
            raise DocumentError("form_malformed", f"Nieoczekiwany element „{qname.localname}” w danych formularza.")
        name = qname.localname
        marker = child.get(LIST_ATTRIBUTE)
        if marker not in (None, "true"):
            raise DocumentError("form_malformed", f"Element „{name}” ma nieprawidłowy atrybut {LIST_ATTRIBUTE}.")
        value = _read_value(child, namespace)
        if name in out and (marker == "true") != (name in lists):
            raise DocumentError("form_malformed", f"Pole „{name}” jest zarówno pojedyncze, jak i powtarzalne.")
        if marker == "true":
            out.setdefault(name, []).append(value)
            lists.add(name)
        elif name in out:
            raise DocumentError("form_malformed", f"Pole „{name}” występuje więcej niż raz.")
        else:
            out[name] = value
    return out


def _read_value(element: etree._Element, namespace: str) -> Any:
    texts = [element.text or "", *(child.tail or "" for child in element)]
    if any(isinstance(child.tag, str) for child in element):
        if any(text.strip() for text in texts):
            raise DocumentError("form_malformed",
                                f"Element „{etree.QName(element).localname}” łączy tekst z elementami.")
        return _read_children(element, namespace)
    return "".join(texts)
