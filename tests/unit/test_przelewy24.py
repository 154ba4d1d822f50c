"""The Przelewy24 adapter without a network: its `sign`s, reading a notification, and P24's answers mapped."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.integrations import przelewy24 as p24
from chalicelib.integrations.payment_gateway import GatewayError, InvalidSignature, Merchant, Registration

MERCHANT = Merchant(merchant_id=111, pos_id=222, crc="a1b2c3d4e5f60718", api_key="klucz-api")


class FakeHttp:
    """P24's side of the wire: answers queued in order, requests recorded."""

    def __init__(self, *answers: tuple[int, Any]) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []

    def __call__(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None,
                 timeout: float) -> tuple[int, bytes]:
        self.requests.append((method, url, dict(headers), json.loads(body) if body else None))
        assert timeout <= 10
        status, answer = self.answers.pop(0)
        return status, answer if isinstance(answer, bytes) else json.dumps(answer).encode()


def adapter(*answers: tuple[int, Any]) -> tuple[p24.Przelewy24, FakeHttp]:
    http = FakeHttp(*answers)
    return p24.Przelewy24("https://sandbox.przelewy24.pl/", transport=http), http


# --- sign ---------------------------------------------------------------------------------------------------

def test_register_sign_is_sha384_of_the_compact_json_in_p24s_key_order() -> None:
    written = '{"sessionId":"0f3c-1","merchantId":111,"amount":1700,"currency":"PLN","crc":"a1b2c3d4e5f60718"}'
    expected = hashlib.sha384(written.encode()).hexdigest()

    assert p24.register_sign(session_id="0f3c-1", merchant_id=111, amount=1700, currency="PLN",
                             crc="a1b2c3d4e5f60718") == expected


def test_verify_sign_follows_its_own_key_order() -> None:
    written = '{"sessionId":"0f3c-1","orderId":305,"amount":1700,"currency":"PLN","crc":"a1b2c3d4e5f60718"}'

    assert p24.verify_sign(session_id="0f3c-1", order_id=305, amount=1700, currency="PLN",
                           crc="a1b2c3d4e5f60718") == hashlib.sha384(written.encode()).hexdigest()


def test_notification_sign_keeps_polish_letters_and_slashes_unescaped() -> None:
    written = ('{"merchantId":111,"posId":222,"sessionId":"0f3c-1","amount":1700,"originAmount":1700,'
               '"currency":"PLN","orderId":305,"methodId":25,"statement":"p24-Ł/żółć","crc":"a1b2c3d4e5f60718"}')
    fields = notification_fields()

    assert p24.notification_sign(fields, MERCHANT.crc) == hashlib.sha384(written.encode("utf-8")).hexdigest()


# --- notifications ------------------------------------------------------------------------------------------

def notification_fields(**change: Any) -> dict[str, Any]:
    return {"merchantId": 111, "posId": 222, "sessionId": "0f3c-1", "amount": 1700, "originAmount": 1700,
            "currency": "PLN", "orderId": 305, "methodId": 25, "statement": "p24-Ł/żółć", **change}


def signed(fields: dict[str, Any], crc: str = MERCHANT.crc) -> bytes:
    return json.dumps({**fields, "sign": p24.notification_sign(fields, crc)}, ensure_ascii=False).encode()


def test_a_genuine_notification_is_read() -> None:
    gateway, _ = adapter()

    n = gateway.read_notification(MERCHANT, signed(notification_fields()))

    assert (n.session_id, n.amount, n.origin_amount, n.currency, n.order_id, n.method_id, n.statement) == (
        "0f3c-1", 1700, 1700, "PLN", 305, 25, "p24-Ł/żółć")


@pytest.mark.parametrize("raw", [
    # the amount changed after signing
    json.dumps({**json.loads(signed(notification_fields())), "amount": 1}).encode(),
    # signed with another merchant's CRC key
    signed(notification_fields(), crc="someone-elses-key"),
    # a sign that is not even hex, no sign, a field of another type, a field missing, not an object, not JSON
    json.dumps({**notification_fields(), "sign": "ą" * 96}).encode(),
    json.dumps(notification_fields()).encode(),
    signed(notification_fields(amount="1700")),
    signed(notification_fields(orderId=True)),
    json.dumps({k: v for k, v in json.loads(signed(notification_fields())).items() if k != "methodId"}).encode(),
    b"[1, 2]", b"\xff\xfe not json",
    # genuinely signed, but for another merchant account
    signed(notification_fields(merchantId=999)),
], ids=["amount-changed", "other-crc", "garbage-sign", "no-sign", "string-amount", "bool-order", "missing",
        "array", "not-json", "other-merchant"])
