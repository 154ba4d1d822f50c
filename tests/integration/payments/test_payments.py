"""A case's fee paid online, against the emulator and the sandbox Przelewy24: the order opened once, paid, failed,
abandoned and expired; the gateway's notifications checked (forged, replayed, wrong amount, another JST's, 50 at
once) with exactly one payment, one PaymentSettled and one audit entry recorded; refunds within what was paid."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from chalicelib.integrations.payment_gateway import Merchant
from chalicelib.modules import payments
from chalicelib.modules.payments.logic import day_of
from chalicelib.modules.payments.wiring import orders
from tests.payments import (
    FEE,
    PORTAL,
    A,
    B,
    Receiver,
    audit_of,
    flags_of,
    notify,
    paid_at_gateway,
    pay,
    request_payment,
    resident,
    signed,
    state,
)
from tests.payments_gateway import PaymentsGateway


def test_an_order_is_opened_once_per_case_and_paid_through_the_gateway(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    # Given a case registered with a fee, its PaymentRequested delivered twice
    case_id, owner = request_payment(api, times=2)
    assert orders().get(case_id).version == 0  # type: ignore[union-attr]  (opened once, never overwritten)
    first = state(api, case_id, owner)
    assert (first["status"], first["amount"], first["sign"], first["proof"]) == ("nowe", FEE, "OR.1510.7.2026", False)
    # When the resident pays on the gateway's page and the gateway's notification arrives
    answer = pay(api, case_id, owner)
    assert answer["status"] == "oczekuje" and answer["redirect_url"].startswith(payments_gateway.url + "/trnRequest/")
    session = payments_gateway.transactions(f"{case_id}-1")[0]
    assert session["url_status"] == f"{receiver.url}/v1/payments/przelewy24/{A}/notifications"
    payments_gateway.pay(answer["redirect_url"])
    body = receiver.wait_for(1)[-1]
    reply = notify(api, body)
    # Then the order is paid, verified at the gateway, with one event and one audit entry
    assert reply.status_code == 200, reply.body
    after = state(api, case_id, owner)
    assert (after["status"], after["proof"]) == ("oplacone", True) and after["paid_at"]
    tx = payments_gateway.transactions(f"{case_id}-1")[0]
    assert tx["status"] == 2 and tx["verified_at"]  # verified (P24: 2), so the gateway stops notifying
    events = orders().settled_events(case_id)
    assert [(e.status, e.amount, e.terc) for e in events] == [("oplacone", FEE, A)]
    assert [e["action"] for e in audit_of(case_id)] == ["payment.paid"]
    assert [o.order_id for o in payments.paid_on(A, day_of(datetime.now(UTC)))].count(case_id) == 1
    # And a second pay is refused: already paid
    again = api.http.post(f"/v1/me/cases/{case_id}/payment", headers={**resident(owner),
                                                                      "Content-Type": "application/json"},
                          body=json.dumps({"return_url": PORTAL + case_id}))
    assert (again.status_code, again.json_body["error"]["code"]) == (409, "already_paid")


def test_a_case_without_a_fee_or_of_someone_else_has_no_payment(api: Any, merchants: dict[str, Merchant]) -> None:
    case_id, owner = request_payment(api)
    for who, case in (("someone-else", case_id), (owner, "0" * 32)):
        answer = api.http.get(f"/v1/me/cases/{case}/payment", headers=resident(who))
        assert (answer.status_code, answer.json_body["error"]["code"]) == (404, "payment_not_found")


def test_a_return_url_outside_http_is_refused(api: Any, merchants: dict[str, Merchant]) -> None:
    case_id, owner = request_payment(api)
    answer = api.http.post(f"/v1/me/cases/{case_id}/payment", headers={**resident(owner),
                                                                       "Content-Type": "application/json"},
                           body=json.dumps({"return_url": "javascript:alert(1)"}))
    assert answer.status_code == 422
    assert answer.json_body["error"]["details"][0]["field"] == "return_url"
    assert state(api, case_id, owner)["status"] == "nowe"


def test_a_refused_payment_shows_failed_and_the_resident_pays_again(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    case_id, owner = request_payment(api)
    # the bank refuses: back on the page, the state is failed at once
    payments_gateway.refuse(pay(api, case_id, owner)["redirect_url"])
    assert state(api, case_id, owner)["status"] == "nieudane"
    # the second attempt is paid
    before = len(receiver.bodies)
    payments_gateway.pay(pay(api, case_id, owner)["redirect_url"])
    body = receiver.wait_for(before + 1)[-1]
    assert f"{case_id}-2".encode() in body
    assert notify(api, body).status_code == 200
    assert state(api, case_id, owner)["status"] == "oplacone"


def test_an_abandoned_payment_shows_failed(api: Any, merchants: dict[str, Merchant],
                                          payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    # the payer leaves the gateway's page by its link back, without paying
    case_id, owner = request_payment(api)
    pay(api, case_id, owner)
    assert state(api, case_id, owner)["status"] == "nieudane"
    assert orders().settled_events(case_id) == []


def test_a_replayed_or_repeated_notification_changes_nothing(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    case_id, _, body = paid_at_gateway(api, payments_gateway, receiver)
    assert notify(api, body).status_code == 200
    paid = orders().get(case_id)
    for _ in range(2):
        assert notify(api, body).status_code == 200
    assert orders().get(case_id) == paid
    assert len(orders().settled_events(case_id)) == 1 and len(audit_of(case_id)) == 1


def test_fifty_concurrent_copies_of_one_notification_record_one_payment(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    case_id, _, body = paid_at_gateway(api, payments_gateway, receiver)
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda _: notify(api, body).status_code, range(50)))
    assert statuses == [200] * 50
    order = orders().get(case_id)
    assert order is not None and (order.status, order.paid_amount, order.terc, order.version) == ("oplacone", FEE, A, 2)
    assert [(e.status, e.terc) for e in orders().settled_events(case_id)] == [("oplacone", A)]
    assert [e["action"] for e in audit_of(case_id)] == ["payment.paid"]
    assert flags_of(case_id) == []


def test_a_forged_notification_is_refused_and_flagged(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    case_id, owner = request_payment(api)
    pay(api, case_id, owner)
    forged = Merchant(merchants[A].merchant_id, merchants[A].pos_id, "not-the-crc", "x")
    reply = notify(api, signed(forged, sessionId=f"{case_id}-1"))
    assert (reply.status_code, reply.json_body["error"]["code"]) == (400, "invalid_signature")
    assert orders().get(case_id).status == "oczekuje"  # type: ignore[union-attr]
    today = payments.flags(A, day_of(datetime.now(UTC)))
    digest = hashlib.sha256(signed(forged, sessionId=f"{case_id}-1")).hexdigest()
    assert [f.code for f in today if f.body_sha256 == digest] == ["invalid_signature"]


def test_a_wrong_amount_an_unknown_session_and_another_jsts_order_are_refused(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    case_id, owner = request_payment(api)
    pay(api, case_id, owner)
    cases = [
        (A, signed(merchants[A], sessionId=f"{case_id}-1", amount=FEE - 1, originAmount=FEE - 1), "wrong_amount"),
        (A, signed(merchants[A], sessionId=f"{'f' * 32}-1"), "unknown_session"),
        # B's own account and keys, but an order of A
        (B, signed(merchants[B], sessionId=f"{case_id}-1"), "other_tenant"),
    ]
    for terc, body, code in cases:
        reply = notify(api, body, terc)
        assert (reply.status_code, reply.json_body["error"]["code"]) == (400, code), reply.body
    order = orders().get(case_id)
    assert order is not None and (order.status, order.version) == ("oczekuje", 1)
    assert orders().settled_events(case_id) == [] and audit_of(case_id) == []
    assert {f.code for f in flags_of(case_id)} == {"wrong_amount"}
    assert [f.code for f in flags_of(case_id, B)] == ["other_tenant"]
