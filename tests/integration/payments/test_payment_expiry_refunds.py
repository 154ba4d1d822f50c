"""Unpaid orders expire (once, with the clerk's event and an audit entry; money waiting at the gateway is left to
its notification, which records it as a late payment), and finance refunds within what was paid, even at once."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.core.clock import FixedClock, set_clock
from chalicelib.core.errors import ApiError
from chalicelib.integrations.payment_gateway import Merchant
from chalicelib.modules.payments import refunds
from chalicelib.modules.payments.models import RefundIn
from chalicelib.modules.payments.wiring import gateway, orders
from chalicelib.modules.tenants import config
from tests.conftest import auth
from tests.payments import (
    FEE,
    A,
    Receiver,
    audit_of,
    flags_of,
    notify,
    paid_at_gateway,
    pay,
    request_payment,
    state,
)
from tests.payments_gateway import PaymentsGateway

FINANCE_A = auth("finance", A, subject="skarbnik-a")


def run_expiry(api: Any) -> None:
    event = api.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    api.lambda_.invoke("payment_expiry", event)


def test_an_unpaid_order_expires_once_and_may_not_be_paid_after(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    # Given an order whose 7 days passed, one attempt abandoned on the gateway's page
    case_id, owner = request_payment(api, requested_at=datetime.now(UTC) - timedelta(days=6, hours=23))
    pay(api, case_id, owner)
    set_clock(FixedClock(datetime.now(UTC) + timedelta(hours=2)))
    # When the sweep runs, twice
    run_expiry(api)
    run_expiry(api)
    # Then it expired once: one event for the case, one audit entry
    assert state(api, case_id, owner)["status"] == "wygasle"
    assert [(e.status, e.amount) for e in orders().settled_events(case_id)] == [("wygasle", FEE)]
    assert [e["action"] for e in audit_of(case_id)] == ["payment.expired"]
    again = api.http.post(f"/v1/me/cases/{case_id}/payment", headers={**auth("resident", subject=owner),
                                                                      "Content-Type": "application/json"},
                          body=json.dumps({"return_url": "http://127.0.0.1:8090/moja-sprawa.html"}))
    assert (again.status_code, again.json_body["error"]["code"]) == (409, "order_expired")


def test_money_at_the_gateway_is_not_expired_and_its_late_notification_is_recorded_and_flagged(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    # Given an order paid on the gateway's page a moment before its time ran out, the notification not yet here
    case_id, owner = request_payment(api, requested_at=datetime.now(UTC) - timedelta(days=6, hours=23))
    before = len(receiver.bodies)
    payments_gateway.pay(pay(api, case_id, owner)["redirect_url"])
    body = receiver.wait_for(before + 1)[-1]
    set_clock(FixedClock(datetime.now(UTC) + timedelta(hours=2)))
    # When the sweep runs, the order is left as it is
    run_expiry(api)
    assert orders().get(case_id).status == "oczekuje"  # type: ignore[union-attr]
    # Then the notification records the payment, flagged as late for finance
    assert notify(api, body).status_code == 200
    order = orders().get(case_id)
    assert order is not None and (order.status, order.late) == ("oplacone", True)
    assert [f.code for f in flags_of(case_id)] == ["late_payment"]


def _refund(api: Any, case_id: str, amount: int, key: str, headers: dict[str, str] = FINANCE_A) -> Any:
    return api.http.post(f"/v1/tenants/{A}/payments/{case_id}/refunds",
                         headers={**headers, "Content-Type": "application/json", "Idempotency-Key": key},
                         body=json.dumps({"amount": amount, "reason": "Opłata wniesiona nienależnie"}))


def test_finance_refunds_in_part_then_in_full_and_a_repeat_refunds_nothing(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    case_id, owner, body = paid_at_gateway(api, payments_gateway, receiver)
    assert notify(api, body).status_code == 200
    key = uuid.uuid4().hex
    first = _refund(api, case_id, 700, key)
    assert first.status_code == 201, first.body
    assert (first.json_body["refunded"], first.json_body["order_status"]) == (700, "oplacone")
    assert _refund(api, case_id, 700, key).json_body == first.json_body  # the same key: the same answer
    region = _refund(api, case_id, FEE - 700, uuid.uuid4().hex, auth("finance", subject="skarbnik-regionu"))
    assert (region.status_code, region.json_body["order_status"]) == (201, "zwrocone"), region.body
    more = _refund(api, case_id, 1, uuid.uuid4().hex)
    assert (more.status_code, more.json_body["error"]["code"]) == (409, "not_refundable")
    assert payments_gateway.transactions(f"{case_id}-1")[0]["refunded"] == FEE
    assert state(api, case_id, owner)["refunded"] == FEE
    assert [(e.status, e.amount) for e in sorted(orders().settled_events(case_id), key=lambda e: e.at)] == [
        ("oplacone", FEE), ("zwrocone", 700), ("zwrocone", FEE)]
    assert [e["action"] for e in audit_of(case_id)] == ["payment.paid", "payment.refunded", "payment.refunded"]


def test_concurrent_refunds_never_return_more_than_was_paid(
        api: Any, merchants: dict[str, Merchant], payments_gateway: PaymentsGateway, receiver: Receiver) -> None:
    case_id, _, body = paid_at_gateway(api, payments_gateway, receiver)
    assert notify(api, body).status_code == 200
    gw, merchant = gateway(config(A).payments)  # type: ignore[arg-type]

    def one(_: int) -> str:
        order = orders().get(case_id)
        assert order is not None
        try:
            refunds.refund(orders(), gw, merchant, order=order, key=uuid.uuid4().hex, who="skarbnik",
                           body=RefundIn(amount=500, reason="Zwrot równoległy"), now=datetime.now(UTC))
        except ApiError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(one, range(10)))
    assert outcomes.count("ok") == 3 and set(outcomes) <= {"ok", "refund_exceeds_payment", "not_refundable"}
    order = orders().get(case_id)
    assert order is not None and (order.refunded, order.status) == (1500, "oplacone")
    assert payments_gateway.transactions(f"{case_id}-1")[0]["refunded"] == 1500