def test_a_notification_that_cannot_be_authenticated_is_refused(raw: bytes) -> None:
    gateway, http = adapter()

    with pytest.raises(InvalidSignature):
        gateway.read_notification(MERCHANT, raw)
    assert http.requests == []


# --- calls --------------------------------------------------------------------------------------------------

REGISTRATION = Registration(session_id="0f3c-1", amount=1700, description="Opłata skarbowa GK.6730.1.2026",
                            email="jan@example.pl", url_return="https://eurzad.example/moja-sprawa.html?id=0f3c",
                            url_status="https://api.example/v1/payments/przelewy24/1418043/notifications")


def test_register_sends_a_signed_body_with_basic_auth_and_returns_the_payers_page() -> None:
    gateway, http = adapter((200, {"data": {"token": "TOK-123"}, "responseCode": 0}))

    url = gateway.register(MERCHANT, REGISTRATION)

    assert url == "https://sandbox.przelewy24.pl/trnRequest/TOK-123"
    method, called, headers, body = http.requests[0]
    assert (method, called) == ("POST", "https://sandbox.przelewy24.pl/api/v1/transaction/register")
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"222:klucz-api").decode()
    assert body["sign"] == p24.register_sign(session_id="0f3c-1", merchant_id=111, amount=1700, currency="PLN",
                                             crc=MERCHANT.crc)
    assert (body["merchantId"], body["posId"], body["amount"], body["urlStatus"], body["timeLimit"]) == (
        111, 222, 1700, REGISTRATION.url_status, 15)
    assert "crc" not in body and MERCHANT.crc not in json.dumps(body)


@pytest.mark.parametrize(("status", "answer", "retryable"), [
    (400, {"error": "Incorrect sign", "code": 400}, False),
    (401, {"error": "Incorrect authentication", "code": 401}, False),
    (500, {"error": "Undefined error", "code": 500}, True),
    (503, b"<html>maintenance</html>", True),
    (429, {"error": "Too many requests", "code": 429}, True),
    (200, b"not json", True),
    (200, {"data": {}, "responseCode": 0}, True),  # no token
])
def test_register_refusals_and_failures_are_gateway_errors_saying_whether_to_retry(
        status: int, answer: Any, retryable: bool) -> None:
    gateway, _ = adapter((status, answer))

    with pytest.raises(GatewayError) as caught:
        gateway.register(MERCHANT, REGISTRATION)
    assert caught.value.retryable is retryable


def test_an_unreachable_gateway_is_a_retryable_error() -> None:
    def refused(*_: object) -> tuple[int, bytes]:
        raise GatewayError("Przelewy24 unreachable: timed out", retryable=True)

    with pytest.raises(GatewayError) as caught:
        p24.Przelewy24("https://x.example", transport=refused).status(MERCHANT, "0f3c-1")
    assert caught.value.retryable


def test_only_an_http_gateway_url_is_accepted() -> None:
    with pytest.raises(ValueError, match="http"):
        p24.Przelewy24("file:///etc/passwd")


def test_verify_sends_the_verify_sign_and_reads_success() -> None:
    notification = p24.parse_notification(MERCHANT, signed(notification_fields()))
    gateway, http = adapter((200, {"data": {"status": "success"}, "responseCode": 0}),
                            (400, {"error": "Invalid amount", "code": 400}))

    assert gateway.verify(MERCHANT, notification) is True
    assert gateway.verify(MERCHANT, notification) is False
    method, url, _, body = http.requests[0]
    assert (method, url) == ("PUT", "https://sandbox.przelewy24.pl/api/v1/transaction/verify")
    assert body == {"merchantId": 111, "posId": 222, "sessionId": "0f3c-1", "amount": 1700, "currency": "PLN",
                    "orderId": 305, "sign": p24.verify_sign(session_id="0f3c-1", order_id=305, amount=1700,
                                                            currency="PLN", crc=MERCHANT.crc)}


