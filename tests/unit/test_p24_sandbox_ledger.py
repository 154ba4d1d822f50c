"""The sandbox gateway's rules (no network): what P24 refuses, its retry schedule, refunds, commission, report."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.integrations import przelewy24 as adapter
from chalicelib.integrations.payment_gateway import Merchant
from sandboxes.p24_ledger import ADVANCE, NO_PAYMENT, PAID, RETURNED, Fees, Ledger, MerchantAccount, Refused
from sandboxes.p24_page import payer_page

ACCOUNT = MerchantAccount(merchant_id=500, pos_id=500, crc="crc-500", api_key="api-500")


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def ledger() -> tuple[Ledger, Clock]:
    clock = Clock()
    books = Ledger(minute_seconds=1.0, monotonic=clock)
    books.add_merchant(ACCOUNT)
    return books, clock


def register_body(session: str = "s-1", amount: int = 1700, **change: Any) -> dict[str, Any]:
    body = {"merchantId": 500, "posId": 500, "sessionId": session, "amount": amount, "currency": "PLN",
            "description": "Opłata", "email": "a@example.pl", "urlReturn": "https://e.example/back",
            "urlStatus": "https://e.example/status", "timeLimit": 15}
    body["sign"] = adapter.register_sign(session_id=session, merchant_id=500, amount=amount, currency="PLN",
                                         crc="crc-500")
    return {**body, **change}


def test_only_the_merchants_api_key_signs_in() -> None:
    books, _ = ledger()
    assert books.authenticate("500", "api-500") == ACCOUNT
    for pos, key in (("500", "api-50"), ("501", "api-500"), ("", "")):
        with pytest.raises(Refused) as caught:
            books.authenticate(pos, key)
        assert caught.value.status == 401


@pytest.mark.parametrize(("change", "error"), [
    ({"sign": "0" * 96}, "Incorrect sign"),
    ({"amount": 1}, "Incorrect sign"),  # the amount changed after signing
    ({"merchantId": 501}, "merchantId"),
    ({"amount": "1700"}, "amount"),
    ({"urlReturn": ""}, "urlReturn"),
])
def test_a_registration_p24_would_refuse_is_a_400(change: dict[str, Any], error: str) -> None:
    books, _ = ledger()
    with pytest.raises(Refused) as caught:
        books.register(ACCOUNT, {**register_body(), **change})
    assert caught.value.status == 400 and error in str(caught.value.error)


def test_a_session_id_registers_once() -> None:
    books, _ = ledger()
    books.register(ACCOUNT, register_body())
    with pytest.raises(Refused, match="sessionId"):
        books.register(ACCOUNT, register_body())


def test_notifications_repeat_on_p24s_schedule_until_verified_and_carry_a_genuine_sign() -> None:
    books, clock = ledger()
    tx = books.pay(books.register(ACCOUNT, register_body()))
    sent_at = []
    for _ in range(60):
        due, _next = books.due_notifications()
        sent_at += [clock.t - 1000] * len(due)
        clock.t += 1  # one "minute"
    assert sent_at == [0, 3, 8, 23, 53]  # at once, then after 3, 5, 15 and 30 minutes

    body = books.notification(tx)
    merchant = Merchant(500, 500, "crc-500", "api-500")
    notification = adapter.parse_notification(merchant, json.dumps(body).encode())
    books.verify(ACCOUNT, {"merchantId": 500, "posId": 500, "sessionId": "s-1", "amount": 1700, "currency": "PLN",
                           "orderId": notification.order_id, "sign": adapter.verify_sign(
                               session_id="s-1", order_id=notification.order_id, amount=1700, currency="PLN",
                               crc="crc-500")})
    clock.t += 1000
    assert books.due_notifications() == ([], None) and tx.status == PAID


def test_the_schedule_ends_after_the_last_retry() -> None:
    books, clock = ledger()
    books.pay(books.register(ACCOUNT, register_body()))
    sent = 0
    for _ in range(800):
        sent += len(books.due_notifications()[0])
        clock.t += 1
    assert sent == 8  # the first and seven retries (3/5/15/30/60/150/450)


def test_verify_refuses_another_amount_or_a_wrong_sign() -> None:
    books, _ = ledger()
    tx = books.pay(books.register(ACCOUNT, register_body()))
    good = {"merchantId": 500, "posId": 500, "sessionId": "s-1", "amount": 1700, "currency": "PLN",
            "orderId": tx.order_id}
    wrong_amount = {**good, "amount": 1, "sign": adapter.verify_sign(session_id="s-1", order_id=tx.order_id,
                                                                     amount=1, currency="PLN", crc="crc-500")}
    for body in (wrong_amount, {**good, "sign": "f" * 96}):
        with pytest.raises(Refused) as caught:
            books.verify(ACCOUNT, body)
        assert caught.value.status == 400
    assert tx.status == ADVANCE


def test_a_refused_payment_stays_unpaid_and_notifies_nobody() -> None:
    books, _ = ledger()
    token = books.register(ACCOUNT, register_body())
    tx = books.fail(token)
    assert (tx.status, tx.outcome) == (NO_PAYMENT, "failed")
    assert books.due_notifications() == ([], None)
    with pytest.raises(Refused):
        books.pay(token)


def test_the_payers_time_limit_closes_the_page() -> None:
    books, _ = ledger()
    token = books.register(ACCOUNT, register_body())
    books.offset += timedelta(minutes=16)
    assert not books.open_for_payment(books.for_payer(token))
    assert "Czas na dokonanie tej płatności minął." in payer_page(books.for_payer(token),
                                                                   open_for_payment=False).decode()


def paid_and_verified(books: Ledger, session: str = "s-1", amount: int = 1700) -> Any:
    tx = books.pay(books.register(ACCOUNT, register_body(session, amount)))
    books.verify(ACCOUNT, {"merchantId": 500, "posId": 500, "sessionId": session, "amount": amount,
                           "currency": "PLN", "orderId": tx.order_id,
                           "sign": adapter.verify_sign(session_id=session, order_id=tx.order_id, amount=amount,
                                                       currency="PLN", crc="crc-500")})
    return tx


def test_refunds_never_exceed_what_was_paid_and_a_repeated_request_counts_once() -> None:
    books, _ = ledger()
    tx = paid_and_verified(books)

    def refund(request_id: str, amount: int) -> tuple[int, dict[str, Any]]:
        return books.refund(ACCOUNT, {"requestId": request_id, "refunds": [
            {"orderId": tx.order_id, "sessionId": "s-1", "amount": amount, "description": "Zwrot"}]})

    assert refund("r-1", 1000)[0] == 201
    assert refund("r-1", 1000)[0] == 201  # the same request again
    assert tx.refunded == 1000
    with pytest.raises(Refused) as caught:
        refund("r-2", 701)
    assert caught.value.status == 409 and tx.refunded == 1000
    refund("r-3", 700)
    assert (tx.refunded, tx.status) == (1700, RETURNED)


def test_an_unverified_payment_cannot_be_refunded() -> None:
    books, _ = ledger()
    tx = books.pay(books.register(ACCOUNT, register_body()))
    with pytest.raises(Refused):
        books.refund(ACCOUNT, {"requestId": "r", "refunds": [{"orderId": tx.order_id, "sessionId": "s-1",
                                                               "amount": 1}]})


@pytest.mark.parametrize(("amount", "fee"), [(1700, 50), (4175, 80), (100, 31), (125, 32)])
def test_the_commission_is_a_percentage_rounded_half_up_plus_a_fixed_part(amount: int, fee: int) -> None:
    assert Fees().of(amount) == fee  # 1.2 % + 0.30 zł
    assert Fees(Decimal("0"), 0).of(amount) == 0


def test_the_days_report_lists_verified_payments_with_their_commission_and_refunds() -> None:
    books, _ = ledger()
    tx = paid_and_verified(books)
    books.pay(books.register(ACCOUNT, register_body("s-2")))  # paid, never verified: not settled
    books.refund(ACCOUNT, {"requestId": "r", "refunds": [{"orderId": tx.order_id, "sessionId": "s-1",
                                                          "amount": 200}]})
    today = books.now().date()

    rows = adapter.report_rows(books.history(ACCOUNT, today - timedelta(days=1), today + timedelta(days=1)))

    assert [(r.session_id, r.amount, r.status, r.fee) for r in rows] == [("s-1", 1700, "paid", 50),
                                                                         ("s-1", 200, "returned", 0)]
    assert books.history(ACCOUNT, date(2020, 1, 1), date(2020, 1, 2)) == []


def test_the_payers_page_is_polish_and_names_what_is_paid() -> None:
    books, _ = ledger()
    html = payer_page(books.for_payer(books.register(ACCOUNT, register_body(description="Opłata <b>x</b>"))),
                      open_for_payment=True).decode()
    assert '<html lang="pl">' in html and "<main" in html and "<h1>" in html
    assert "17,00 zł" in html and "Opłata &lt;b&gt;x&lt;/b&gt;" in html
    assert '>Zapłać</button>' in html and '>Odrzuć płatność</button>' in html
    assert '<a class="link" href="https://e.example/back">Porzuć</a>' in html
