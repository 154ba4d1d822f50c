"""A case's life through the API against the emulator: taken, a summons that stops the KPA clock, supplemented,
settled, closed; the due date moved by the paused days; two clerks at once; what a clerk may not do."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.models import Plan
from chalicelib.modules.cases.repository import DynamoCases
from tests.conftest import auth
from tests.emulator import sent_emails
from tests.integration.test_case_signs import A, accepted, filing

CLERK = auth("clerk", A, subject="clerk-anna", department="FN")
OTHER = auth("clerk", A, subject="clerk-jan", department="FN")
HEAD = auth("clerk", A, subject="head-fn", department="FN", department_head=True)
ELSEWHERE = auth("clerk", A, subject="clerk-gk", department="GK")
START = datetime(2031, 3, 2, 9, 0, tzinfo=UTC)  # Sunday 2031-03-02 -> one month: Wednesday 2031-04-02


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(START)
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


def registered(email: str | None = None, at: datetime = START) -> str:
    submission = accepted(2041)  # a year of its own: other tests count signs from 1
    plan = Plan(terc=A, department="FN", department_name="Wydział Finansowy", jrwa="3120", year=2041,
                deadline_kind=DeadlineKind.JEDEN_MIESIAC, started_on=date(2031, 3, 2), due_date=date(2031, 4, 2))
    filed = filing(submission)
    filed = replace(filed, facts=filed.facts.model_copy(update={"email": email}))
    case = DynamoCases().register(plan, filed, at=at, notify=False)
    assert case is not None
    return case.case_id


def post(api: Any, case_id: str, what: str, body: dict[str, Any], headers: dict[str, str],
         version: int | None = None) -> Any:
    extra = {"If-Match": f'"{version}"'} if version is not None else {}
    return api.http.post(f"/v1/tenants/{A}/cases/{case_id}/{what}", body=json.dumps(body),
                         headers={**headers, **extra, "Content-Type": "application/json"})


def test_registered_taken_summoned_supplemented_settled_closed(api: Any, clock: FixedClock) -> None:
    # Given a registered one-month case (due 2031-04-02)
    case_id = registered()
    # When a clerk takes it, it goes "w toku" and is theirs
    taken = post(api, case_id, "assignment", {}, CLERK)
    assert taken.status_code == 200, taken.body
    assert taken.headers["ETag"] == '"1"'
    assert (taken.json_body["case"]["status"], taken.json_body["case"]["assignee"]) == ("w_toku", "clerk-anna")
    # And summons the resident on 03-05 with a term of 7 days: the clock stops
    clock.advance(days=3)
    summoned = post(api, case_id, "transitions", {"to": "wezwanie", "reason": "Brak pełnomocnictwa",
                                                   "gaps": ["pełnomocnictwo"], "term_days": 7}, CLERK, version=1)
    assert summoned.status_code == 200, summoned.body
    assert summoned.json_body["clock"]["running"] is False
    assert summoned.json_body["summonses"][0]["term_until"] == "2031-03-12"
    # The resident supplies on 03-10 (5 days paused), a note is kept, the case is settled on 03-20 and closed
    clock.advance(days=5)
    assert post(api, case_id, "transitions", {"to": "uzupelniona", "reason": "Wpłynęło"}, CLERK).status_code == 200
    assert post(api, case_id, "notes", {"text": "Sprawdzić w KW"}, CLERK).status_code == 200
    clock.advance(days=10)
    settled = post(api, case_id, "transitions", {"to": "zalatwiona", "reason": "Wydano zaświadczenie",
                                                 "document": "FN.3120.1.2031.AN"}, CLERK)
    assert settled.status_code == 200, settled.body
    closed = post(api, case_id, "transitions", {"to": "zakonczona", "reason": "Doręczono"}, CLERK)
    assert closed.status_code == 200, closed.body
    # Then the stored case, read afresh, holds the whole path with who, when and why, and the moved due date
    seen = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK)
    assert seen.status_code == 200 and seen.headers["ETag"] == '"6"'
    body = seen.json_body
    assert [(h["from"], h["to"]) for h in body["history"] if h["kind"] == "transition"] == [
        ("zarejestrowana", "w_toku"), ("w_toku", "wezwanie"), ("wezwanie", "uzupelniona"),
        ("uzupelniona", "zalatwiona"), ("zalatwiona", "zakonczona")]
    assert body["history"][3]["document"] == "FN.3120.1.2031.AN"
    assert {h["by"] for h in body["history"]} == {"clerk-anna"}
    # 2031-04-02 + 5 paused days = Monday 2031-04-07
    assert (body["clock"]["original_due_date"], body["clock"]["due_date"]) == ("2031-04-02", "2031-04-07")
    assert body["case"]["due_date"] == "2031-04-07"
    assert (body["clock"]["running"], body["clock"]["ended"]) == (False, True)
    assert body["clock"]["pauses"][0] | {"basis": None} == {"state": "wezwanie", "from": "2031-03-05",
                                                             "to": "2031-03-10", "days": 5, "basis": None}
    assert body["notes"][0]["text"] == "Sprawdzić w KW" and body["allowed"] == []
    # And the department's inbox shows the case's state now
    inbox = api.http.get(f"/v1/tenants/{A}/inbox?limit=100", headers=CLERK).json_body
    assert {i["case_id"]: i["status"] for i in inbox["items"]}[case_id] == "zakonczona"


def test_an_illegal_transition_is_409_with_the_allowed_ones_and_writes_nothing(api: Any, clock: FixedClock) -> None:
    case_id = registered()
    assert post(api, case_id, "assignment", {}, CLERK).status_code == 200
    refused = post(api, case_id, "transitions", {"to": "zakonczona", "reason": "x"}, CLERK)
    assert refused.status_code == 409
    assert refused.json_body["error"]["code"] == "transition_not_allowed"
    assert refused.json_body["error"]["allowed"] == ["wezwanie", "zawieszona", "przekazana", "zalatwiona", "umorzona"]
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).headers["ETag"] == '"1"'
    # A summons with a term under 7 days is refused; a body that is not the shape is 422 with the field
    short = post(api, case_id, "transitions", {"to": "wezwanie", "reason": "x", "gaps": ["a"], "term_days": 3}, CLERK)
    assert (short.status_code, short.json_body["error"]["code"]) == (409, "summons_incomplete")
    bad = post(api, case_id, "transitions", {"to": "w toku", "reason": ""}, CLERK)
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json_body["error"]["details"]} == {"to", "reason"}


def test_two_clerks_at_once_one_wins_the_other_409(api: Any, clock: FixedClock) -> None:
    # Given an unassigned case that two clerks try to take at the same moment
    case_id = registered()

    def take(headers: dict[str, str]) -> Any:
        return post(api, case_id, "assignment", {}, headers)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(take, [CLERK, OTHER]))
    codes = sorted(a.status_code for a in answers)
    # Then one takes it and the other is refused (stale version, or already assigned), and the case has one clerk
    assert codes == [200, 409], [a.body for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json_body["error"]["code"] in ("version_conflict", "already_assigned")
    seen = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=HEAD).json_body
    winner = next(a for a in answers if a.status_code == 200).json_body["case"]["assignee"]
    assert seen["case"]["assignee"] == winner and seen["version"] == 1
    # And a change made on a version someone else moved past is 409 too
    stale = post(api, case_id, "notes", {"text": "x"}, HEAD, version=0)
    assert (stale.status_code, stale.json_body["error"]["code"]) == (409, "version_conflict")


def test_who_may_do_what(api: Any, clock: FixedClock) -> None:
    case_id = registered()
    # Another department's clerk does not see it; an unknown case is 404
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=ELSEWHERE).status_code == 403
    assert api.http.get(f"/v1/tenants/{A}/cases/{'f' * 32}", headers=CLERK).status_code == 404
    # Nor does another JST's clerk, nor a resident
    assert api.http.get(f"/v1/tenants/1418032/cases/{case_id}",
                        headers=auth("clerk", "1418032", department="FN")).status_code == 404
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=auth("resident")).status_code == 403
    # A clerk cannot assign a case to someone else; the head can, and then only the assignee or the head moves it
    assert post(api, case_id, "assignment", {"clerk": "clerk-jan"}, CLERK).json_body["error"]["code"] == (
        "not_department_head")
    assert post(api, case_id, "assignment", {"clerk": "clerk-jan"}, HEAD).status_code == 200
    moved = post(api, case_id, "transitions", {"to": "zawieszona", "reason": "x"}, CLERK)
    assert (moved.status_code, moved.json_body["error"]["code"]) == (403, "not_assignee")
    assert post(api, case_id, "transitions", {"to": "zawieszona", "reason": "art. 97"}, OTHER).status_code == 200


def test_the_resident_follows_the_case_without_notes_or_internal_reasons(api: Any, clock: FixedClock) -> None:
    # Given a case taken, with an internal note and a summons with a term, and the owner's token
    case_id = registered()
    owner = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body["case"]["owner"]
    resident = auth("resident", subject=owner)
    assert post(api, case_id, "assignment", {}, CLERK).status_code == 200
    assert post(api, case_id, "notes", {"text": "Wnioskodawca trudny"}, CLERK).status_code == 200
    clock.advance(days=3)
    assert post(api, case_id, "transitions", {"to": "wezwanie", "reason": "Wewnętrzny powód", "term_days": 14,
                                              "gaps": ["Dowód opłaty skarbowej"]}, CLERK).status_code == 200
    clock.advance(days=4)
    assert post(api, case_id, "transitions", {"to": "uzupelniona", "reason": "ok"}, CLERK).status_code == 200
    # When the resident opens "my cases" and the case
    mine = api.http.get("/v1/me/cases", headers=resident)
    seen = api.http.get(f"/v1/me/cases/{case_id}", headers=resident)
    # Then the list shows it in its state, and the case its stages with dates and the office's words
    assert mine.status_code == 200
    assert {i["case_id"]: i["state_label"] for i in mine.json_body["items"]}[case_id] == "uzupełniona"
    assert seen.status_code == 200, seen.body
    body = seen.json_body
    assert [s["state"] for s in body["stages"]] == ["zarejestrowana", "w_toku", "wezwanie", "uzupelniona"]
    assert body["stages"][2]["gaps"] == ["Dowód opłaty skarbowej"] and body["stages"][2]["term_until"] == "2031-03-19"
    assert body["summonses"][0]["term_until"] == "2031-03-19"
    # the due date moved by the 4 days of the summons, and why
    assert (body["clock"]["due_date"], body["pauses"][0]["days"]) == ("2031-04-07", 4)
    assert "art. 35 § 5" in body["pauses"][0]["basis"]
    # and nothing internal
    text = seen.body.decode() if isinstance(seen.body, bytes) else str(seen.body)
    assert "Wnioskodawca trudny" not in text and "Wewnętrzny powód" not in text and "clerk-anna" not in text
    # Another resident gets 404, as for a case that does not exist
    assert api.http.get(f"/v1/me/cases/{case_id}", headers=auth("resident", subject="someone")).status_code == 404


def _mails_to(address: str) -> list[str]:
    return [json.dumps(m, ensure_ascii=False) for m in sent_emails() if address in json.dumps(m)]


def test_the_party_is_mailed_on_each_change_it_is_to_be_told_of(api: Any, clock: FixedClock) -> None:
    # Given a case whose party gave an e-mail address
    address = f"strona-{uuid.uuid4().hex[:8]}@example.pl"
    case_id = registered(email=address)
    # When the clerk takes it, writes a note, and summons the party
    assert post(api, case_id, "assignment", {}, CLERK).status_code == 200
    assert post(api, case_id, "notes", {"text": "Tylko dla urzędu"}, CLERK).status_code == 200
    assert post(api, case_id, "transitions", {"to": "wezwanie", "reason": "x", "gaps": ["Podpis"], "term_days": 7},
                CLERK).status_code == 200
    # Then SES got two e-mails: "w toku" and the summons with its term (7 days from Sunday 03-02: Monday 03-10);
    # the note made none
    mails = _mails_to(address)
    assert len(mails) == 2, mails
    assert any("w toku" in m for m in mails) and any("Podpis" in m and "10.03.2031" in m for m in mails)
    assert not any("Tylko dla urzędu" in m for m in mails)


def test_a_notice_ses_refused_is_sent_by_the_sweeper(api: Any, clock: FixedClock,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.integrations.clients import mailer
    from chalicelib.modules.cases import notices, routes

    class Refusing:
        def send(self, mail: Any) -> str:
            raise RuntimeError("SES refused")

    # Given SES refusing while the clerk takes the case
    address = f"strona-{uuid.uuid4().hex[:8]}@example.pl"
    case_id = registered(email=address)
    monkeypatch.setattr(routes, "mailer", Refusing)
    taken = post(api, case_id, "assignment", {}, CLERK)
    # Then the change stands and no e-mail went out
    assert taken.status_code == 200 and _mails_to(address) == []
    # When the sweeper runs past the grace period, the e-mail goes out, once
    store = DynamoCases()
    assert any(s.record["case_id"] == case_id for s in store.notices_due(START + timedelta(minutes=5)))
    notices.sweep(store, mailer(), START + timedelta(minutes=5))
    notices.sweep(store, mailer(), START + timedelta(minutes=10))
    assert len(_mails_to(address)) == 1
    assert not any(s.record["case_id"] == case_id for s in store.notices_due(START + timedelta(minutes=10)))


def test_the_inbox_filters_by_state_and_by_clerk_on_their_indexes(api: Any, clock: FixedClock) -> None:
    # Given four new cases: one taken by Anna and summoned, one assigned to Jan, two left registered
    # (registered later than any other test's case, so that they come first, newest first)
    later = datetime.now(UTC) + timedelta(days=20000)
    summoned, janek = registered(), registered()
    waiting, also_waiting = registered(at=later), registered(at=later + timedelta(seconds=1))
    assert post(api, summoned, "assignment", {}, CLERK).status_code == 200
    assert post(api, summoned, "transitions", {"to": "wezwanie", "reason": "x", "gaps": ["a"], "term_days": 7},
                CLERK).status_code == 200
    assert post(api, janek, "assignment", {"clerk": "clerk-jan"}, HEAD).status_code == 200

    def ids(query: str) -> list[str]:
        answer = api.http.get(f"/v1/tenants/{A}/inbox?limit=100&{query}", headers=CLERK)
        assert answer.status_code == 200, answer.body
        return [i["case_id"] for i in answer.json_body["items"]]

    # Then each filter finds its cases, and only cases in that state or of that clerk
    assert summoned in ids("state=wezwanie") and {janek, waiting}.isdisjoint(ids("state=wezwanie"))
    assert janek in ids("state=w_toku") and waiting in ids("state=zarejestrowana")
    assert summoned not in ids("state=w_toku") and summoned not in ids("state=zarejestrowana")
    assert janek in ids("assignee=clerk-jan") and summoned not in ids("assignee=clerk-jan")
    # And a page of one gives the next page's token
    first = api.http.get(f"/v1/tenants/{A}/inbox?limit=1&state=zarejestrowana", headers=CLERK).json_body
    second = api.http.get(f"/v1/tenants/{A}/inbox?limit=1&state=zarejestrowana&next={first['next']}",
                          headers=CLERK).json_body
    assert (first["items"][0]["case_id"], second["items"][0]["case_id"]) == (also_waiting, waiting)
    # Both filters at once, or an unknown state, are 422 naming the field
    both = api.http.get(f"/v1/tenants/{A}/inbox?state=w_toku&assignee=clerk-jan", headers=CLERK)
    unknown = api.http.get(f"/v1/tenants/{A}/inbox?state=w%20toku", headers=CLERK)
    assert (both.status_code, both.json_body["error"]["details"][0]["field"]) == (422, "assignee")
    assert (unknown.status_code, unknown.json_body["error"]["details"][0]["field"]) == (422, "state")
