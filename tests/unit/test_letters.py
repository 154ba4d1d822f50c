"""The office's letters without AWS: templates filled from the case and the clerk's text, the parts the law
requires checked, the PDF readable with its Polish letters, the sealed XML accepted by xmlsec1 and broken by one
changed byte, and issuing once per Idempotency-Key."""

from __future__ import annotations

import base64
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from lxml import etree

from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.documents import letter as letter_xml
from chalicelib.documents import letter_pdf
from chalicelib.documents.letter import Letter
from chalicelib.modules.cases import OfficeFile
from chalicelib.modules.letters import compose, logic
from tests import signing
from tests.samples import tenant
from tests.unit.fakes import demo_pki, office_seal

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
TODAY = date(2026, 12, 1)
RECORD: dict[str, Any] = {
    "terc": "1418043", "case_id": "c" * 32, "case_sign": "OS.6131.7.2026", "service": "zezwolenie-na-usuniecie-drzew",
    "service_name": "Zezwolenie na usunięcie drzew lub krzewów", "applicant": "Zażółć Gęślą-Jaźń",
    "started_on": "2026-11-02", "due_date": "2026-12-31", "status": "w-toku",
    "applicant_data": {"address": {"street": "ul. Źródlana", "building": "12", "postal_code": "05-500",
                                   "city": "Piaseczno"}}}
DECISION = {"podstawa_prawna": "art. 83 ust. 1 ustawy o ochronie przyrody",
            "rozstrzygniecie": "Zezwala się na usunięcie jednego drzewa gatunku brzoza (obwód 130 cm).",
            "uzasadnienie": "Drzewo zagraża bezpieczeństwu; oględziny z dnia 20.11.2026 r. to potwierdziły.",
            "organ_odwolawczy": "sko"}
VALID: dict[str, dict[str, Any]] = {
    "decyzja": DECISION,
    "zaswiadczenie": {"podstawa_prawna": "art. 306a § 1 Ordynacji podatkowej",
                      "tresc": "Wnioskodawca nie posiada zaległości podatkowych wobec Gminy Piaseczno.",
                      "cel": "przedłożenia w banku"},
    "pismo": {"temat": "termin oględzin", "tresc": "Oględziny odbędą się 10.12.2026 r. o godz. 10:00."},
    "wezwanie": {"braki": ["mapa z zaznaczeniem drzewa", "zgoda właściciela nieruchomości"], "termin_dni": 7},
    "zawiadomienie": {"przyczyna": "Konieczność uzyskania opinii RDOŚ.", "nowy_termin": "2027-01-29",
                      "organ_wyzszy": "wojewoda"},
}


def facts(**changes: Any) -> compose.CaseFacts:
    return logic.facts_of({**RECORD, **changes}, tenant())


def make(kind: str, values: dict[str, Any] | None = None, *, terc: str = "1418043", position: str = "Inspektor",
         name: str = "Jan Kowalski") -> Letter:
    return compose.compose(compose.templates()[kind], facts(terc=terc), VALID[kind] if values is None else values,
                           compose.Signer(name=name, position=position), letter_id="a" * 32, today=TODAY)


def refusal(kind: str, values: dict[str, Any], **kw: Any) -> dict[str, dict[str, str]]:
    with pytest.raises(Unprocessable) as caught:
        make(kind, values, **kw)
    return {d["field"]: d for d in caught.value.details}


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("kind", compose.KINDS)
def test_every_template_fills_from_the_case_and_the_clerks_text(kind: str) -> None:
    letter = make(kind)
    text = " ".join(p for part in letter.parts for p in part.paragraphs)
    assert letter.case_sign == "OS.6131.7.2026" and letter.party.name == "Zażółć Gęślą-Jaźń"
    assert letter.office.name == "Urząd Miasta i Gminy Piaseczno" and letter.place == "Piaseczno"
    assert "{" not in text and "}" not in text  # every placeholder filled
    assert compose.templates()[kind].ref == f"{kind}/v1"


def test_a_decision_carries_its_basis_ruling_reasons_and_the_appeal_instruction() -> None:
    letter = make("decyzja")
    parts = {p.name: p for p in letter.parts}
    assert list(parts) == ["podstawa", "rozstrzygniecie", "uzasadnienie", "pouczenie"]
    assert "art. 104" in parts["podstawa"].paragraphs[0] and "art. 83 ust. 1" in parts["podstawa"].paragraphs[0]
    appeal, waiver = parts["pouczenie"].paragraphs
    assert "Samorządowe Kolegium Odwoławcze w Warszawie" in appeal and "14 dni" in appeal
    assert "za pośrednictwem organu, który wydał decyzję" in appeal and "art. 129" in appeal
    assert "zrzec się prawa do wniesienia odwołania" in waiver and "art. 127a" in waiver


