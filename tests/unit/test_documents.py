"""The application document (ePUAP "pismo ogólne" layout with our form block) and the office's receipt (UPP).

What matters to the office: the document names the office and the sender, lists the attachments by digest, and
gives back exactly the data the resident entered; the receipt is sealed, verifiable by independent software,
binds the document's digest, and any change to it is detected.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from chalicelib.cli import load_definitions
from chalicelib.core.clock import WARSAW
from chalicelib.documents import upp, wniosek
from chalicelib.documents.wniosek import ADR, INST, META, OSO, STR, WNIO, AttachmentRef, DocumentError, Sender
from chalicelib.model.service import FieldType, FormField, ServiceDefinition
from chalicelib.signatures import pki as pki_module
from chalicelib.signatures.pki import DemoPki
from chalicelib.signatures.sealing import OfficeSeal
from tests import samples, signing

DEFINITIONS = {d.id: d for d in load_definitions()}  # the newest version of each service
PISMO_NS = f"urn:eurzad:formularz:pismo-ogolne:v{DEFINITIONS['pismo-ogolne'].version}"
PESEL = pki_module.DEMO_RESIDENT_PESEL
NIP = "8567346215"
REGON = "123456785"
CREATED = dt.datetime(2024, 5, 6, 8, 30, 15, tzinfo=dt.UTC)  # 10:30:15 in Warsaw (CEST)
NS = {"wnio": WNIO, "meta": META, "str": STR, "oso": OSO, "inst": INST, "adr": ADR}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")


def _one(root: etree._Element, path: str, namespaces: dict[str, str] | None = None) -> etree._Element:
    found = root.xpath(path, namespaces=namespaces or NS)
    assert isinstance(found, list) and len(found) == 1, f"{path}: {found}"
    element = found[0]
    assert isinstance(element, etree._Element)
    return element


def _text(root: etree._Element, path: str, namespaces: dict[str, str] | None = None) -> str:
    return _one(root, path, namespaces).text or ""


# ---------------------------------------------------------------------------------------------------------------
# Generic form data: every field filled according to its type


def _value(field: FormField, index: int) -> Any:
    kind = field.type
    if kind is FieldType.GROUP:
        return _fill(field.fields, index)
    simple: dict[FieldType, Any] = {
        FieldType.TEXT: f"Zażółć <gęślą> & „jaźń” {index}",
        FieldType.TEXTAREA: f"  Pierwsza linia {index}\nDruga linia\r\nTrzecia linia\t z tabulatorem  ",
        FieldType.NUMBER: 12.5 if index % 2 else 3 + index,
        FieldType.MONEY: f"{100 + index}.50",
        FieldType.DATE: f"2024-05-{10 + index:02d}",
        FieldType.CHECKBOX: index % 2 == 0,
        FieldType.BANK_ACCOUNT: "61109010140000071219812874",
        FieldType.EDELIVERY_ADDRESS: "AE:PL-12345-67890-ABCDE-12",
        FieldType.EMAIL: f"jan.kowalski+{index}@example.com",
        FieldType.PHONE: "+48 600 100 200",
        FieldType.FILE: f"att-{field.name}-{index}",
        FieldType.PERSON: {"first_name": "Jan", "last_name": f"Kowalski-{index}", "pesel": PESEL},
        FieldType.FIRM: {"name": f"Usługi Leśne „Dąb” sp. z o.o. {index}", "nip": NIP, "regon": REGON},
        FieldType.ADDRESS: {"street": "ul. Długa", "building": f"{index + 1}A", "flat": "7",
                            "postal_code": "05-500", "city": "Piaseczno", "teryt_simc": "0921410",
                            "teryt_ulic": "04093"},
    }
    if kind is FieldType.CHOICE:
        return field.options[index % len(field.options)].value
    return simple[kind]


def _fill(fields: list[FormField], index: int = 0, repeat: int = 2) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        if field.repeatable:
            values[field.name] = [_value(field, index + n) for n in range(repeat)]
        else:
            values[field.name] = _value(field, index)
    return values


def _as_strings(value: Any) -> Any:
    """What read() gives back: text for every leaf, lists and objects as they were."""
    if isinstance(value, dict):
        return {key: _as_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_strings(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return value


def _file_refs(fields: list[FormField], values: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for field in fields:
        value = values.get(field.name)
        items = value if field.repeatable and isinstance(value, list) else [value]
        for item in items:
            if item is None:
                continue
            if field.type is FieldType.FILE:
                yield field.name, item
            elif field.type is FieldType.GROUP:
                yield from _file_refs(field.fields, item)


def _attachments(defn: ServiceDefinition, values: dict[str, Any]) -> list[AttachmentRef]:
    return [AttachmentRef(attachment_id=attachment_id, field=field, filename=f"{attachment_id}.pdf",
                          content_type="application/pdf", size=1000 + n,
                          sha256=hashlib.sha256(attachment_id.encode()).digest())
            for n, (field, attachment_id) in enumerate(_file_refs(defn.form.fields, values))]


def _render(defn: ServiceDefinition, values: dict[str, Any], sender: wniosek.SenderLike | None = None,
            attachments: list[AttachmentRef] | None = None) -> etree._Element:
    return wniosek.render(defn=defn, tenant=samples.tenant(), values=values, sender=sender,
                          attachments=_attachments(defn, values) if attachments is None else attachments,
                          document_id="WN-2024-000042", created_at=CREATED)


def _reparse(root: etree._Element) -> etree._Element:
    return etree.fromstring(wniosek.to_bytes(root))


# ---------------------------------------------------------------------------------------------------------------
# The document


PISMO = {
    "rodzaj_nadawcy": "osoba-fizyczna",
    "nadawca": {"first_name": "Anna", "last_name": "Nowak-Kowalska", "pesel": PESEL},
    "adres": {"street": "ul. Długa", "building": "5", "flat": "2", "postal_code": "05-500", "city": "Piaseczno"},
    "email": "anna@example.com",
    "telefon": "+48 600 100 200",
    "rodzaj_pisma": "wniosek",
    "tytul": "Prośba o informację",
    "tresc": "Proszę o informację o stanie sprawy.",
    "zalaczniki": ["att-1", "att-2"],
    "odpowiedz_elektronicznie": True,
}


def test_render_is_an_epuap_general_letter_with_the_office_as_addressee() -> None:
    root = _reparse(_render(DEFINITIONS["pismo-ogolne"], PISMO, Sender("person", "Anna Nowak-Kowalska", PESEL)))
    tenant = samples.tenant()

    assert root.tag == f"{{{WNIO}}}Dokument"
    assert {k: v for k, v in root.nsmap.items() if k != "f"} == NS
    assert root.nsmap["f"] == PISMO_NS
    assert [etree.QName(child).localname for child in root] == ["OpisDokumentu", "DaneDokumentu", "TrescDokumentu"]
    assert _text(root, "wnio:OpisDokumentu/meta:Data[@typDaty='stworzony']/meta:Czas") == "2024-05-06T10:30:15+02:00"
    assert _text(root, "wnio:OpisDokumentu/meta:Identyfikator[@typIdentyfikatora='IdDokumentu']/meta:Wartosc") == (
        "WN-2024-000042")
    assert _text(root, "wnio:DaneDokumentu/str:Naglowek/str:NazwaDokumentu") == "Pismo ogólne do urzędu"

    office = _one(root, "wnio:DaneDokumentu/str:Adresaci/meta:Podmiot/inst:Instytucja")
    assert _text(office, "inst:NazwaInstytucji") == tenant.office_name
    assert _text(office, "inst:IdInstytucji/inst:InnyIdentyfikator[inst:TypIdentyfikatora='TERC']"
                         "/inst:WartoscIdentyfikatora") == "1418043"
    assert _text(office, "adr:Adres/adr:Miejscowosc") == "Piaseczno"
    assert _text(office, "adr:Adres/adr:KodPocztowy") == "05-500"
    assert "AE:PL-12345-67890-ABCDE-12" in _text(office, "adr:Kontakt/adr:InnyKontakt[1]")


def test_a_person_sender_carries_pesel_names_and_the_form_address() -> None:
    root = _reparse(_render(DEFINITIONS["pismo-ogolne"], PISMO, Sender("person", "Anna Nowak-Kowalska", PESEL)))

    person = _one(root, "wnio:DaneDokumentu/str:Nadawcy/meta:Podmiot/oso:Osoba")
    assert _text(person, "oso:IdOsoby/oso:PESEL") == PESEL
    assert _text(person, "oso:Imie") == "Anna"
    assert _text(person, "oso:Nazwisko") == "Nowak-Kowalska"
    assert _text(person, "adr:Adres/adr:Ulica") == "ul. Długa"
    assert _text(person, "adr:Adres/adr:Lokal") == "2"
    assert _text(person, "adr:Kontakt/adr:Email") == "anna@example.com"
    lines = [el.text for el in root.iterfind("wnio:TrescDokumentu/wnio:Informacje/wnio:Informacja", NS)]
    assert "Dane nadawcy: Anna Nowak-Kowalska, PESEL 44051401359" in lines
    assert "Rodzaj pisma: wniosek lub podanie" in lines
    assert "Załączniki (2): att-2.pdf" in lines


def test_a_person_known_only_by_the_platform_has_the_name_split() -> None:
    values = {**PISMO, "nadawca": {"first_name": "Inna", "last_name": "Osoba", "pesel": "02070803628"}}
    root = _reparse(_render(DEFINITIONS["pismo-ogolne"], values, Sender("person", "Jan Maria Kowalski", PESEL)))

    person = _one(root, "wnio:DaneDokumentu/str:Nadawcy/meta:Podmiot/oso:Osoba")
    assert (_text(person, "oso:Imie"), _text(person, "oso:ImieDrugie"), _text(person, "oso:Nazwisko")) == (
        "Jan", "Maria", "Kowalski")
    assert _text(person, "oso:IdOsoby/oso:PESEL") == PESEL


def test_a_firm_sender_is_an_institution_with_nip_and_regon() -> None:
    values = {**PISMO, "rodzaj_nadawcy": "podmiot", "podmiot": {"name": "Dąb sp. z o.o.", "nip": NIP}}
    del values["nadawca"]
    root = _reparse(_render(DEFINITIONS["pismo-ogolne"], values, Sender("firm", "Dąb sp. z o.o.", None, NIP, REGON)))

    firm = _one(root, "wnio:DaneDokumentu/str:Nadawcy/meta:Podmiot/inst:Instytucja")
    assert _text(firm, "inst:NazwaInstytucji") == "Dąb sp. z o.o."
    assert _text(firm, "inst:IdInstytucji/inst:NIP") == NIP
    assert _text(firm, "inst:IdInstytucji/inst:REGON") == REGON
    assert _text(firm, "adr:Adres/adr:Budynek") == "5"
    assert not root.xpath("//oso:Osoba", namespaces=NS)


def test_without_a_signed_in_sender_the_form_names_the_sender() -> None:
    root = _reparse(_render(DEFINITIONS["pismo-ogolne"], PISMO, None))
    assert _text(root, "wnio:DaneDokumentu/str:Nadawcy/meta:Podmiot/oso:Osoba/oso:IdOsoby/oso:PESEL") == PESEL


def test_attachments_are_listed_by_reference_with_their_digests() -> None:
    defn = DEFINITIONS["pismo-ogolne"]
    content = {"att-1": b"%PDF-1.7 skan wniosku", "att-2": b"\x89PNG zdjecie"}
    refs = [AttachmentRef(attachment_id=k, field="zalaczniki", filename=f"{k}.pdf", content_type="application/pdf",
                          size=len(v), sha256=hashlib.sha256(v).digest()) for k, v in content.items()]
    data = wniosek.to_bytes(_render(defn, PISMO, Sender("person", "Anna Nowak-Kowalska", PESEL), refs))
    root = etree.fromstring(data)
    f_ns = {"f": PISMO_NS, **NS}

    listed = root.xpath("wnio:TrescDokumentu/str:Zalaczniki/str:Zalacznik", namespaces=NS)
    assert isinstance(listed, list) and len(listed) == 2
    for element, (attachment_id, blob) in zip(listed, content.items(), strict=True):
        assert isinstance(element, etree._Element)
        digest = base64.b64encode(hashlib.sha256(blob).digest()).decode()
        assert element.get("format") == "application/pdf"
        assert element.get("nazwaPliku") == f"{attachment_id}.pdf"
        assert element.get("kodowanie") == "URI"
        assert _text(element, "str:DaneZalacznika") == f"urn:eurzad:zalacznik:{attachment_id}"
        reference = _one(element, "f:Odnosnik", f_ns)
        assert reference.attrib == {"identyfikator": attachment_id, "pole": "zalaczniki", "rozmiar": str(len(blob)),
                                    "skrot": digest, "algorytm": "http://www.w3.org/2001/04/xmlenc#sha256"}
    assert b"%PDF" not in data and base64.b64encode(content["att-1"]) not in data  # referenced, not embedded
    assert wniosek.read(root).attachment_ids == ["att-1", "att-2"]


@pytest.mark.parametrize("defn", list(DEFINITIONS.values()), ids=list(DEFINITIONS))
def test_every_catalogue_form_reads_back_exactly(defn: ServiceDefinition) -> None:
    values = _fill(defn.form.fields)

    result = wniosek.read(_reparse(_render(defn, values, Sender("person", "Jan Kowalski", PESEL))))

    assert (result.service, result.version, result.terc) == (defn.id, defn.version, "1418043")
    assert result.values == _as_strings(values)
    assert list(result.values) == [f.name for f in defn.form.fields]  # definition order
    assert result.attachment_ids == [a.attachment_id for a in _attachments(defn, values)]
    assert result.document_id == "WN-2024-000042"


@pytest.mark.parametrize("defn", [d for d in DEFINITIONS.values() if any(f.repeatable for f in d.form.fields)],
                         ids=lambda d: d.id)
def test_a_repeatable_field_with_one_item_is_still_a_list(defn: ServiceDefinition) -> None:
    values = _fill(defn.form.fields, repeat=1)

    result = wniosek.read(_reparse(_render(defn, values)))

    assert result.values == _as_strings(values)
    assert any(isinstance(v, list) and len(v) == 1 for v in result.values.values())


def test_absent_values_are_left_out_and_empty_text_is_kept() -> None:
    values = {"rodzaj_nadawcy": "osoba-fizyczna", "nadawca": None, "zalaczniki": [], "podmiot": {},
              "tytul": "", "tresc": "Treść"}

    result = wniosek.read(_reparse(_render(DEFINITIONS["pismo-ogolne"], values, attachments=[])))

    assert result.values == {"rodzaj_nadawcy": "osoba-fizyczna", "tytul": "", "tresc": "Treść"}
    assert result.attachment_ids == []


def test_a_document_the_resident_signed_reads_back_the_same() -> None:
    demo = pki_module.generate_demo()
    defn = DEFINITIONS["informacja-podatek-od-nieruchomosci"]
    values = _fill(defn.form.fields)
    data = wniosek.to_bytes(_render(defn, values, Sender("person", "Jan Kowalski", PESEL)))

    signed = signing.sign_with_signxml(data, demo.resident, [demo.intermediate.cert])
    reindented = etree.tostring(etree.fromstring(data, etree.XMLParser(remove_blank_text=True)), pretty_print=True)

    assert wniosek.read(etree.fromstring(signed)).values == _as_strings(values)
    assert wniosek.read(etree.fromstring(reindented)).values == _as_strings(values)  # some signing tools reindent


def test_render_refuses_data_the_definition_does_not_know() -> None:
    with pytest.raises(ValueError, match="niespodziewane"):
        _render(DEFINITIONS["pismo-ogolne"], {**PISMO, "niespodziewane": "x"})
    with pytest.raises(ValueError, match="repeatable"):
        _render(DEFINITIONS["pismo-ogolne"], {**PISMO, "zalaczniki": "att-1"})


def _form_of(root: etree._Element) -> etree._Element:
    return _one(root, "wnio:TrescDokumentu/*[local-name()='Formularz']")


def _broken(change: str) -> etree._Element:
    root = _reparse(_render(DEFINITIONS["pismo-ogolne"], PISMO, attachments=[]))
    form = _form_of(root)
    f_ns = etree.QName(form).namespace
    if change == "root":
        return etree.fromstring(b"<Dokument xmlns='urn:cos:innego'/>")
    if change == "no-form":
        form.getparent().remove(form)  # type: ignore[union-attr]
    elif change == "version":
        form.set("wersja", str(DEFINITIONS["pismo-ogolne"].version + 1))
    elif change == "duplicate":
        etree.SubElement(form, f"{{{f_ns}}}tytul").text = "Drugi tytuł"
    elif change == "single-and-list":
        etree.SubElement(form, f"{{{f_ns}}}zalaczniki").text = "att-3"
    elif change == "list-marker":
        form.find(f"{{{f_ns}}}zalaczniki").set("lista", "tak")  # type: ignore[union-attr]
    elif change == "foreign":
        etree.SubElement(form, "{urn:obcy}pole").text = "x"
    elif change == "text-and-elements":
        form.find(f"{{{f_ns}}}adres").text = "luźny tekst"  # type: ignore[union-attr]
    return root


@pytest.mark.parametrize(("change", "code", "says"), [
    ("root", "document_not_application", "wnio:Dokument"),
    ("no-form", "form_missing", "f:Formularz"),
    ("version", "form_malformed", "wersji formularza"),
    ("duplicate", "form_malformed", "„tytul” występuje więcej niż raz"),
    ("single-and-list", "form_malformed", "zarówno pojedyncze, jak i powtarzalne"),
    ("list-marker", "form_malformed", "atrybut lista"),
    ("foreign", "form_malformed", "Nieoczekiwany element „pole”"),
    ("text-and-elements", "form_malformed", "łączy tekst z elementami"),
])
def test_read_refuses_what_render_did_not_make(change: str, code: str, says: str) -> None:
    with pytest.raises(DocumentError) as caught:
        wniosek.read(_broken(change))
    assert caught.value.code == code
    assert says in caught.value.message


# ---------------------------------------------------------------------------------------------------------------
# The receipt (UPP)


@pytest.fixture(scope="module")
def demo() -> DemoPki:
    return pki_module.generate_demo()


def _receipt(document: bytes) -> upp.Receipt:
    return upp.Receipt(
        receipt_id="UPP-2024-000123",
        office_name="Urząd Miasta i Gminy Piaseczno",
        office_id="1418043",
        office_id_type="TERC",
        office_address="ul. Kościuszki 5, 05-500 Piaseczno",
        sender_name="Anna Nowak-Kowalska",
        sender_id=PESEL,
        sender_id_type="PESEL",
        delivered_at=CREATED,
        issued_at=CREATED + dt.timedelta(seconds=2),
        document_id="WN-2024-000042",
        document_filename="WN-2024-000042.xml",
        document_sha256=hashlib.sha256(document).digest(),
        information=upp.default_information("Pismo ogólne do urzędu", "Urząd Miasta i Gminy Piaseczno"),
    )


def _document_bytes() -> bytes:
    return wniosek.to_bytes(_render(DEFINITIONS["pismo-ogolne"], PISMO, Sender("person", "Anna Nowak-Kowalska",
                                                                               PESEL)))


def _seal(demo: DemoPki, receipt: upp.Receipt) -> bytes:
    seal = OfficeSeal(demo.seal.key_pem(), demo.seal_chain())
    return seal.seal(upp.build(receipt), signing_time=dt.datetime.now(dt.UTC))


def test_upp_layout_names_the_office_sender_dates_and_document_digest() -> None:
    document = _document_bytes()
    root = upp.build(_receipt(document))
    ns = {"pos": upp.UPO}

    assert root.tag == f"{{{upp.UPO}}}Dokument"
    assert [etree.QName(el).localname for el in _one(root, "pos:UPP", ns)] == [
        "NazwaPoswiadczenia", "IdentyfikatorPoswiadczenia", "Adresat", "Nadawca", "DataDoreczenia",
        "DataWytworzeniaPoswiadczenia", "IdentyfikatorDokumentu", "InformacjaUzupelniajaca"]
    assert _text(root, "pos:UPP/pos:NazwaPoswiadczenia", ns) == "Urzędowe poświadczenie przedłożenia"
    assert _one(root, "pos:UPP/pos:Adresat/pos:IdentyfikatorPodmiotu", ns).get("TypIdentyfikatora") == "TERC"
    assert _one(root, "pos:UPP/pos:Nadawca/pos:IdentyfikatorPodmiotu", ns).get("TypIdentyfikatora") == "PESEL"
    assert _text(root, "pos:UPP/pos:DataDoreczenia", ns) == "2024-05-06T10:30:15+02:00"
    assert _text(root, "pos:UPP/pos:DataWytworzeniaPoswiadczenia", ns) == "2024-05-06T10:30:17+02:00"
    for path in ("pos:UPP/pos:DataDoreczenia", "pos:UPP/pos:DataWytworzeniaPoswiadczenia"):
        assert ISO_WITH_OFFSET.match(_text(root, path, ns))
    digest = _one(root, "pos:Dokument/pos:SkrotDokumentu", ns)
    assert digest.text == base64.b64encode(hashlib.sha256(document).digest()).decode()
    assert digest.get("AlgorytmSkrotu") == "http://www.w3.org/2001/04/xmlenc#sha256"
    assert "Pismo ogólne do urzędu" in _text(root, "pos:UPP/pos:InformacjaUzupelniajaca", ns)


def test_winter_time_has_the_winter_offset() -> None:
    receipt = _receipt(b"x")
    winter = dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.UTC)
    root = upp.build(replace(receipt, delivered_at=winter))
    assert _text(root, "pos:UPP/pos:DataDoreczenia", {"pos": upp.UPO}) == "2024-01-15T13:00:00+01:00"


def test_sealed_upp_is_valid_for_our_verifier_and_for_xmlsec1(demo: DemoPki, tmp_path: Path) -> None:
    from chalicelib.signatures.trust import TrustStore
    from chalicelib.signatures.verifier import Verifier

    sealed = _seal(demo, _receipt(_document_bytes()))
    verifier = Verifier(TrustStore.from_pem(demo.trust_bundle()))

    report = verifier.verify(sealed)
    assert report.verdict == "valid", [r.code for r in report.signature.reasons]
    assert report.signature.signer is not None
    assert signing.xmlsec1_verifies(sealed, demo.root.cert, [demo.intermediate.cert], tmp_path)

    tampered = signing.change_text(sealed, "UPP-2024-000123", "UPP-2024-000124")
    assert verifier.verify(tampered).verdict == "invalid"
    assert not signing.xmlsec1_verifies(tampered, demo.root.cert, [demo.intermediate.cert], tmp_path)


def test_read_gives_back_the_receipt_from_the_sealed_upp(demo: DemoPki) -> None:
    document = _document_bytes()
    receipt = _receipt(document)

    again = upp.read(_seal(demo, receipt))

    assert again == receipt
    assert again.delivered_at.utcoffset() == dt.timedelta(hours=2)
    assert again.delivered_at.astimezone(WARSAW).hour == 10
    assert again.document_sha256 == hashlib.sha256(document).digest()


def test_upp_without_an_address_reads_back_none() -> None:
    receipt = replace(_receipt(b"x"), office_address=None, sender_id="konto-123", sender_id_type="IdKonta")
    assert upp.read(etree.tostring(upp.build(receipt))) == receipt


@pytest.mark.parametrize("xml", [
    b"<Dokument xmlns='http://crd.gov.pl/xml/schematy/UPO/2008/05/10/'/>",
    b"<UPP xmlns='http://crd.gov.pl/xml/schematy/UPO/2008/05/09/'/>",
    b"<pos:Dokument xmlns:pos='http://crd.gov.pl/xml/schematy/UPO/2008/05/09/'/>",
    b"to nie jest XML",
])
def test_read_refuses_what_is_not_a_upp(xml: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        upp.read(xml)
    assert caught.value.code in {"receipt_invalid", "receipt_unreadable"}


def test_build_refuses_naive_datetimes_and_bad_digests() -> None:
    receipt = _receipt(b"x")
    with pytest.raises(ValueError, match="timezone"):
        upp.build(replace(receipt, issued_at=dt.datetime(2024, 5, 6, 10, 0)))
    with pytest.raises(ValueError, match="SHA-256"):
        upp.build(replace(receipt, document_sha256=b"short"))
