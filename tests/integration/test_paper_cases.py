"""Paper cases against the emulator: a clerk uploads the scan and registers the application (next sign, the KPA
clock from the date received); the applicant follows it with the sign and the access code; wrong codes are told
nothing and limited; a retried POST is one case; other JSTs and departments are refused and nothing is written."""

from __future__ import annotations

import json
import random
import re
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from tests.conftest import auth
from tests.emulator import sent_emails
from tests.files import make_pdf, make_png
from tests.uploads import post_file

A, B = "1418043", "1418032"
CLERK = auth("clerk", A, subject="clerk-dg", department="DG")
KANCELARIA = auth("clerk", A, subject="kancelaria-1")
OTHER_DEPARTMENT = auth("clerk", A, subject="clerk-fn", department="FN")
OTHER_JST = auth("clerk", B, subject="clerk-b", department="DG")
START = datetime(2032, 5, 10, 9, 0, tzinfo=UTC)  # received Friday 2032-05-07 -> one month: Monday 2032-06-07
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(START)
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


def lookup_hour(clock: FixedClock) -> None:
    """Move to an hour no other run used: the lookup counters are per address (all tests share one) and hour."""
    clock.advance(hours=random.randrange(24 * 365 * 50))


def scan(api: Any, headers: dict[str, str], content: bytes = b"", content_type: str = "application/pdf") -> str:
    content = content or make_pdf()
    slot = api.http.post(f"/v1/tenants/{A}/scans", headers={**headers, **JSON}, body=json.dumps(
        {"filename": "wniosek-skan.pdf", "content_type": content_type, "size": len(content)}))
    assert slot.status_code == 201, slot.body
    assert post_file(slot.json_body["upload"], content) == 204
    return str(slot.json_body["scan_id"])


def application(scans: list[str], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service": "zezwolenie-na-sprzedaz-alkoholu", "channel": "papier", "received_on": "2032-05-07",
        "applicant": {"name": "Anna Nowak", "pesel": "44051401359", "email": f"anna-{uuid.uuid4().hex[:8]}@example.pl",
                      "address": {"street": "Kościuszki", "building": "5", "postal_code": "05-500",
                                  "city": "Piaseczno"}},
        "scans": scans}
    data.update(changes)
    return data


def register(api: Any, data: dict[str, Any], headers: dict[str, str] = CLERK, key: str | None = None) -> Any:
    return api.http.post(f"/v1/tenants/{A}/cases", body=json.dumps(data),
                         headers={**headers, **JSON, "Idempotency-Key": key or f"papier-{uuid.uuid4().hex}"})


def look(api: Any, sign: str, code: str) -> Any:
    return api.http.post("/v1/public/cases/lookup", body=json.dumps({"sign": sign, "code": code}), headers=JSON)


def test_a_paper_case_gets_a_sign_and_the_clock_from_the_date_received_and_the_code_opens_it(
        api: Any, clock: FixedClock) -> None:
    # Given a clerk of DG who uploaded the scan, when they register the application received on paper
    data = application([scan(api, CLERK)])
    answer = register(api, data)
    assert answer.status_code == 201, answer.body
    assert answer.headers["Cache-Control"] == "no-store"
    case, code = answer.json_body["case"], answer.json_body["access_code"]
    # Then it has the department's next sign and the KPA clock runs from the date received
    assert re.fullmatch(r"DG\.7340\.\d+\.2032", case["case_sign"])
    assert (case["started_on"], case["due_date"], case["status"]) == ("2032-05-07", "2032-06-07", "zarejestrowana")
    assert (case["channel"], case["applicant_data"]["pesel"], case["scans"][0]["content_type"]) == (
        "papier", "44051401359", "application/pdf")
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code)
    # The clerk downloads exactly the scan that was checked
    link = api.http.get(f"/v1/tenants/{A}/cases/{case['case_id']}/scans/{case['scans'][0]['scan_id']}",
                        headers=CLERK)
    assert link.status_code == 200, link.body
    with urllib.request.urlopen(link.json_body["url"], timeout=30) as got:
        assert got.read() == make_pdf()
    assert api.http.get(f"/v1/tenants/{A}/cases/{case['case_id']}/scans/{'0' * 32}",
                        headers=CLERK).status_code == 404
    assert api.http.get(f"/v1/tenants/{A}/cases/{case['case_id']}/scans/{case['scans'][0]['scan_id']}",
                        headers=OTHER_DEPARTMENT).status_code == 403
    # and the clerk works it with the same API as an e-case
    taken = api.http.post(f"/v1/tenants/{A}/cases/{case['case_id']}/assignment", body="{}",
                          headers={**CLERK, **JSON})
    assert taken.status_code == 200, taken.body
    assert taken.json_body["case"]["status"] == "w_toku"
    # The applicant was e-mailed the sign and the due date, never the code
    mails = [m for m in sent_emails() if data["applicant"]["email"] in m["To"]]
    assert any(case["case_sign"] in m["BodyText"] and "07.06.2032" in m["BodyText"] for m in mails)
    assert not any(code in m["BodyText"] or code.replace("-", "") in m["BodyText"] for m in mails)
    # With the sign and the code (typed in lower case, without dashes), anyone sees the party's view, nothing more
    lookup_hour(clock)
    seen = look(api, case["case_sign"], code.replace("-", " ").lower())
    assert seen.status_code == 200, seen.body
    assert seen.headers["Cache-Control"] == "no-store"
    assert [s["state"] for s in seen.json_body["stages"]] == ["zarejestrowana", "w_toku"]
    assert seen.json_body["clock"]["due_date"] == "2032-06-07"
    assert not {"applicant_data", "assignee", "notes", "history"} & set(seen.json_body)
    assert "Nowak" not in seen.body.decode() and "clerk-dg" not in seen.body.decode()


