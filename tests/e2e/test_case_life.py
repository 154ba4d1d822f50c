"""A case's life through the deployed stack: a resident submits, the registration worker registers the case, a
clerk takes it and summons the resident to supply a document (the KPA clock stops); the resident sees the
stages, the summons with its term and the stopped clock in e-informacja, and none of the clerk's notes."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth
from tests.e2e.conftest import Stack, eventually
from tests.e2e.test_e_wniosek import A, catalogue_services, me, prepared

CLERK_SUBJECT = "e2e-clerk-case-life"


def test_a_clerk_summons_and_the_resident_sees_it(stack: Stack) -> None:
    defn = next(d for d in catalogue_services() if d.id == "pismo-ogolne")
    reply = stack.call("POST", f"/v1/tenants/{A}/services/{defn.id}/submissions", {"data": prepared(stack, defn)},
                       {**me(), "Idempotency-Key": "e2e-case-life"})
    assert reply.status == 201, reply.body
    case_id = reply.body["submission_id"]

    def registered() -> Any:
        """the registration worker registered the case"""
        shown = stack.call("GET", reply.body["links"]["self"], headers=me()).body
        return shown if shown["status"] == "zarejestrowana" else None

    department = eventually(registered)["department"]
    clerk = auth("clerk", A, subject=CLERK_SUBJECT, department=department)
    taken = stack.call("POST", f"/v1/tenants/{A}/cases/{case_id}/assignment", {}, clerk)
    assert taken.status == 200, taken.body
    assert stack.call("POST", f"/v1/tenants/{A}/cases/{case_id}/notes", {"text": "Notatka e2e"}, clerk).status == 200
    summoned = stack.call("POST", f"/v1/tenants/{A}/cases/{case_id}/transitions",
                          {"to": "wezwanie", "reason": "Brak podpisu", "gaps": ["Podpis wnioskodawcy"],
                           "term_days": 14}, {**clerk, "If-Match": '"2"'})
    assert summoned.status == 200, summoned.body
    assert summoned.body["clock"]["running"] is False

    mine = stack.call("GET", "/v1/me/cases", headers=me())
    assert mine.status == 200
    assert {c["case_id"]: c["status"] for c in mine.body["items"]}[case_id] == "wezwanie"
    seen = stack.call("GET", f"/v1/me/cases/{case_id}", headers=me())
    assert seen.status == 200, seen.body
    assert [s["state"] for s in seen.body["stages"]] == ["zarejestrowana", "w_toku", "wezwanie"]
    assert seen.body["summonses"][0]["gaps"] == ["Podpis wnioskodawcy"]
    assert seen.body["clock"]["running"] is False
    assert "Notatka e2e" not in str(seen.body) and CLERK_SUBJECT not in str(seen.body)
