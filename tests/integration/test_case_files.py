"""Files the office adds to a case, against the emulator: uploaded as a scan, checked by content, copied into
the case's documents; the clerk downloads any (audited), the party only those shared with them; the case is
settled with an attached decision, which the party then downloads."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.modules.audit import repository
from tests.conftest import auth
from tests.files import make_pdf, make_png
from tests.integration.test_case_life import CLERK, ELSEWHERE, OTHER, START, post, registered
from tests.integration.test_case_signs import A
from tests.uploads import post_file

pytestmark = pytest.mark.usefixtures("platform")
OTHER_JST = auth("clerk", "1418032", subject="clerk-b", department="FN")
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(START)
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


def upload(api: Any, content: bytes, content_type: str = "application/pdf", headers: dict[str, str] = CLERK) -> str:
    slot = api.http.post(f"/v1/tenants/{A}/scans", headers={**headers, **JSON}, body=json.dumps(
        {"filename": "decyzja.pdf", "content_type": content_type, "size": len(content)}))
    assert slot.status_code == 201, slot.body
    assert post_file(slot.json_body["upload"], content) == 204
    return str(slot.json_body["scan_id"])


def add(api: Any, case_id: str, scan_id: str, title: str, kind: str = "zalacznik", for_party: bool = False,
        headers: dict[str, str] = CLERK) -> Any:
    return post(api, case_id, "files", {"scan_id": scan_id, "title": title, "kind": kind, "for_party": for_party},
                headers)


def fetched(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as got:
        body: bytes = got.read()
        return body


def test_internal_and_shared_files_then_settled_with_the_decision_the_party_downloads(
        api: Any, clock: FixedClock) -> None:
    # Given a case taken by its clerk, and the party's token
    case_id = registered()
    owner = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body["case"]["owner"]
    resident = auth("resident", subject=owner)
    assert post(api, case_id, "assignment", {}, CLERK).status_code == 200
    # When the clerk adds an internal attachment and a decision shared with the party
    internal = add(api, case_id, upload(api, make_png(), "image/png"), "Notatka służbowa ze skanem")
    assert internal.status_code == 200, internal.body
    decision = add(api, case_id, upload(api, make_pdf()), "Decyzja nr 1/2031", "rozstrzygniecie", True)
    assert decision.status_code == 200, decision.body
    files = decision.json_body["case"]["files"]
    assert [(f["title"], f["kind"], f["for_party"], f["size"]) for f in files] == [
        ("Notatka służbowa ze skanem", "zalacznik", False, len(make_png())),
        ("Decyzja nr 1/2031", "rozstrzygniecie", True, len(make_pdf()))]
    assert [e["kind"] for e in decision.json_body["history"]][-2:] == ["file", "file"]
    inner, shared = files[0]["id"], files[1]["id"]
    # Then the clerk downloads exactly what was checked, and the read is in the audit trail
    link = api.http.get(f"/v1/tenants/{A}/cases/{case_id}/files/{inner}", headers=CLERK)
    assert link.status_code == 200, link.body
    assert fetched(link.json_body["url"]) == make_png()
    actions = [(e["action"], e["details"].get("document")) for _, e in repository.DynamoAuditChain().entries(A)
               if e["case_id"] == case_id]
    assert actions[-3:] == [("case.file", None), ("case.file", None), ("document.read", f"file:{inner}")]
    # And the case is settled naming the attached decision
    settled = post(api, case_id, "transitions", {"to": "zalatwiona", "reason": "Wydano decyzję",
                                                 "document_file": shared}, CLERK)
    assert settled.status_code == 200, settled.body
    # The party sees only the shared decision, in the stages and the files, and downloads it
    seen = api.http.get(f"/v1/me/cases/{case_id}", headers=resident)
    assert seen.status_code == 200, seen.body
    assert [f["id"] for f in seen.json_body["files"]] == [shared]
    assert seen.json_body["stages"][-1]["document_file"] == {"id": shared, "title": "Decyzja nr 1/2031"}
    assert "Notatka służbowa" not in seen.body.decode()
    mine = api.http.get(f"/v1/me/cases/{case_id}/files/{shared}", headers=resident)
    assert mine.status_code == 200, mine.body
    assert fetched(mine.json_body["url"]) == make_pdf()
    # never the internal file, nor anyone else's case
    assert api.http.get(f"/v1/me/cases/{case_id}/files/{inner}", headers=resident).status_code == 404
    stranger = auth("resident", subject="someone-else")
    assert api.http.get(f"/v1/me/cases/{case_id}/files/{shared}", headers=stranger).status_code == 404


def test_what_is_refused_leaves_no_file_on_the_case(api: Any, clock: FixedClock) -> None:
    case_id = registered()
    assert post(api, case_id, "assignment", {}, CLERK).status_code == 200
    # a PNG declared as a PDF is 422 at scan_id; another clerk's upload too
    disguised = add(api, case_id, upload(api, make_png(), "application/pdf"), "Decyzja")
    assert disguised.status_code == 422, disguised.body
    assert disguised.json_body["error"]["details"][0]["field"] == "scan_id"
    assert disguised.json_body["error"]["details"][0]["code"] == "scan_rejected"
    foreign = add(api, case_id, upload(api, make_pdf(), headers=OTHER), "Decyzja")
    assert foreign.status_code in (403, 422)
    # another JST 403, another department 403, a clerk not the assignee 403
    good = upload(api, make_pdf())
    assert add(api, case_id, good, "Decyzja", headers=OTHER_JST).status_code == 403
    assert add(api, case_id, good, "Decyzja", headers=ELSEWHERE).status_code == 403
    assert add(api, case_id, good, "Decyzja", headers=OTHER).status_code == 403
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}/files/{'0' * 32}", headers=CLERK).status_code == 404
    # settling with a file that is not a shared decision is 409
    wrong = post(api, case_id, "transitions", {"to": "zalatwiona", "reason": "x", "document_file": "0" * 32}, CLERK)
    assert wrong.status_code == 409 and wrong.json_body["error"]["code"] == "document_file_invalid"
    case = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body
    assert case["case"].get("files", []) == [] and case["case"]["status"] == "w_toku"
    # a closed case takes no file
    assert post(api, case_id, "transitions", {"to": "umorzona", "reason": "Cofnięto wniosek"}, CLERK).status_code == 200
    closed = add(api, case_id, good, "Decyzja")
    assert closed.status_code == 409 and closed.json_body["error"]["code"] == "case_closed"
