"""A case's fee against the emulator: registered with a payable fee, the case waits for it and exactly one payment
order is asked for (the queue refusing the first send: the sweeper sends it); the verified payment moves it on
(history by the system, the audit trail, the clock's pause closed on the payment's day) and a redelivered outcome
writes nothing; an expired order flags the clerk's inbox row; a fee paid at the cash desk or by transfer, recorded
by the clerk, moves the case on the same way and closes its online order."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.events.topics import PaymentSettled, RegistrationMessage
from chalicelib.model.fees import FeeDue
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.audit.repository import DynamoAuditChain
from chalicelib.modules.cases.resources import CaseTable
from tests import queues
from tests.conftest import auth
from tests.integration.test_case_signs import A, accepted, filing

CLERK = auth("clerk", A, subject="clerk-fee", department="FN", department_head=True)
FEE = FeeDue(amount=1700, title="opłata skarbowa za wydanie zaświadczenia", legal_basis="ustawa o opłacie skarbowej")
EMAIL = "platnik@example.pl"


@pytest.fixture(autouse=True)
def _clean_queues(platform: None) -> Iterator[None]:
    for key in ("registrations", "payment-requests", "payment-settlements"):
        queues.purge(key)
    yield
    set_clock(SystemClock())


def registration_message() -> RegistrationMessage:
    """An accepted submission's message whose facts carry a 17 zł fee (as the intake computes it)."""
    filed = filing(accepted(datetime.now(UTC).year))
    facts = filed.facts.model_copy(update={"fee": FEE, "email": EMAIL, "department": "FN", "jrwa": "3120",
                                           "department_name": "Wydział Finansowy",
                                           "deadline_kind": DeadlineKind.JEDEN_MIESIAC})
    return RegistrationMessage(submission_id=filed.submission_id, owner=filed.owner, terc=A, service=filed.service,
                               facts=facts)


def register(api: Any, message: RegistrationMessage) -> None:
    queues.send("registrations", message.model_dump_json())
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1


def case(api: Any, case_id: str) -> Any:
    return api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK)


def marker(case_id: str) -> CaseTable | None:
    try:
        return CaseTable.get(f"P#{case_id}", "P", consistent_read=True)
    except CaseTable.DoesNotExist:
        return None


