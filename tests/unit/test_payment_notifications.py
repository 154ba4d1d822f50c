"""The notification's flow without AWS: nothing is marked before the gateway verifies, a verify the gateway refuses
or cannot answer writes nothing, and a payment that races another writer is recorded once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.errors import ApiError
from chalicelib.events.topics import PaymentRequested, PaymentSettled
from chalicelib.integrations.payment_gateway import GatewayError, InvalidSignature, Merchant, Notification
from chalicelib.model.fees import FeeDue
from chalicelib.model.tenant import PaymentsSetting
from chalicelib.modules.payments import expiry, logic, notifications
from chalicelib.modules.payments.models import Flag, Order

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CASE, TERC = "c" * 32, "1418043"
MERCHANT = Merchant(merchant_id=11, pos_id=11, crc="c", api_key="k")


@dataclass
class FakeOrders:
    orders: dict[str, Order] = field(default_factory=dict)
    events: list[PaymentSettled] = field(default_factory=list)
    changes: list[Any] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    before_commit: list[Any] = field(default_factory=list)  # what another writer does first

    def get(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def commit(self, order: Order, read_version: int, *, event: PaymentSettled | None, changes: Any) -> bool:
        while self.before_commit:
            self.before_commit.pop()(self)
        if self.orders[order.order_id].version != read_version:
            return False
        self.orders[order.order_id] = order.model_copy(update={"version": read_version + 1})
        self.events += [event] if event else []
        self.changes += list(changes)
        return True

    def add_flag(self, flag: Flag) -> None:
        self.flags.append(flag)

    def delivered(self, event: PaymentSettled) -> None:
        pass


@dataclass
class FakeGateway:
    verified: bool | None = True  # None: the gateway cannot be reached
    verifies: int = 0

    def read_notification(self, merchant: Merchant, raw_body: bytes) -> Notification:
        fields = json.loads(raw_body)
        if fields.pop("forged", False):
            raise InvalidSignature("sign")
        return Notification(**fields)

    def verify(self, merchant: Merchant, notification: Notification) -> bool:
        self.verifies += 1
        if self.verified is None:
            raise GatewayError("timeout", retryable=True)
        return self.verified


@pytest.fixture(autouse=True)
def _no_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(notifications.events, "publish", lambda event: None)
    yield


def store(**changes: Any) -> FakeOrders:
    message = PaymentRequested(terc=TERC, case_id=CASE, sign="OR.1510.1.2026", owner="res-1", service="pismo-ogolne",
                               fee=FeeDue(amount=1700, title="Opłata skarbowa"), requested_at=NOW)
    order = logic.open_order(message, PaymentsSetting(merchant_id=11, pos_id=11, credentials_secret="x"), NOW)
    order = logic.with_attempt(order, 1, f"{CASE}-1", redirect_url="u", back_to="b", now=NOW)
    return FakeOrders(orders={CASE: order.model_copy(update={"version": 1, **changes})})


def body(**changes: Any) -> bytes:
    return json.dumps({"merchant_id": 11, "pos_id": 11, "session_id": f"{CASE}-1", "amount": 1700,
                       "origin_amount": 1700, "currency": "PLN", "order_id": 77, "method_id": 1, "statement": "s",
                       **changes}).encode()


def receive(orders: FakeOrders, gateway: FakeGateway, raw: bytes) -> str:
    return notifications.receive(orders, gateway, MERCHANT, terc=TERC, raw=raw,  # type: ignore[arg-type]
                                 source="203.0.113.5", now=NOW + timedelta(hours=1))


def test_a_verified_notification_pays_the_order_with_one_event_and_one_entry() -> None:
    orders, gateway = store(), FakeGateway()
    assert receive(orders, gateway, body()) == "paid"
    assert orders.orders[CASE].status == "oplacone" and gateway.verifies == 1
    assert [(e.status, e.amount) for e in orders.events] == [("oplacone", 1700)]
    assert [c.action for c in orders.changes] == ["payment.paid"] and orders.flags == []


@pytest.mark.parametrize(("verified", "status", "code"), [(False, 400, "not_verified"),
                                                          (None, 503, "gateway_unavailable")])
def test_nothing_is_marked_when_the_gateway_does_not_confirm(verified: bool | None, status: int, code: str) -> None:
    orders = store()
    with pytest.raises(ApiError) as refused:
        receive(orders, FakeGateway(verified=verified), body())
    assert (refused.value.status, refused.value.code) == (status, code)
    assert orders.orders[CASE].status == "oczekuje" and orders.events == [] and orders.changes == []


def test_a_forged_notification_is_refused_before_the_gateway_is_asked() -> None:
    orders, gateway = store(), FakeGateway()
    with pytest.raises(ApiError) as refused:
        receive(orders, gateway, body(forged=True))
    assert refused.value.code == "invalid_signature" and gateway.verifies == 0
    assert [(f.code, f.source) for f in orders.flags] == [("invalid_signature", "203.0.113.5")]
    assert orders.flags[0].body_sha256 and orders.orders[CASE].version == 1


def test_a_copy_that_loses_the_race_records_nothing_more() -> None:
    orders, gateway = store(), FakeGateway()
    first = store().orders[CASE]

    def other_copy(s: FakeOrders) -> None:  # the same notification, recorded by another invocation meanwhile
        s.orders[CASE] = logic.paid(first, Notification(**json.loads(body())), NOW).model_copy(update={"version": 2})
        s.events.append(PaymentSettled(terc=TERC, case_id=CASE, order_id=CASE, status="oplacone", amount=1700,
                                       at=NOW))

    orders.before_commit.append(other_copy)
    assert receive(orders, gateway, body()) == "repeat"
    assert len(orders.events) == 1 and orders.changes == [] and orders.orders[CASE].version == 2


def test_a_new_attempt_written_meanwhile_does_not_lose_the_payment() -> None:
    orders, gateway = store(), FakeGateway()

    def new_attempt(s: FakeOrders) -> None:
        o = s.orders[CASE]
        s.orders[CASE] = logic.with_attempt(o, 2, f"{CASE}-2", redirect_url="u", back_to="b",
                                            now=NOW).model_copy(update={"version": 2})

    orders.before_commit.append(new_attempt)
    assert receive(orders, gateway, body()) == "paid"
    paid = orders.orders[CASE]
    assert (paid.status, paid.paid_session, paid.version) == ("oplacone", f"{CASE}-1", 3)


def test_an_order_closed_for_a_fee_paid_at_the_office_records_late_money_and_flags_it() -> None:
    # Given the clerk recorded the fee paid at the cash desk while an attempt was open at the gateway
    orders, gateway = store(), FakeGateway()
    assert expiry.close(orders, CASE, NOW) is True  # type: ignore[arg-type]
    assert orders.orders[CASE].status == "wygasle" and orders.events == []
    assert [c.action for c in orders.changes] == ["payment.closed"]
    with pytest.raises(logic.OrderExpired):  # no new attempt: it is not paid online twice
        logic.next_attempt(orders.orders[CASE], NOW)
    # When that attempt's money comes all the same
    assert receive(orders, gateway, body()) == "paid"
    # Then finance is told to refund it
    assert [f.code for f in orders.flags] == ["late_payment"]


def test_closing_an_order_already_paid_online_flags_the_double_payment() -> None:
    orders, gateway = store(), FakeGateway()
    receive(orders, gateway, body())
    assert expiry.close(orders, CASE, NOW + timedelta(hours=2)) is False  # type: ignore[arg-type]
    assert orders.orders[CASE].status == "oplacone"
    assert [(f.code, f.order_id, f.amount) for f in orders.flags] == [("paid_twice", CASE, 1700)]