def test_the_delegated_tasks_appeal_goes_to_the_wojewoda() -> None:
    letter = make("decyzja", {**DECISION, "organ_odwolawczy": "wojewoda"})
    assert "Wojewoda Mazowiecki" in letter.parts[-1].paragraphs[0]


def test_a_decision_without_the_parts_article_107_requires_is_refused_naming_each() -> None:
    details = refusal("decyzja", {"organ_odwolawczy": "sko"})
    assert {f: d["code"] for f, d in details.items()} == {
        "fields.podstawa_prawna": "required_part_missing", "fields.rozstrzygniecie": "required_part_missing",
        "fields.uzasadnienie": "required_part_missing"}
    assert "art. 107 § 1 pkt 4" in details["fields.podstawa_prawna"]["message"]
    assert "art. 107 § 1 pkt 6" in details["fields.uzasadnienie"]["message"]


def test_a_decision_for_a_case_without_a_named_party_is_refused() -> None:
    template = compose.templates()["decyzja"]
    with pytest.raises(Unprocessable) as caught:
        compose.compose(template, facts(applicant=None), DECISION, compose.Signer("Jan Kowalski", "Inspektor"),
                        letter_id="a" * 32, today=TODAY)
    assert [(d["field"], d["code"]) for d in caught.value.details] == [("strona", "required_part_missing")]
    assert "art. 107 § 1 pkt 3" in caught.value.details[0]["message"]


def test_a_decision_granting_the_request_in_full_may_omit_the_reasons() -> None:
    values = {k: v for k, v in DECISION.items() if k != "uzasadnienie"} | {"uwzglednia_w_calosci": True}
    assert [p.name for p in make("decyzja", values).parts] == ["podstawa", "rozstrzygniecie", "pouczenie"]


def test_the_clerks_values_are_checked_per_field() -> None:
    assert refusal("wezwanie", {"braki": ["mapa"], "termin_dni": 5})["fields.termin_dni"]["code"] == "term_invalid"
    assert refusal("wezwanie", {"braki": [], "termin_dni": 7})["fields.braki"]["code"] == "required"
    late = refusal("zawiadomienie", {**VALID["zawiadomienie"], "nowy_termin": "2026-12-01"})
    assert late["fields.nowy_termin"]["code"] == "date_not_future"
    assert refusal("pismo", {**VALID["pismo"], "podpis": "x"})["fields.podpis"]["code"] == "unknown_field"
    unknown = refusal("decyzja", DECISION, terc="1426011")  # a JST the appeal bodies do not list
    assert unknown["fields.organ_odwolawczy"]["code"] == "appeal_body_unknown"


def test_the_clerks_text_is_inserted_as_it_is_never_read_as_a_placeholder() -> None:
    letter = make("pismo", {"temat": "{znak_sprawy}", "tresc": "{organ} {0} {"})
    assert letter.parts[0].paragraphs[0].startswith("Dotyczy: {znak_sprawy} (sprawa OS.6131.7.2026)")
    assert letter.parts[1].paragraphs == ("{organ} {0} {",)


def test_the_pdf_reads_back_with_its_polish_letters() -> None:
    pdf = letter_pdf.render(make("decyzja"))
    text = text_of(pdf)
    for expected in ("DECYZJA", "Zażółć Gęślą-Jaźń", "Znak sprawy: OS.6131.7.2026", "orzeka się:",
                     "Samorządowe Kolegium Odwoławcze w Warszawie", "ul. Źródlana 12", "Jan Kowalski", "Inspektor",
                     "Piaseczno, 01.12.2026 r."):
        assert expected in text, expected
    assert pdf == letter_pdf.render(make("decyzja"))  # the same letter, the same bytes


def test_the_sealed_letter_carries_its_pdf_and_xmlsec1_accepts_it_but_not_one_changed_byte(tmp_path: Path) -> None:
    letter = make("wezwanie")
    pdf = letter_pdf.render(letter)
    sealed = office_seal().seal(letter_xml.render(letter, pdf, made_at=NOW), signing_time=NOW)
    root = etree.fromstring(sealed)
    assert letter_xml.embedded_pdf(root) == pdf
    assert "1) mapa z zaznaczeniem drzewa" in sealed.decode()
    root_pem = demo_pki().root.cert_pem()
    accepted = signing.xmlsec1_as_clerk(sealed, root_pem, tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    changed = sealed.replace(b"w terminie 7 dni", b"w terminie 8 dni", 1)
    assert changed != sealed
    assert signing.xmlsec1_as_clerk(changed, root_pem, tmp_path).returncode != 0


# --- issuing, over fakes ---

class FakeLetters:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], dict[str, Any]] = {}

    def find(self, terc: str, case_id: str, letter_id: str) -> dict[str, Any] | None:
        return self.items.get((terc, case_id, letter_id))

    def put(self, terc: str, case_id: str, letter: dict[str, Any]) -> bool:
        return self.items.setdefault((terc, case_id, letter["letter_id"]), letter) is letter

    def of_case(self, terc: str, case_id: str) -> list[dict[str, Any]]:
        return [v for (t, c, _), v in self.items.items() if (t, c) == (terc, case_id)]


