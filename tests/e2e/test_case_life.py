"""A case's life through the deployed stack: a resident submits, the registration worker registers the case, a
clerk takes it and summons the resident to supply a document (the KPA clock stops); the resident sees the
stages, the summons with its term and the stopped clock in e-informacja, and none of the clerk's notes."""

from __future__ import annotations

import itertools
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

    # The clerk reads the UPP; the JST's audit chain holds the case's registration by the worker, its changes by
    # the clerk and the read, in this order, each linked to the one before
    assert stack.call("GET", f"/v1/tenants/{A}/submissions/{case_id}/upp", headers=clerk).status == 200
    admin = auth("tenant-admin", A)
    head = stack.call("GET", f"/v1/tenants/{A}/audit-trail?limit=1", headers=admin).body["head"]
    trail = stack.call("GET", f"/v1/tenants/{A}/audit-trail?after={max(0, head['seq'] - 100)}&limit=100",
                       headers=admin).body["items"]
    ours = [e for e in trail if e["case_id"] == case_id]
    assert [(e["action"], e["actor"]) for e in ours] == [
        ("case.registered", "system"), ("case.transition", CLERK_SUBJECT), ("case.note", CLERK_SUBJECT),
        ("case.transition", CLERK_SUBJECT), ("document.read", CLERK_SUBJECT)]
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(trail))
