"""The office's letters against the emulator: previewed without a trace, issued (sealed with the office seal from
Secrets Manager, stored, linked to the case as files shared with the party, in the audit trail), downloaded by the
resident; the same Idempotency-Key gives the same letter; refusals leave nothing."""

from __future__ import annotations

import base64
import io
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from lxml import etree

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.documents import letter as letter_xml
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.audit import repository
from chalicelib.modules.cases.models import Plan
from chalicelib.modules.cases.repository import DynamoCases
from chalicelib.signatures import pki
from tests import signing
from tests.conftest import auth
from tests.integration.test_case_life import CLERK, ELSEWHERE, OTHER, START, post
from tests.integration.test_case_signs import A, accepted, filing

pytestmark = pytest.mark.usefixtures("platform")
NAMED = auth("clerk", A, subject="clerk-anna", department="FN", given_name="Anna", family_name="Wiśniewska")
DECISION = {"kind": "decyzja", "signer_position": "Kierownik Wydziału Finansowego", "fields": {
    "podstawa_prawna": "art. 67a § 1 pkt 1 Ordynacji podatkowej",
    "rozstrzygniecie": "Odracza się termin płatności podatku od nieruchomości do dnia 30.06.2031 r.",
    "uzasadnienie": "Strona wykazała ważny interes; zażółć gęślą jaźń.", "organ_odwolawczy": "sko"}}


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(START)
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


def registered() -> str:
    """A one-month case of the FN department whose party is named (the letters are addressed to them)."""
    plan = Plan(terc=A, department="FN", department_name="Wydział Finansowy", jrwa="3120", year=2042,
                deadline_kind=DeadlineKind.JEDEN_MIESIAC, started_on=date(2031, 3, 2), due_date=date(2031, 4, 2))
    filed = filing(accepted(2042))
    filed = replace(filed, facts=filed.facts.model_copy(update={"applicant": "Zofia Żółkiewska"}))
    case = DynamoCases().register(plan, filed, at=START, notify=False)
    assert case is not None
    return case.case_id


def letters(api: Any, case_id: str, body: dict[str, Any], headers: dict[str, str], key: str | None = None,
            what: str = "letters") -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return api.http.post(f"/v1/tenants/{A}/cases/{case_id}/{what}", body=json.dumps(body),
                         headers={**headers, **extra, "Content-Type": "application/json"})


