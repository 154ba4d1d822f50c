"""The party's answer to a summons through the deployed stack: a resident's case is summoned, the resident answers
with a general letter and holds its UPP at once; the deployed registrations worker attaches it to the case, which
is then "uzupełniona" with the clock running, and the clerk reaches the letter's UPP."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth
from tests.e2e.conftest import Stack, eventually
from tests.e2e.test_e_wniosek import A, catalogue_services, me, prepared


def test_the_resident_answers_the_summons_and_the_case_is_supplemented(stack: Stack) -> None:
    # Given a resident's registered case, summoned by its clerk
    defn = next(d for d in catalogue_services() if d.id == "pismo-ogolne")
    reply = stack.call("POST", f"/v1/tenants/{A}/services/{defn.id}/submissions", {"data": prepared(stack, defn)},
                       {**me(), "Idempotency-Key": "e2e-supplement-case"})
    assert reply.status == 201, reply.body
    case_id = reply.body["submission_id"]

    def registered() -> Any:
        """the registration worker registered the case"""
        shown = stack.call("GET", reply.body["links"]["self"], headers=me()).body
        return shown if shown["status"] == "zarejestrowana" else None

    registration = eventually(registered)
    department, sign = registration["department"], registration["case_sign"]
    clerk = auth("clerk", A, subject="e2e-clerk-supplement", department=department)
    assert stack.call("POST", f"/v1/tenants/{A}/cases/{case_id}/assignment", {}, clerk).status == 200
    summoned = stack.call("POST", f"/v1/tenants/{A}/cases/{case_id}/transitions",
                          {"to": "wezwanie", "reason": "Brak załącznika", "gaps": ["Skan umowy"], "term_days": 7},
                          clerk)
    assert summoned.status == 200, summoned.body

    # When the resident answers it (the URL names the case; the letter needs no sign of its own)
    answered = stack.call("POST", f"/v1/me/cases/{case_id}/supplements", {"data": prepared(stack, defn)},
                          {**me(), "Idempotency-Key": "e2e-supplement-answer"})

    # Then the answer has its own UPP at once, and the worker attaches it to the case
    assert answered.status == 201, answered.body
    assert answered.body["answers"] == {"case_id": case_id, "case_sign": sign}

    def supplemented() -> Any:
        """the registrations worker attached the letter to the case"""
        seen = stack.call("GET", f"/v1/me/cases/{case_id}", headers=me()).body
        return seen if seen["status"] == "uzupelniona" else None

    seen = eventually(supplemented, timeout=120)
    assert seen["clock"]["running"] is True
    assert seen["summonses"][0]["answer"]["receipt_id"] == answered.body["receipt_id"]
    case = stack.call("GET", f"/v1/tenants/{A}/cases/{case_id}", headers=clerk).body
    [letter] = case["supplements"]
    upp = stack.call("GET", letter["links"]["upp"], headers=clerk)
    assert upp.status == 200 and upp.body["url"], upp.body
    # And answering again is refused: the summons is answered
    again = stack.call("POST", f"/v1/me/cases/{case_id}/supplements", {"data": prepared(stack, defn)},
                       {**me(), "Idempotency-Key": "e2e-supplement-again"})
    assert again.status == 409 and again.body["error"]["code"] == "no_open_summons"
