"""Issuing the office's letters in a case: composed from a template, rendered (PDF inside ePUAP-style XML),
sealed with the office seal, stored and linked to the case as files shared with the party; once per key.

No Chalice, no boto3: the case (through the cases module's interface), the letters' own records, the JST, the
seal and the PDF renderer come in as ports. The same `Idempotency-Key` (per JST, case and clerk) gives the same
letter and issues nothing more; the same key with another letter is 409 `idempotency_key_reused`. The letter's
id and its files' ids follow from the key, so an attempt that died after linking the files to the case and
before recording the letter is completed by its retry from what the case lists, never issued twice.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from lxml import etree

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.documents import letter as letter_xml
from chalicelib.documents.letter import Letter, Office, Party
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.cases import OfficeFile
from chalicelib.modules.letters.compose import CaseFacts, Signer, Template, compose, templates

PREVIEW_ID = "0" * 32


class LetterRecords(Protocol):
    def find(self, terc: str, case_id: str, letter_id: str) -> dict[str, Any] | None: ...

    def put(self, terc: str, case_id: str, letter: dict[str, Any]) -> bool: ...  # False: already there

    def of_case(self, terc: str, case_id: str) -> list[dict[str, Any]]: ...


class CaseFiles(Protocol):
    def record(self, terc: str, case_id: str) -> dict[str, Any]: ...  # 404/403 as the cases routes

    def add(self, terc: str, case_id: str, files: list[OfficeFile], at: datetime) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Ports:
    letters: LetterRecords
    cases: CaseFiles
    tenant: Callable[[str], TenantConfig]
    seal: Callable[[etree._Element, datetime], bytes]
    render_pdf: Callable[[Letter], bytes]


@dataclass(frozen=True)
class Draft:
    """What the clerk asks for: the kind, their values for its template, and who signs."""

    kind: str
    values: Mapping[str, Any]
    signer_name: str | None
    signer_position: str

    def digest(self) -> str:
        body = {"kind": self.kind, "values": self.values, "signer_name": self.signer_name,
                "signer_position": self.signer_position}
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def letter_id_of(terc: str, case_id: str, clerk: str, key: str) -> str:
    return hashlib.sha256(f"{terc}\n{case_id}\n{clerk}\n{key}".encode()).hexdigest()[:32]


def file_id_of(letter_id: str, what: str) -> str:
    return hashlib.sha256(f"{letter_id}:{what}".encode()).hexdigest()[:32]


def facts_of(record: Mapping[str, Any], tenant: TenantConfig) -> CaseFacts:
    data = record.get("applicant_data") or {}
    address = data.get("address") or {}
    lines = tuple(line for line in (
        " ".join(str(address.get(k) or "") for k in ("street", "building")).strip(),
        " ".join(str(address.get(k) or "") for k in ("postal_code", "city")).strip()) if line)
    office = Office(name=tenant.office_name, terc=tenant.terc, street=tenant.address.street,
                    building=tenant.address.building, postal_code=tenant.address.postal_code, city=tenant.address.city)
    return CaseFacts(terc=str(record["terc"]), case_id=str(record["case_id"]), case_sign=str(record["case_sign"]),
                     service_name=str(record.get("service_name") or record.get("service") or ""),
                     started_on=_day(record.get("started_on")), due_date=_day(record.get("due_date")),
                     party=Party(name=str(record.get("applicant") or ""), address=lines), office=office)


def template_of(kind: str) -> Template:
    return templates()[kind]


def composed(ports: Ports, record: Mapping[str, Any], draft: Draft, *, clerk_name: str | None, letter_id: str,
             now: datetime) -> tuple[Template, Letter]:
    template = template_of(draft.kind)
    name = clerk_name or (draft.signer_name or "").strip()
    if not name:
        raise Unprocessable(details=[{"field": "signer_name", "code": "required", "message":
                                      "Podaj imię i nazwisko osoby podpisującej (token go nie zawiera)."}])
    facts = facts_of(record, ports.tenant(str(record["terc"])))
    return template, compose(template, facts, draft.values, Signer(name=name, position=draft.signer_position),
                             letter_id=letter_id, today=now.astimezone(WARSAW).date())


def preview(ports: Ports, record: Mapping[str, Any], draft: Draft, *, clerk_name: str | None,
            now: datetime) -> dict[str, Any]:
    """The letter as it would be issued now, rendered and not stored: its parts, and the PDF (base64)."""
    template, letter = composed(ports, record, draft, clerk_name=clerk_name, letter_id=PREVIEW_ID, now=now)
    pdf = ports.render_pdf(letter)
    return {"kind": letter.kind, "template": template.ref, "title": letter.title, "case_sign": letter.case_sign,
            "parts": [{"name": p.name, "heading": p.heading, "paragraphs": list(p.paragraphs)} for p in letter.parts],
            "signer": {"name": letter.signer_name, "position": letter.signer_position},
            "pdf": {"content_type": "application/pdf", "filename": f"{letter.filename}.pdf", "size": len(pdf),
                    "sha256": hashlib.sha256(pdf).hexdigest(), "data_base64": base64.b64encode(pdf).decode()}}


def issue(ports: Ports, terc: str, case_id: str, draft: Draft, *, clerk: str, clerk_name: str | None, key: str,
          now: datetime) -> tuple[dict[str, Any], bool]:
    """The issued letter and whether it was issued now (False: the key's letter, replayed)."""
    letter_id = letter_id_of(terc, case_id, clerk, key)
    record = ports.cases.record(terc, case_id)  # 404/403 before anything else, a replay included
    earlier = ports.letters.find(terc, case_id, letter_id)
    if earlier is not None:
        return _replayed(earlier, draft), False
    template, letter = composed(ports, record, draft, clerk_name=clerk_name, letter_id=letter_id, now=now)
    xml_id, pdf_id = file_id_of(letter_id, "xml"), file_id_of(letter_id, "pdf")
    listed = {f["id"] for f in record.get("files", [])}
    if not {xml_id, pdf_id} <= listed:
        pdf = ports.render_pdf(letter)
        sealed = ports.seal(letter_xml.render(letter, pdf, made_at=now), now)
        title = f"{template.name} — {letter.case_sign}"
        record = ports.cases.add(terc, case_id, [
            OfficeFile(file_id=xml_id, title=f"{title} (oryginał z pieczęcią urzędu, XML)", kind=template.file_kind,
                       filename=f"{letter.filename}.xml", content_type="application/xml", body=sealed,
                       for_party=True),
            OfficeFile(file_id=pdf_id, title=f"{title} (wizualizacja, PDF)", kind="zalacznik",
                       filename=f"{letter.filename}.pdf", content_type="application/pdf", body=pdf, for_party=True),
        ], now)
    files = {f["id"]: f for f in record.get("files", [])}
    issued = {"letter_id": letter_id, "case_id": case_id, "case_sign": letter.case_sign, "kind": letter.kind,
              "template": template.ref, "title": letter.title, "issued_at": files[xml_id]["added_at"],
              "issued_by": clerk, "signer": {"name": letter.signer_name, "position": letter.signer_position},
              "request_sha256": draft.digest(),
              "files": {"xml": _file(files[xml_id]), "pdf": _file(files[pdf_id])}}
    if not ports.letters.put(terc, case_id, issued):  # a concurrent retry of the same key recorded it first
        again = ports.letters.find(terc, case_id, letter_id)
        return _replayed(again or issued, draft), False
    return issued, True


def _replayed(earlier: dict[str, Any], draft: Draft) -> dict[str, Any]:
    if earlier.get("request_sha256") != draft.digest():
        raise Conflict("Ten klucz Idempotency-Key wydał już inne pismo w tej sprawie.", code="idempotency_key_reused")
    return earlier


def _file(file: Mapping[str, Any]) -> dict[str, Any]:
    return {k: file[k] for k in ("id", "title", "kind", "filename", "content_type", "size", "sha256")}


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