def test_status_maps_p24s_codes_and_an_unknown_session_is_none() -> None:
    gateway, http = adapter(
        (200, {"data": {"sessionId": "0f3c-1", "orderId": 305, "status": 2, "amount": 1700}, "responseCode": 0}),
        (200, {"data": {"sessionId": "0f3c-2", "orderId": 0, "status": 0, "amount": 1700}, "responseCode": 0}),
        (404, {"error": "Transaction does not exist", "code": 404}))

    paid = gateway.status(MERCHANT, "0f3c-1")
    waiting = gateway.status(MERCHANT, "0f3c-2")

    assert paid is not None and (paid.status, paid.order_id, paid.amount) == ("paid", 305, 1700)
    assert waiting is not None and (waiting.status, waiting.order_id) == ("no_payment", None)
    assert gateway.status(MERCHANT, "a b/c") is None
    assert http.requests[2][1].endswith("/api/v1/transaction/by/sessionId/a%20b%2Fc")


def test_refund_body_and_a_refused_refund() -> None:
    gateway, http = adapter(
        (201, {"data": [{"orderId": 305, "sessionId": "0f3c-1", "amount": 700, "status": True,
                         "message": "success"}], "responseCode": 0}),
        (409, {"error": [{"orderId": 305, "status": False, "message": "The amount of refund exceeds available "
                                                                      "amount for the transaction"}], "code": 409}))

    gateway.refund(MERCHANT, request_id="r-1", order_id=305, session_id="0f3c-1", amount=700, description="Zwrot")
    with pytest.raises(GatewayError, match="exceeds") as caught:
        gateway.refund(MERCHANT, request_id="r-2", order_id=305, session_id="0f3c-1", amount=5000,
                       description="Zwrot")

    assert not caught.value.retryable
    assert http.requests[0][3] == {"requestId": "r-1", "refundsUuid": "r-1", "refunds": [
        {"orderId": 305, "sessionId": "0f3c-1", "amount": 700, "description": "Zwrot"}]}


def test_report_reads_every_page_of_the_days_history() -> None:
    page1 = {"data": [
        {"type": "transaction", "amount": 1700, "currency": "PLN", "details": [
            {"orderId": 305, "sessionId": "0f3c-1", "amount": 1700, "status": 2, "fee": 50,
             "date": "2026-11-23 09:59:00", "dateOfVerification": "2026-11-23 10:01:02"}]},
        {"type": "batch", "amount": 99999, "currency": "PLN", "details": []}],
        "token": "next-page", "responseCode": 0, "pageInformation": {"pageCount": 2}}
    page2 = {"data": [{"type": "refund", "amount": 700, "currency": "PLN", "details": [
        {"ordrId": 305, "sessionId": "0f3c-1", "amount": 700, "date": "2026-11-23 12:00:00"}]}],
        "token": "", "responseCode": 0, "pageInformation": {"pageCount": 2}}
    gateway, http = adapter((200, page1), (200, page2))

    rows = gateway.report(MERCHANT, date(2026, 11, 23))

    assert [(r.session_id, r.order_id, r.amount, r.status, r.fee) for r in rows] == [
        ("0f3c-1", 305, 1700, "paid", 50), ("0f3c-1", 305, 700, "returned", 0)]
    assert rows[0].at == datetime(2026, 11, 23, 9, 1, 2, tzinfo=UTC)  # Warsaw wall-clock, CET
    assert http.requests[0][1].endswith("/api/v1/report/history?dateFrom=20261123&dateTo=20261123")
    assert http.requests[1][1].endswith("/api/v1/report/history/next-page")


def test_report_follows_the_token_while_the_first_pages_count_says_there_are_more() -> None:
    def page(n: int, token: str, count: int | None) -> dict[str, Any]:
        info = {"recordsOnPage": 1} | ({"pageCount": count} if count else {})
        return {"data": [{"type": "transaction", "amount": n, "currency": "PLN", "details": [
            {"orderId": n, "sessionId": f"s-{n}", "amount": n, "fee": 31,
             "dateOfVerification": "2026-07-01 12:00:00"}]}],
            "token": token, "responseCode": 0, "pageInformation": info}

    gateway, http = adapter((200, page(1, "t2", 3)), (200, page(2, "t3", None)), (200, page(3, "t4", None)))

    rows = gateway.report(MERCHANT, date(2026, 7, 1))

    assert [r.order_id for r in rows] == [1, 2, 3] and len(http.requests) == 3
    assert rows[0].at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # CEST