class FakeCaseFiles:
    def __init__(self) -> None:
        self.case = {**RECORD, "files": []}
        self.stored: list[OfficeFile] = []

    def record(self, terc: str, case_id: str) -> dict[str, Any]:
        return self.case

    def add(self, terc: str, case_id: str, files: list[OfficeFile], at: datetime) -> dict[str, Any]:
        self.stored += files
        self.case = {**self.case, "files": [*self.case["files"], *(
            {"id": f.file_id, "title": f.title, "kind": f.kind, "filename": f.filename, "content_type": f.content_type,
             "size": len(f.body), "sha256": "0" * 64, "added_at": at.isoformat(), "for_party": f.for_party}
            for f in files)]}
        return self.case


def fake_ports() -> tuple[logic.Ports, FakeLetters, FakeCaseFiles]:
    letters, case = FakeLetters(), FakeCaseFiles()
    ports = logic.Ports(letters=letters, cases=case, tenant=lambda terc: tenant(),
                        seal=lambda element, at: office_seal().seal(element, signing_time=at),
                        render_pdf=letter_pdf.render)
    return ports, letters, case


DRAFT = logic.Draft(kind="decyzja", values=DECISION, signer_name=None, signer_position="Kierownik Wydziału")


def test_issuing_links_the_sealed_original_and_its_pdf_once_per_key() -> None:
    ports, _, case = fake_ports()
    first, now = logic.issue(ports, "1418043", "c" * 32, DRAFT, clerk="clerk-1", clerk_name="Jan Kowalski",
                             key="klucz-0001", now=NOW)
    assert now
    assert [(f.kind, f.content_type, f.for_party) for f in case.stored] == [
        ("rozstrzygniecie", "application/xml", True), ("zalacznik", "application/pdf", True)]
    assert first["files"]["xml"]["id"] == case.stored[0].file_id
    again, now = logic.issue(ports, "1418043", "c" * 32, DRAFT, clerk="clerk-1", clerk_name="Jan Kowalski",
                             key="klucz-0001", now=NOW)
    assert (again, now, len(case.stored)) == (first, False, 2)
    other = logic.Draft(kind="decyzja", values={**DECISION, "rozstrzygniecie": "Odmawia się."}, signer_name=None,
                        signer_position="Kierownik Wydziału")
    with pytest.raises(Conflict) as caught:
        logic.issue(ports, "1418043", "c" * 32, other, clerk="clerk-1", clerk_name="Jan Kowalski",
                    key="klucz-0001", now=NOW)
    assert caught.value.code == "idempotency_key_reused"


def test_a_retry_after_the_files_were_linked_records_the_letter_without_issuing_it_again() -> None:
    ports, letters, case = fake_ports()
    first, _ = logic.issue(ports, "1418043", "c" * 32, DRAFT, clerk="clerk-1", clerk_name="Jan Kowalski",
                           key="klucz-0002", now=NOW)
    letters.items.clear()  # the attempt died after linking the files, before recording the letter
    again, now = logic.issue(ports, "1418043", "c" * 32, DRAFT, clerk="clerk-1", clerk_name="Jan Kowalski",
                             key="klucz-0002", now=NOW)
    assert (again, now, len(case.stored)) == (first, True, 2)


def test_a_signer_needs_a_name_from_the_token_or_the_request() -> None:
    ports, _, _ = fake_ports()
    with pytest.raises(Unprocessable) as caught:
        logic.preview(ports, RECORD, DRAFT, clerk_name=None, now=NOW)
    assert caught.value.details[0]["field"] == "signer_name"
    named = logic.Draft(kind="pismo", values=VALID["pismo"], signer_name="Anna Nowak", signer_position="Referent")
    shown = logic.preview(ports, RECORD, named, clerk_name=None, now=NOW)
    assert shown["signer"] == {"name": "Anna Nowak", "position": "Referent"}
    assert "Anna Nowak" in text_of(base64.b64decode(shown["pdf"]["data_base64"]))