def fetched(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as got:
        body: bytes = got.read()
        return body


def test_a_decision_previewed_issued_sealed_linked_and_downloaded_by_the_party(
        api: Any, clock: FixedClock, demo_pki: pki.DemoPki, tmp_path: Path) -> None:
    # Given a case taken by its clerk, whose token carries her name
    case_id = registered()
    owner = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body["case"]["owner"]
    assert post(api, case_id, "assignment", {}, NAMED).status_code == 200
    # When she previews the decision: the PDF, with the case's sign and the appeal instruction, and nothing stored
    preview = letters(api, case_id, DECISION, NAMED, what="letters/preview")
    assert preview.status_code == 200, preview.body
    text = " ".join(pypdf.PdfReader(io.BytesIO(base64.b64decode(preview.json_body["pdf"]["data_base64"])))
                    .pages[0].extract_text().split())
    sign = preview.json_body["case_sign"]
    assert f"Znak sprawy: {sign}" in text and "Samorządowe Kolegium Odwoławcze w Warszawie" in text
    assert "zażółć gęślą jaźń" in text and "Anna Wiśniewska" in text and "Zofia Żółkiewska" in text
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body["case"].get("files", []) == []
    # And issues it
    issued = letters(api, case_id, DECISION, NAMED, key="decyzja-0001")
    assert issued.status_code == 201, issued.body
    letter = issued.json_body
    assert (letter["kind"], letter["template"], letter["signer"]["name"]) == ("decyzja", "decyzja/v1",
                                                                             "Anna Wiśniewska")
    # Then the case lists the sealed original (a decision: rozstrzygnięcie) and its PDF, both shared with the party
    case = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body
    files = {f["id"]: f for f in case["case"]["files"]}
    xml_id, pdf_id = letter["files"]["xml"]["id"], letter["files"]["pdf"]["id"]
    assert (files[xml_id]["kind"], files[xml_id]["for_party"], files[pdf_id]["for_party"]) == (
        "rozstrzygniecie", True, True)
    actions = [e["action"] for _, e in repository.DynamoAuditChain().entries(A) if e["case_id"] == case_id]
    assert actions[-2:] == ["case.file", "case.file"]
    # and the party downloads the sealed XML, which xmlsec1 accepts with the region's root, carrying the PDF
    resident = auth("resident", subject=owner)
    mine = api.http.get(f"/v1/me/cases/{case_id}/files/{xml_id}", headers=resident)
    assert mine.status_code == 200, mine.body
    sealed = fetched(mine.json_body["url"])
    accepted = signing.xmlsec1_as_clerk(sealed, demo_pki.root.cert_pem(), tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    changed = sealed.replace(b"Odracza", b"Odrzuca", 1)
    assert changed != sealed and signing.xmlsec1_as_clerk(changed, demo_pki.root.cert_pem(), tmp_path).returncode != 0
    pdf = fetched(api.http.get(f"/v1/me/cases/{case_id}/files/{pdf_id}", headers=resident).json_body["url"])
    assert letter_xml.embedded_pdf(etree.fromstring(sealed)) == pdf
    # The same key gives the same letter and adds nothing; another letter under it is 409
    again = letters(api, case_id, DECISION, NAMED, key="decyzja-0001")
    assert (again.status_code, again.json_body) == (201, letter)
    after = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body["case"]["files"]
    assert len(after) == 2
    reused = letters(api, case_id, {**DECISION, "signer_position": "Inspektor"}, NAMED, key="decyzja-0001")
    assert reused.status_code == 409 and reused.json_body["error"]["code"] == "idempotency_key_reused"
    # And the list shows the letter
    listed = api.http.get(f"/v1/tenants/{A}/cases/{case_id}/letters", headers=CLERK)
    assert listed.status_code == 200 and listed.json_body["items"] == [letter]


def test_refused_letters_leave_nothing_on_the_case(api: Any, clock: FixedClock) -> None:
    case_id = registered()
    assert post(api, case_id, "assignment", {}, CLERK).status_code == 200
    # a decision without its reasons is 422 naming art. 107; a clerk without a name in the token must give one
    no_reasons = {**DECISION, "fields": {k: v for k, v in DECISION["fields"].items() if k != "uzasadnienie"}}
    missing = letters(api, case_id, no_reasons, NAMED, key="decyzja-0002")
    assert missing.status_code == 422, missing.body
    assert [(d["field"], d["code"]) for d in missing.json_body["error"]["details"]] == [
        ("fields.uzasadnienie", "required_part_missing")]
    unnamed = letters(api, case_id, DECISION, CLERK, key="decyzja-0003")
    assert unnamed.status_code == 422 and unnamed.json_body["error"]["details"][0]["field"] == "signer_name"
    assert letters(api, case_id, DECISION, NAMED).json_body["error"]["code"] == "idempotency_key_missing"
    # another department 403, a clerk not the assignee 403 (they may preview and list, not issue)
    assert letters(api, case_id, DECISION, ELSEWHERE, key="decyzja-0004").status_code == 403
    other = {**DECISION, "signer_name": "Jan Nowak"}
    assert letters(api, case_id, other, OTHER, key="decyzja-0005").status_code == 403
    assert letters(api, case_id, other, OTHER, what="letters/preview").status_code == 200
    case = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body["case"]
    assert case.get("files", []) == []
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}/letters", headers=CLERK).json_body["items"] == []
