"""A case's fee: registered awaiting it (clock stopped, its payment order asked for once), moved on when the
payment is verified (the pause closed on the payment's date), the party and the clerk told when it expires, a
refund recorded; a redelivered outcome changes nothing. In-memory stores; no AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.events.topics import PaymentRequested, PaymentSettled, RegistrationMessage
from chalicelib.model.fees import FeeDue
from chalicelib.modules.cases import (
    einformacja,
    fee,
    handling,
    kpa_clock,
    lifecycle,
    logic,
    payment_requests,
    settlements,
)
from chalicelib.modules.cases.lifecycle import Actor, Move, State, allowed, transition
from chalicelib.modules.cases.models import StoredCase
from tests.unit.fakes import FakeMailer, FakePublisher
from tests.unit.test_registration_logic import OWNER, Inbox, facts, submission

FEE = FeeDue(amount=1700, title="opłata skarbowa za wydanie zaświadczenia", legal_basis="ustawa o opłacie skarbowej")
FILED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday
CLERK = Actor(subject="clerk-1")


class FakeRequests:
    """The outbox of payment requests: what the registration marked, what was taken off."""

    def __init__(self) -> None:
        self.marked: dict[str, PaymentRequested] = {}

    def payment_requested(self, event: PaymentRequested) -> None:
        self.marked.pop(event.case_id, None)

    def payment_requests_due(self, now: datetime, *, limit: int = 100) -> list[PaymentRequested]:
        return list(self.marked.values())[:limit]


def register_with_fee(inbox: Inbox, requests: FakeRequests, publisher: FakePublisher,
                      amount: int = 1700) -> logic.Outcome:
    s = inbox.stored() if inbox.submissions.items else submission()
    with_fee = facts(s).model_copy(update={"fee": FEE.model_copy(update={"amount": amount})})
    message = RegistrationMessage(submission_id=s.submission_id, owner=OWNER, terc=s.terc, service=s.service,
                                  facts=with_fee)

    def register_marking(*args: Any, **kwargs: Any) -> Any:  # the repository writes the marker with the case
        case = original(*args, **kwargs)
        request = fee.request_of(case.record(), email=None) if case else None
        if request is not None:
            requests.marked[request.case_id] = request
        return case

    original = inbox.cases.register
    inbox.cases.register = register_marking  # type: ignore[method-assign]
    return logic.register(filings=inbox.filings, cases=inbox.cases, mailer=inbox.mailer, message=message,
                          now=FILED, requests=requests, publisher=publisher)


def test_a_case_filed_with_a_payable_fee_waits_for_it_and_asks_for_its_order_once() -> None:
    # Given a submission whose fee is 17 zł
    inbox, requests, publisher = Inbox(submission()), FakeRequests(), FakePublisher()
    # When it is registered, and its message delivered again
    register_with_fee(inbox, requests, publisher)
    register_with_fee(inbox, requests, publisher)
    # Then the case waits for its fee, which it records as owed
    record = inbox.cases.cases[0].record()
    assert record["status"] == "oczekuje_na_oplate"
    assert fee.view(record) == {"amount": 1700, "currency": "PLN", "title": FEE.title, "legal_basis": FEE.legal_basis,
                                "status": "nalezna", "status_label": "należna", "paid_at": None,
                                "order_id": record["case_id"], "refunded": 0, "payable": True,
                                "paid_how": None, "paid_reference": None}
    # and exactly one payment order is asked for, naming the case, its sign and the amount; nothing left marked
    assert [(key, m["case_id"], m["sign"], m["fee"]["amount"]) for key, m in publisher.sent()] == [
        ("payment-requests", record["case_id"], record["case_sign"], 1700)]
    assert requests.marked == {}
    # and the resident's notice says the fee must be paid and the term waits for it
    assert "Wniosek podlega opłacie: 17,00 zł" in inbox.mailer.sent[0].text


def test_an_exempt_fee_registers_the_case_as_usual() -> None:
    inbox, requests, publisher = Inbox(submission()), FakeRequests(), FakePublisher()
    register_with_fee(inbox, requests, publisher, amount=0)
    assert inbox.cases.cases[0].record()["status"] == "zarejestrowana" and publisher.sent() == []


def test_a_request_the_queue_refused_stays_marked_and_the_sweeper_sends_it_once() -> None:
    # Given the queue refuses the registration's own sending
    inbox, requests = Inbox(submission()), FakeRequests()
    register_with_fee(inbox, requests, FakePublisher(fail=True))
    assert len(requests.marked) == 1  # the case is registered all the same, its request marked
    # When the sweeper runs twice
    publisher = FakePublisher()
    sent = [payment_requests.sweep(requests, FILED + timedelta(minutes=5), publisher=publisher) for _ in range(2)]
    # Then the request went once, with the event the registration built (its id too)
    assert sent == [1, 0] and len(publisher.messages) == 1
    assert publisher.messages[0][1].event_id == fee.request_of(inbox.cases.cases[0].record(), email=None).event_id


# --- the lifecycle and the clock ----------------------------------------------------------------------------

def waiting() -> tuple[dict[str, Any], dict[str, Any]]:
    record = {"case_id": "c" * 32, "case_sign": "FN.3120.1.2026", "terc": "1418043", "department": "FN",
              "status": "oczekuje_na_oplate", "deadline_kind": "1-miesiac", "started_on": "2026-03-02",
              "due_date": "2026-04-02", "assignee": None, "owner": OWNER, "service": "s", "service_name": "S",
              "registered_at": FILED.isoformat(), "fee": fee.due_record(FEE, "c" * 32)}
    return record, kpa_clock.waiting_for_fee(date(2026, 3, 2))


def settled(status: str, amount: int = 1700, at: datetime = datetime(2026, 3, 5, 22, 30, tzinfo=UTC),
            event_id: str = "e1") -> PaymentSettled:
    return PaymentSettled(event_id=event_id, terc="1418043", case_id="c" * 32, order_id="c" * 32, status=status,
                          amount=amount, at=at)


def test_a_waiting_case_can_be_summoned_or_forwarded_but_only_the_payment_registers_it() -> None:
    record, life = waiting()
    assert allowed(State.OCZEKUJE) == [State.WEZWANIE, State.PRZEKAZANA]
    with pytest.raises(Conflict) as refused:
        transition({**record, "assignee": "clerk-1"}, life, Move(to=State.ZAREJESTROWANA, reason="x"), actor=CLERK,
                   at=FILED)
    assert refused.value.code == "transition_not_allowed"
    # its clock is stopped from the filing day, for the party's delay
    clock = kpa_clock.view(record, life)
    assert (clock["running"], clock["stopped_since"]) == (False, "2026-03-02")
    assert "art. 261" in lifecycle.STATES[State.OCZEKUJE].resident_text


def test_a_summons_to_pay_keeps_the_clock_stopped() -> None:
    record, life = waiting()
    after, life_after = transition({**record, "assignee": "clerk-1"}, life,
                                   Move(to=State.WEZWANIE, reason="opłata", gaps=("opłata skarbowa 17 zł",),
                                        term_days=7), actor=CLERK, at=datetime(2026, 3, 12, 9, tzinfo=UTC))
    assert after["status"] == "wezwanie"
    assert [(p["state"], p["from"], p["to"]) for p in life_after["pauses"]] == [
        ("oczekuje_na_oplate", "2026-03-02", "2026-03-12"), ("wezwanie", "2026-03-12", None)]


def test_the_verified_payment_registers_the_case_and_the_clock_runs_from_the_payments_date() -> None:
    # Given a case waiting since 2 March; paid at 23:30 Warsaw time on 5 March, the message arriving a day later
    record, life = waiting()
    now = datetime(2026, 3, 6, 12, tzinfo=UTC)
    after, life_after = fee.settle(record, life, settled("oplacone"), at=now)
    # Then it is registered by the system, the pause closed on the payment's day (3 days), the due date moved
    assert after["status"] == "zarejestrowana"
    assert (after["fee"]["status"], after["fee"]["paid_at"]) == ("oplacona", "2026-03-05T22:30:00+00:00")
    assert life_after["pauses"][0] | {"basis": None} == {"state": "oczekuje_na_oplate", "from": "2026-03-02",
                                                         "to": "2026-03-05", "days": 3, "basis": None}
    assert after["due_date"] == "2026-04-07"  # 2 April + 3 days = Sunday 5 April, Easter Monday 6 April
    entry = life_after["history"][-1]
    assert (entry["kind"], entry["by"], entry["from"], entry["to"], entry["amount"], entry["inform_party"]) == (
        "fee_paid", "system", "oczekuje_na_oplate", "zarejestrowana", 1700, True)
    assert "17,00 zł wpłynęła 05.03.2026" in entry["resident_text"]
    # and the same event again, or the same outcome under another id, writes nothing
    for again in (settled("oplacone"), settled("oplacone", event_id="e2")):
        with pytest.raises(fee.NothingToDo):
            fee.settle(after, life_after, again, at=now)
    # and the party sees the payment as a stage
    stored = StoredCase(pk="p", sk="s", record=after, life=life_after, version=1)
    assert [s["label"] for s in einformacja.party_view(stored)["stages"]][-2:] == [
        "oczekuje na opłatę", "opłata została zaksięgowana"]
    assert einformacja.party_view(stored)["fee"]["status_label"] == "opłacona"


def test_an_expired_order_tells_the_party_and_flags_the_case_for_the_clerk() -> None:
    record, life = waiting()
    after, life_after = fee.settle(record, life, settled("wygasle", 0), at=FILED + timedelta(days=7))
    assert after["status"] == "oczekuje_na_oplate" and fee.unpaid(after)
    assert after["fee"]["status"] == "nieoplacona" and fee.view(after)["status_label"] == "nieopłacona w terminie"
    entry = life_after["history"][-1]
    assert (entry["kind"], entry["inform_party"]) == ("fee_expired", True) and "art. 261" in entry["resident_text"]
    with pytest.raises(fee.NothingToDo):
        fee.settle(after, life_after, settled("wygasle", 0, event_id="e9"), at=FILED + timedelta(days=8))


def test_a_transfer_recorded_by_the_clerk_after_the_order_expired_registers_the_case_from_its_day() -> None:
    # Given a case whose online order expired unpaid (the party summoned to pay)
    record, life = waiting()
    record, life = fee.settle(record, life, settled("wygasle", 0), at=FILED + timedelta(days=7))
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    # When the clerk records a transfer to the JST's account that came on 5 March
    after, life_after = fee.paid_otherwise(record, life, amount=1700, paid_on=date(2026, 3, 5), how="przelew",
                                           reference="FN.3120.1.2026 opłata", actor=Actor("clerk-1", "Jan Nowak"),
                                           at=now)
    # Then the case is registered as after an online payment: the pause closed on the transfer's day, the party told
    assert (after["status"], after["fee"]["status"], after["fee"]["paid_how"]) == ("zarejestrowana", "oplacona",
                                                                                 "przelew")
    assert life_after["pauses"][0]["to"] == "2026-03-05" and after["due_date"] == "2026-04-07"
    entry = life_after["history"][-1]
    assert (entry["kind"], entry["by"], entry["by_name"], entry["how"], entry["inform_party"]) == (
        "fee_paid", "clerk-1", "Jan Nowak", "przelew", True)
    assert "17,00 zł wpłynęła 05.03.2026" in entry["resident_text"]
    # and a second record of it is refused
    with pytest.raises(Conflict) as again:
        fee.paid_otherwise(after, life_after, amount=1700, paid_on=date(2026, 3, 5), how="kasa", reference=None,
                           actor=CLERK, at=now)
    assert again.value.code == "fee_not_awaited"


def test_a_payment_day_before_the_filing_or_to_come_is_refused_on_its_field() -> None:
    record, life = waiting()
    at = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 11 March already in Warsaw
    for day, code in ((date(2026, 3, 1), "before_filing"), (date(2026, 3, 12), "in_future")):
        with pytest.raises(Unprocessable) as refused:
            fee.paid_otherwise(record, life, amount=1700, paid_on=day, how="kasa", reference=None, actor=CLERK, at=at)
        assert [(d["field"], d["code"]) for d in refused.value.details] == [("paid_on", code)]
    after, _ = fee.paid_otherwise(record, life, amount=1700, paid_on=date(2026, 3, 11), how="kasa", reference=None,
                                  actor=CLERK, at=at)
    assert after["status"] == "zarejestrowana"


class NoCases:
    """A register without the case an outcome names: nothing may be written."""

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        return None

    def save(self, *args: Any, **kwargs: Any) -> int | None:
        raise AssertionError("nothing is written")

    def mark_notified(self, *args: Any) -> None:
        raise AssertionError("nothing is written")


def test_an_outcome_for_a_case_that_does_not_exist_is_dropped_not_retried() -> None:
    # It can never succeed (a case is written before it asks for its order): no exception, so no retry, no DLQ
    mailer = FakeMailer()
    assert settlements.apply(NoCases(), mailer, settled("oplacone"), now=FILED) is False
    assert mailer.sent == []


def test_a_payment_for_a_case_the_clerk_moved_on_is_recorded_without_a_transition() -> None:
    # Given the clerk summoned the party to pay
    record, life = waiting()
    summoned, life_s = transition({**record, "assignee": "clerk-1"}, life,
                                  Move(to=State.WEZWANIE, reason="opłata", gaps=("opłata",), term_days=7),
                                  actor=CLERK, at=datetime(2026, 3, 12, 9, tzinfo=UTC))
    # When the payment arrives
    after, life_after = fee.settle(summoned, life_s, settled("oplacone", at=datetime(2026, 3, 13, tzinfo=UTC)),
                                   at=datetime(2026, 3, 13, 1, tzinfo=UTC))
    # Then the case stays summoned (its clerk moves it), the fee is paid and the history says so
    assert after["status"] == "wezwanie" and after["fee"]["status"] == "oplacona"
    assert (life_after["history"][-1]["kind"], life_after["history"][-1]["from"]) == ("fee_paid", "wezwanie")


def test_refunds_are_recorded_partial_then_full() -> None:
    record, life = waiting()
    paid, life_p = fee.settle(record, life, settled("oplacone"), at=FILED + timedelta(days=3))
    part, life_1 = fee.settle(paid, life_p, settled("zwrocone", 500, event_id="r1"), at=FILED + timedelta(days=4))
    assert (part["fee"]["status"], part["fee"]["refunded"]) == ("oplacona", 500)
    full, life_2 = fee.settle(part, life_1, settled("zwrocone", 1700, event_id="r2"), at=FILED + timedelta(days=5))
    assert (full["fee"]["status"], full["fee"]["refunded"]) == ("zwrocona", 1700)
    assert [e["kind"] for e in life_2["history"]] == ["fee_paid", "fee_refunded", "fee_refunded"]
    with pytest.raises(fee.NothingToDo):
        fee.settle(full, life_2, settled("zwrocone", 1700, event_id="r3"), at=FILED + timedelta(days=6))


def test_the_clerks_view_and_the_resident_line_carry_the_fee() -> None:
    record, life = waiting()
    stored = StoredCase(pk="p", sk="s", record=record, life=life, version=0)
    assert handling.view(stored)["fee"]["status"] == "nalezna"
    assert einformacja.summary(record)["fee"]["payable"] is True


def test_the_inbox_filter_of_unpaid_fees_reads_the_waiting_cases_and_takes_no_other_filter() -> None:
    from chalicelib.core.errors import Unprocessable

    assert logic.inbox_filters({"fee_unpaid": "1"})["state"] == "oczekuje_na_oplate"
    for params in ({"fee_unpaid": "2"}, {"fee_unpaid": "1", "state": "w_toku"}, {"fee_unpaid": "1", "assignee": "x"}):
        with pytest.raises(Unprocessable) as refused:
            logic.inbox_filters(params)
        assert refused.value.body()["error"]["details"][0]["field"] in ("fee_unpaid", "assignee")
