"""The public verify e-service refuses a document over the structural bounds with 422, the bound's code and
a Polish message, before any signature work (the same shapes the unit tests cover, through the HTTP edge)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.signatures import pki
from tests import hostile_signatures as hostile


def post(api: Any, body: bytes) -> tuple[int, Any]:
    resp = api.http.post("/v1/signatures/verify", headers={"Content-Type": "application/xml"}, body=body)
    return resp.status_code, json.loads(resp.body)


def test_a_hundred_references_are_refused_with_the_bound_they_break(api: Any, demo_pki: pki.DemoPki) -> None:
    sealed = hostile.sealer(demo_pki)(hostile.document(100_000))

    status, body = post(api, hostile.many_references(sealed, 100))

    assert status == 422
    assert body["error"]["code"] == "signature_too_complex"
    assert body["error"]["details"] == [{"field": "ds:Signature[1]/ds:Reference", "code": "too_many_references",
                                         "message": body["error"]["details"][0]["message"]}]
    assert "dopuszczalne najwyżej 20" in body["error"]["details"][0]["message"]


def test_fifteen_thousand_empty_signatures_are_refused(api: Any) -> None:
    status, body = post(api, hostile.empty_signatures(15_000))

    assert status == 422
    assert body["error"]["code"] == "too_many_signatures"
    assert body["error"]["details"][0]["code"] == "too_many_signatures"
