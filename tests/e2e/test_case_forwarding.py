"""Forwarding through the deployed stack (art. 65 KPA): the sender's clerk forwards a registered case to another
JST; the event travels on its queue to the cases' worker function, which registers it in the receiver's inbox under
the receiver's sign with its documents; the resident sees both cases."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth
from tests.e2e.conftest import Stack, eventually
from tests.e2e.test_e_wniosek import A, catalogue_services, me, prepared

B = "1418032"


def test_a_forwarded_case_is_registered_by_the_receivers_worker(stack: Stack) -> None:
    defn = next(d for d in catalogue_services() if d.id == "pismo-ogolne")
    reply = stack.call("POST", f"/v1/tenants/{A}/services/{defn.id}/submissions", {"data": prepared(stack, defn)},
                       {**me(), "Idempotency-Key": "e2e-case-forwarding"})
    assert reply.status == 201, reply.body
    case_id = reply.body["submission_id"]

    def registered() -> Any:
        """the registration worker registered the case"""
        shown = stack.call("GET", reply.body["links"]["self"], headers=me()).body
        return shown if shown["status"] == "zarejestrowana" else None

    eventually(registered)
    head = auth("clerk", A, subject="e2e-head-or", department_head=True)
    forwarded = stack.call("POST", f"/v1/tenants/{A}/cases/{case_id}/transitions",
                           {"to": "przekazana", "reason": "Właściwa jest gmina Lesznowola", "to_terc": B}, head)
    assert forwarded.status == 200, forwarded.body
    new_id = forwarded.body["case"]["forwarded_to"]["case_id"]
    clerk_b = auth("clerk", B, subject="e2e-clerk-b")

    def received() -> Any:
        """the receiver's worker registered the forwarded case"""
        found = stack.call("GET", f"/v1/tenants/{B}/cases/{new_id}", headers=clerk_b)
        return found.body if found.status == 200 else None

    new = eventually(received)["case"]
    assert new["forwarded_from"]["case_id"] == case_id and new["terc"] == B
    link = stack.call("GET", f"/v1/tenants/{B}/cases/{new_id}/documents/document", headers=clerk_b)
    assert link.status == 200, link.body
    assert link.body["sha256"] == reply.body["document_sha256"]
    mine = {c["case_id"]: c for c in stack.call("GET", "/v1/me/cases", headers=me()).body["items"]}
    assert mine[case_id]["forwarded_to"]["case_id"] == new_id and mine[new_id]["case_sign"] == new["case_sign"]
