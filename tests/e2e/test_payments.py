"""A case's fee paid through the deployed stack: the order opened by the deployed worker, the payer's page at the
sandbox gateway, and the gateway's notification posted to the deployed API's own URL (the one the stack gave it)
verified and recorded, so the resident sees the fee paid."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import boto3

from chalicelib.events.topics import PaymentRequested
from chalicelib.model.fees import FeeDue
from tests.conftest import auth
from tests.e2e.conftest import PREFIX, Stack, eventually
from tests.payments_gateway import PaymentsGateway

A = "1418043"  # Piaseczno: its demo merchant account is opened at the sandbox with the stack


def test_the_gateways_notification_to_the_deployed_api_pays_the_order(
        stack: Stack, payments_gateway: PaymentsGateway) -> None:
    case_id, owner = uuid.uuid4().hex, f"e2e-payer-{uuid.uuid4().hex[:8]}"
    me = auth("resident", subject=owner, pesel="02070803628", given_name="Anna", family_name="Nowak")
    event = PaymentRequested(terc=A, case_id=case_id, sign="OR.1510.99.2026", owner=owner, service="pismo-ogolne",
                             fee=FeeDue(amount=1700, title="Opłata skarbowa"), requested_at=datetime.now(UTC))
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=f"{PREFIX}-payment-requests")["QueueUrl"],
                     MessageBody=event.model_dump_json())

    def opened() -> Any:
        """the deployed worker opened the order"""
        reply = stack.call("GET", f"/v1/me/cases/{case_id}/payment", headers=me)
        return reply.body if reply.status == 200 else None

    assert eventually(opened)["status"] == "nowe"
    paying = stack.call("POST", f"/v1/me/cases/{case_id}/payment",
                        {"return_url": f"http://127.0.0.1:8090/moja-sprawa.html?id={case_id}"}, me)
    assert paying.status == 201, paying.body
    # the gateway was given this stack's own address for its notification
    registered = payments_gateway.transactions(f"{case_id}-1")[0]
    assert registered["url_status"] == f"{stack.api}/v1/payments/przelewy24/{A}/notifications"

    payments_gateway.pay(paying.body["redirect_url"])

    def paid() -> Any:
        """the sandbox's notification reached the deployed API and the order is paid"""
        reply = stack.call("GET", f"/v1/me/cases/{case_id}/payment", headers=me)
        return reply.body if reply.body["status"] == "oplacone" else None

    shown = eventually(paid)
    assert (shown["amount"], shown["proof"]) == (1700, True) and shown["paid_at"]
    assert payments_gateway.transactions(f"{case_id}-1")[0]["verified_at"]
