"""The deployed stack: API Gateway -> Lambda -> DynamoDB, and a handler on a real SQS trigger."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth
from tests.e2e.conftest import Stack, eventually
from tests.emulator import emails_about

A, B = "1418043", "1418032"


def test_catalogue_answers_through_api_gateway(stack: Stack) -> None:
    reply = stack.call("GET", "/v1/catalogue?q=zaswiadczenie")
    assert reply.status == 200
    assert {"zaswiadczenie-o-niezaleganiu", "zaswiadczenie-o-powierzchni-gospodarstwa"} <= {
        e["id"] for e in reply.body["items"]}


def test_protected_route_refuses_without_token(stack: Stack) -> None:
    reply = stack.call("GET", f"/v1/tenants/{A}/config")
    assert reply.status == 401 and reply.body["error"]["code"] == "unauthorized"


def test_admin_change_is_live_at_once_and_notified_by_the_sqs_worker(stack: Stack) -> None:
    def services(terc: str) -> set[str]:
        return {e["id"] for e in stack.call("GET", f"/v1/tenants/{terc}/services").body["items"]}

    before_a, before_b = services(A), services(B)
    target = sorted(before_a & before_b)[0]
    reply = stack.call("PUT", f"/v1/tenants/{B}/services/{target}/settings", {"enabled": False},
                       {**auth("tenant-admin", B), "X-Correlation-Id": "e2e-admin-change-1"})
    assert reply.status == 200, reply.body
    assert reply.headers.get("X-Correlation-Id") == "e2e-admin-change-1"
    event_id = reply.body["audit_event"]
    assert services(B) == before_b - {target}
    assert services(A) == before_a
    forbidden = stack.call("PUT", f"/v1/tenants/{A}/services/{target}/settings", {"enabled": False},
                           auth("tenant-admin", B))
    assert forbidden.status == 403

    def notified() -> Any:
        """the worker in the emulator marks the audit entry as notified"""
        items = stack.call("GET", f"/v1/tenants/{B}/audit", headers=auth("tenant-admin", B)).body["items"]
        return next((e for e in items if e["event_id"] == event_id and e["notified_at"]), None)

    entry = eventually(notified)
    assert entry["summary"] == f"{target}: wyłączono usługę"
    mails = emails_about(event_id)
    assert len(mails) == 1 and "Gmina Lesznowola" in mails[0]["Subject"]
    assert "Numer referencyjny: e2e-admin-change-1" in mails[0]["BodyText"]
    assert entry["correlation_id"] == "e2e-admin-change-1"
    stack.call("PUT", f"/v1/tenants/{B}/services/{target}/settings", {"enabled": True}, auth("tenant-admin", B))


def test_signature_verification_runs_in_the_deployed_function(stack: Stack) -> None:
    """lxml and python-xmlsec are packaged and work inside the function; the trust store comes from S3."""
    import datetime as dt

    from lxml import etree

    from chalicelib.signatures import pki
    from chalicelib.signatures.sealing import OfficeSeal

    demo = pki.load_demo(stack.pki_dir)
    sealed = OfficeSeal(demo.seal.key_pem(), demo.seal_chain()).seal(
        etree.fromstring(b"<pismo xmlns='urn:eurzad:pismo'><tresc>Zawiadomienie</tresc></pismo>"),
        signing_time=dt.datetime.now(dt.UTC))

    valid = stack.post_xml("/v1/signatures/verify", sealed)
    tampered = stack.post_xml("/v1/signatures/verify", sealed.replace(b"Zawiadomienie", b"Zawiadomienia"))

    assert valid.status == 200, valid.body
    assert valid.body["verdict"] == "valid"
    assert valid.body["signatures"][0]["signer"]["nip"] == pki.DEMO_SEAL_NIP
    assert tampered.status == 200
    assert tampered.body["verdict"] == "invalid"
    assert tampered.body["signatures"][0]["reasons"][0]["code"] == "content_digest_mismatch"