def sweep(api: Any, at: datetime) -> None:
    set_clock(FixedClock(at))
    try:
        api.lambda_.invoke("payment_requests_sweeper", api.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    finally:
        set_clock(SystemClock())


def settle(api: Any, event: PaymentSettled) -> None:
    queues.send("payment-settlements", event.model_dump_json())
    assert queues.deliver(api, "payment-settlements", "case_payments")["delivered"] == 1


def audit_actions(case_id: str) -> list[str]:
    return [e["action"] for _, e in DynamoAuditChain().entries(A) if e.get("case_id") == case_id]


def test_a_case_with_a_fee_waits_and_asks_for_one_order_even_when_the_first_send_fails(
        api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.integrations import clients

    # Given the payments queue refuses the registration's own send, once
    real = clients.publisher()

    class RefusingOnce:
        refused = 0

        def publish(self, key: str, message: Any) -> str:
            if key == "payment-requests" and not self.refused:
                self.refused += 1
                raise ConnectionError("queue unreachable")
            return real.publish(key, message)

    refusing = RefusingOnce()
    monkeypatch.setattr(clients, "publisher", lambda: refusing)
    # When a submission with a 17 zł fee is registered
    message = registration_message()
    register(api, message)
    case_id = message.submission_id
    # Then the case waits for its fee, its clock stopped since the filing day, and nothing went to the payments yet
    view = case(api, case_id).json_body
    assert (view["case"]["status"], view["state_label"], view["allowed"]) == (
        "oczekuje_na_oplate", "oczekuje na opłatę", ["wezwanie", "przekazana"])
    assert (view["clock"]["running"], view["fee"]["status"], view["fee"]["amount"]) == (False, "nalezna", 1700)
    assert queues.count("payment-requests") == 0 and marker(case_id) is not None
    # When the sweeper runs (twice) and the registration message comes again
    later = datetime.now(UTC) + timedelta(minutes=10)
    sweep(api, later)
    sweep(api, later + timedelta(minutes=10))
    register(api, message)
    # Then exactly one order was asked for, naming the case, its sign, the owner and the amount
    assert queues.count("payment-requests") == 1
    sent = json.loads(queues.peek("payment-requests"))
    assert (sent["case_id"], sent["sign"], sent["owner"], sent["fee"]["amount"], sent["email"]) == (
        case_id, view["case"]["case_sign"], message.owner, 1700, EMAIL)
    assert marker(case_id).outbox is None  # type: ignore[union-attr]


def test_a_registration_sends_its_order_at_once(api: Any) -> None:
    message = registration_message()
    register(api, message)
    assert queues.count("payment-requests") == 1 and marker(message.submission_id).outbox is None  # type: ignore[union-attr]


def test_the_verified_payment_moves_the_case_on_once(api: Any) -> None:
    # Given a case waiting for its fee since it was filed
    message = registration_message()
    register(api, message)
    case_id = message.submission_id
    before = case(api, case_id).json_body
    filed_on = before["clock"]["started_on"]
    # When the payments module says it is paid (verified at the gateway), and says it again
    paid_at = datetime.now(UTC)
    event = PaymentSettled(terc=A, case_id=case_id, order_id=case_id, status="oplacone", amount=1700, at=paid_at)
    settle(api, event)
    after = case(api, case_id)
    settle(api, event)
    settle(api, PaymentSettled(**{**event.model_dump(), "event_id": uuid.uuid4().hex}))
    # Then the case is registered by the system, with the amount and the day in its history
    view = after.json_body
    assert (view["case"]["status"], view["fee"]["status"], view["fee"]["status_label"]) == (
        "zarejestrowana", "oplacona", "opłacona")
    entry = view["history"][-1]
    assert (entry["kind"], entry["by"], entry["from"], entry["to"], entry["amount"], entry["inform_party"]) == (
        "fee_paid", "system", "oczekuje_na_oplate", "zarejestrowana", 1700, True)
    # its clock runs again, the pause closed on the payment's day
    pause = view["clock"]["pauses"][0]
    assert view["clock"]["running"] and (pause["state"], pause["from"]) == ("oczekuje_na_oplate", filed_on)
    assert pause["to"] is not None
    # the JST's audit trail records the payment's act once; the repeats changed nothing
    assert audit_actions(case_id).count("case.fee_paid") == 1
    assert case(api, case_id).headers["ETag"] == after.headers["ETag"]
    # and the resident's e-informacja shows the fee paid
    mine = api.http.get(f"/v1/me/cases/{case_id}", headers=auth("resident", subject=message.owner)).json_body
    assert mine["status"] == "zarejestrowana" and mine["fee"]["status"] == "oplacona"


def test_an_expired_order_flags_the_row_in_the_clerks_inbox(api: Any) -> None:
    message = registration_message()
    register(api, message)
    case_id = message.submission_id
    settle(api, PaymentSettled(terc=A, case_id=case_id, order_id=case_id, status="wygasle", amount=0,
                               at=datetime.now(UTC)))
    view = case(api, case_id).json_body
    assert (view["case"]["status"], view["fee"]["status_label"]) == ("oczekuje_na_oplate", "nieopłacona w terminie")
    assert view["history"][-1]["kind"] == "fee_expired"
    unpaid = api.http.get(f"/v1/tenants/{A}/inbox?department=FN&fee_unpaid=1&limit=100", headers=CLERK)
    assert unpaid.status_code == 200, unpaid.body
    rows = {row["case_id"]: row for row in unpaid.json_body["items"]}
    assert case_id in rows and rows[case_id]["fee_unpaid"] is True
    assert all(row["fee_unpaid"] for row in rows.values())
    # the unfiltered inbox marks the row too (other tests' cases may come first: page until it is found)
    flags, page = [], "limit=100"
    while page and not flags:
        listed = api.http.get(f"/v1/tenants/{A}/inbox?department=FN&{page}", headers=CLERK).json_body
        flags = [r["fee_unpaid"] for r in listed["items"] if r["case_id"] == case_id]
        page = f"limit=100&next={quote(listed['next'])}" if listed["next"] else ""
    assert flags == [True]


def pay_otherwise(api: Any, case_id: str, **body: Any) -> Any:
    return api.http.post(f"/v1/tenants/{A}/cases/{case_id}/fee-payment", body=json.dumps(body),
                         headers={**CLERK, "Content-Type": "application/json"})


def test_a_fee_paid_at_the_cash_desk_moves_the_case_on_and_closes_its_online_order(api: Any) -> None:
    from chalicelib.modules import payments

    # Given a case waiting for its fee, its online order opened by the payments module
    message = registration_message()
    register(api, message)
    case_id = message.submission_id
    assert queues.deliver(api, "payment-requests", "payment_requests")["delivered"] == 1
    assert payments.order(case_id).status == "nowe"  # type: ignore[union-attr]
    today = datetime.now(UTC).date()
    # When the clerk records a wrong amount, a day to come, a transfer without its reference
    wrong = pay_otherwise(api, case_id, amount=1000, paid_on=(today + timedelta(days=1)).isoformat(), how="przelew")
    # Then nothing is written and each field is named
    assert wrong.status_code == 422, wrong.body
    assert {(d["field"], d["code"]) for d in wrong.json_body["error"]["details"]} == {
        ("amount", "not_the_fee"), ("paid_on", "in_future"), ("reference", "missing")}
    assert case(api, case_id).json_body["case"]["status"] == "oczekuje_na_oplate"
    # When the clerk records the fee paid at the cash desk today
    answer = pay_otherwise(api, case_id, amount=1700, paid_on=today.isoformat(), how="kasa", reference="KP 12/2026")
    # Then the case moves on as after an online payment: history by the clerk, the pause closed, the party told
    assert answer.status_code == 200, answer.body
    view = answer.json_body
    assert (view["case"]["status"], view["fee"]["status"], view["fee"]["paid_how"], view["fee"]["paid_reference"]) == (
        "zarejestrowana", "oplacona", "kasa", "KP 12/2026")
    entry = view["history"][-1]
    assert (entry["kind"], entry["by"], entry["amount"], entry["how"], entry["inform_party"]) == (
        "fee_paid", "clerk-fee", 1700, "kasa", True)
    assert view["clock"]["running"] and view["clock"]["pauses"][0]["to"] is not None
    assert audit_actions(case_id).count("case.fee_paid") == 1
    mine = api.http.get(f"/v1/me/cases/{case_id}", headers=auth("resident", subject=message.owner)).json_body
    assert mine["fee"]["status"] == "oplacona"
    # and its online order is closed: the resident cannot pay the fee online a second time
    assert payments.order(case_id).status == "wygasle"  # type: ignore[union-attr]
    online = api.http.get(f"/v1/me/cases/{case_id}/payment", headers=auth("resident", subject=message.owner))
    assert (online.status_code, online.json_body["status"]) == (200, "wygasle")
    assert mine["fee"]["payable"] is False
    assert "payment.closed" in audit_actions(case_id)
    # When the clerk records it again
    twice = pay_otherwise(api, case_id, amount=1700, paid_on=today.isoformat(), how="kasa")
    # Then it is refused: the case no longer waits for its fee
    assert (twice.status_code, twice.json_body["error"]["code"]) == (409, "fee_not_awaited")


def test_an_outcome_for_a_case_that_does_not_exist_is_dropped_not_sent_to_the_dead_letter_queue(api: Any) -> None:
    # When the payments module settles an order naming no case of the platform
    made_up = uuid.uuid4().hex
    settle(api, PaymentSettled(terc=A, case_id=made_up, order_id=made_up, status="oplacone", amount=1700,
                               at=datetime.now(UTC)))
    # Then the message is taken off the queue (delivered, not failed), and nothing is there to retry
    assert queues.count("payment-settlements") == 0
    assert case(api, made_up).status_code == 404
