"""A case's fee paid through the deployed stack: a certificate filed with its stamp duty, its case registered
awaiting the fee and its order opened by the deployed workers, the payer's page at the sandbox gateway, and the
gateway's notification posted to the deployed API's own URL (the one the stack gave it) verified and recorded, so
the resident sees the fee paid and the case moves on by itself."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chalicelib.cli import load_definitions
from tests.conftest import auth
from tests.e2e.conftest import Stack, eventually
from tests.formdata import PESEL, valid_data
from tests.payments_gateway import PaymentsGateway

A = "1418043"  # Piaseczno: its demo merchant account is opened at the sandbox with the stack
TAX_CERTIFICATE = "zaswiadczenie-o-niezaleganiu"  # one copy, no exemption: 21 zł stamp duty


def file_tax_certificate(stack: Stack, resident: str, terc: str) -> str:
    """The tax certificate filed through the API; its case's id (the submission's)."""
    defn = max((d for d in load_definitions() if d.id == TAX_CERTIFICATE), key=lambda d: d.version)
    data = valid_data(defn, lambda field: pytest.fail(f"no attachment expected for {field}"))
    me = auth("resident", subject=resident, pesel=PESEL, given_name="Jan", family_name="Kowalski")
    reply = stack.call("POST", f"/v1/tenants/{terc}/services/{TAX_CERTIFICATE}/submissions", {"data": data},
                       {**me, "Idempotency-Key": f"oplata-{resident}"})
    assert reply.status == 201, reply.body
    return str(reply.body["submission_id"])


def test_the_gateways_notification_to_the_deployed_api_pays_the_order(
        stack: Stack, payments_gateway: PaymentsGateway) -> None:
    owner = f"e2e-payer-{uuid.uuid4().hex[:8]}"
    me = auth("resident", subject=owner, pesel=PESEL, given_name="Jan", family_name="Kowalski")
    case_id = file_tax_certificate(stack, owner, A)

    def opened() -> Any:
        """the deployed workers registered the case and opened its order"""
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
    assert (shown["amount"], shown["proof"]) == (2100, True) and shown["paid_at"]
    assert payments_gateway.transactions(f"{case_id}-1")[0]["verified_at"]

    def moved_on() -> Any:
        """the deployed cases worker took the payment's outcome: the case is registered"""
        reply = stack.call("GET", f"/v1/me/cases/{case_id}", headers=me)
        return reply.body if reply.status == 200 and reply.body["status"] == "zarejestrowana" else None

    assert eventually(moved_on)["fee"]["status"] == "oplacona"