def test_a_wrong_code_is_the_404_of_an_unknown_sign_and_the_sixth_failure_is_429(api: Any, clock: FixedClock) -> None:
    answer = register(api, application([scan(api, CLERK)]))
    sign, code = answer.json_body["case"]["case_sign"], answer.json_body["access_code"]
    lookup_hour(clock)
    unknown = look(api, "DG.7340.999999.2032", code)
    assert unknown.status_code == 404
    wrong = [look(api, sign, "ABCDE-FGHJK-MNPQR") for _ in range(5)]
    assert {w.status_code for w in wrong} == {404}
    assert {w.body for w in wrong} == {unknown.body}
    assert unknown.json_body["error"]["code"] == "case_not_found"
    # The sixth attempt within the hour is refused, even with the right code
    limited = look(api, sign, code)
    assert limited.status_code == 429, limited.body
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert limited.json_body["error"]["code"] == "too_many_lookups"
    assert "Spróbuj ponownie" in limited.json_body["error"]["message"]
    # The next hour the right code opens it
    clock.advance(hours=1)
    assert look(api, sign, code).status_code == 200


def test_a_retried_post_is_one_case_and_only_the_last_code_opens_it(api: Any, clock: FixedClock) -> None:
    data = application([scan(api, CLERK)])
    key = f"papier-{uuid.uuid4().hex}"
    first = register(api, data, key=key)
    again = register(api, data, key=key)
    assert (first.status_code, again.status_code) == (201, 201), again.body
    assert again.json_body["case"] == first.json_body["case"]
    assert again.json_body["access_code"] != first.json_body["access_code"]
    sign = first.json_body["case"]["case_sign"]
    # A scan belongs to the one case it was registered with
    taken = register(api, application(data["scans"]))
    assert taken.status_code == 422 and taken.json_body["error"]["details"][0]["code"] == "scan_not_found"
    # The same key for another application is refused; the next case takes the very next number
    reused = register(api, application(data["scans"], channel="epuap"), key=key)
    assert reused.status_code == 409 and reused.json_body["error"]["code"] == "idempotency_key_reused"
    following = register(api, application([scan(api, CLERK)]))
    number = int(sign.split(".")[2])
    assert following.json_body["case"]["case_sign"] == f"DG.7340.{number + 1}.2032"
    # Only the code of the last answer opens the case
    lookup_hour(clock)
    assert look(api, sign, first.json_body["access_code"]).status_code == 404
    assert look(api, sign, again.json_body["access_code"]).status_code == 200


def test_who_may_register_and_what_is_refused_leaves_nothing_written(api: Any, clock: FixedClock) -> None:
    good = scan(api, CLERK)
    before = register(api, application([scan(api, CLERK)])).json_body["case"]["case_sign"]
    # another JST's clerk: 403; a clerk of another department: 403; a scan someone else uploaded: 422
    assert register(api, application([good]), headers=OTHER_JST).status_code == 403
    assert register(api, application([good]), headers=OTHER_DEPARTMENT).status_code == 403
    foreign = register(api, application([good]), headers=KANCELARIA)
    assert foreign.status_code == 422 and foreign.json_body["error"]["details"][0] == {
        "field": "scans[0]", "code": "scan_not_found",
        "message": "Nie ma takiego skanu (przesłanego przez Ciebie w ciągu ostatniej doby)."}
    # a PNG uploaded as a PDF, a date in the future, a wrong PESEL, a service the JST does not offer
    disguised = scan(api, CLERK, make_png(), "application/pdf")
    refused = register(api, application([disguised]))
    assert refused.status_code == 422 and refused.json_body["error"]["details"][0]["code"] == "scan_rejected"
    future = register(api, application([good], received_on=(START + timedelta(days=1)).date().isoformat()))
    assert future.status_code == 422 and future.json_body["error"]["details"][0]["field"] == "received_on"
    pesel = application([good])
    pesel["applicant"]["pesel"] = "44051401358"
    wrong = register(api, pesel)
    assert wrong.status_code == 422 and wrong.json_body["error"]["details"][0]["field"] == "applicant.pesel"
    assert register(api, application([good], service="nie-ma-takiej")).json_body["error"]["details"][0][
        "field"] == "service"
    assert register(api, application([good]), key="x").json_body["error"]["code"] == "idempotency_key_invalid"
    # none of it took a number
    after = register(api, application([good])).json_body["case"]["case_sign"]
    assert int(after.split(".")[2]) == int(before.split(".")[2]) + 1
