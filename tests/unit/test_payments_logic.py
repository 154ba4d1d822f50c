"""The payment order's rules without AWS: sessions name their order, where the payer may come back to, when a new
attempt is refused, which notifications may settle an order, late payments, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.core.errors import ApiError
from chalicelib.events.topics import PaymentRequested
from chalicelib.integrations.payment_gateway import Merchant, Notification
from chalicelib.model.fees import FeeDue
from chalicelib.model.tenant import PaymentsSetting
from chalicelib.modules.payments import logic
from chalicelib.modules.payments.models import Order

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CASE = "a" * 32
MERCHANT = Merchant(merchant_id=11, pos_id=11, crc="c", api_key="k")


def order(**changes: object) -> Order:
    message = PaymentRequested(terc="1418043", case_id=CASE, sign="OR.1510.1.2026", owner="res-1",
                               service="pismo-ogolne", fee=FeeDue(amount=1700, title="Opłata skarbowa"),
                               requested_at=NOW)
    opened = logic.open_order(message, PaymentsSetting(merchant_id=11, pos_id=11, credentials_secret="x",
                                                       order_expiry_days=7), NOW)
    return opened.model_copy(update=changes)


def note(**changes: object) -> Notification:
    fields: dict[str, object] = {"merchant_id": 11, "pos_id": 11, "session_id": f"{CASE}-1", "amount": 1700,
                                 "origin_amount": 1700, "currency": "PLN", "order_id": 77, "method_id": 1,
                                 "statement": "s", **changes}
    return Notification(**fields)  # type: ignore[arg-type]


def test_an_order_expires_the_jsts_days_after_the_registration() -> None:
    opened = order()
    assert (opened.order_id, opened.status, opened.expires_at) == (CASE, "nowe", NOW + timedelta(days=7))


@pytest.mark.parametrize(("session", "named"), [(f"{CASE}-1", CASE), (f"{CASE}-12", CASE), (CASE, None),
                                                (f"{CASE}-x", None), ("-1", None), ("", None)])
def test_a_session_names_its_order(session: str, named: str | None) -> None:
    assert logic.order_of_session(session) == named


@pytest.mark.parametrize(("url", "origin", "ok"), [
    ("https://eurzad.mazowsze.pl/moja-sprawa.html?id=1", "https://eurzad.mazowsze.pl", True),
    ("https://evil.example/moja-sprawa.html", "https://eurzad.mazowsze.pl", False),
    ("http://127.0.0.1:8090/moja-sprawa.html", "*", True),
    ("javascript:alert(1)", "*", False),
    ("https://user:pw@eurzad.mazowsze.pl/", "https://eurzad.mazowsze.pl", False),
])
def test_the_payer_comes_back_only_to_the_portal(url: str, origin: str, ok: bool) -> None:
    if ok:
        assert logic.return_url(url, origin) == url
    else:
        with pytest.raises(ApiError) as refused:
            logic.return_url(url, origin)
        assert refused.value.details[0]["field"] == "return_url"


@pytest.mark.parametrize(("status", "now", "code"), [("oplacone", NOW, "already_paid"),
                                                     ("zwrocone", NOW, "already_paid"),
                                                     ("wygasle", NOW, "order_expired"),
                                                     ("nieudane", NOW + timedelta(days=8), "order_expired")])
def test_a_paid_or_expired_order_takes_no_new_attempt(status: str, now: datetime, code: str) -> None:
    with pytest.raises(ApiError) as refused:
        logic.next_attempt(order(status=status), now)
    assert (refused.value.status, refused.value.code) == (409, code)


def test_attempts_are_numbered_and_a_new_one_closes_the_open_one() -> None:
    first = logic.with_attempt(order(), 1, f"{CASE}-1", redirect_url="u", back_to="b", now=NOW)
    assert logic.next_attempt(first, NOW) == (2, f"{CASE}-2")
    second = logic.with_attempt(first, 2, f"{CASE}-2", redirect_url="u", back_to="b", now=NOW)
    assert [a.status for a in second.attempts] == ["nieudane", "oczekuje"] and second.status == "oczekuje"


@pytest.mark.parametrize(("changes", "terc", "code"), [
    ({"merchant_id": 12}, "1418043", "wrong_merchant"),
    ({"session_id": f"{'b' * 32}-1"}, "1418043", "unknown_session"),
    ({}, "1418032", "other_tenant"),
    ({"amount": 1699}, "1418043", "wrong_amount"),
    ({"currency": "EUR"}, "1418043", "wrong_amount"),
])
def test_a_notification_that_does_not_match_its_order_is_refused(changes: dict[str, object], terc: str,
                                                                 code: str) -> None:
    refused = logic.refusal(order(), note(**changes), MERCHANT, terc)
    assert refused is not None and refused.code == code


def test_a_matching_notification_pays_the_order_even_a_failed_or_expired_one_late() -> None:
    assert logic.refusal(order(), note(), MERCHANT, "1418043") is None
    on_time = logic.paid(order(status="nieudane"), note(), NOW + timedelta(days=1))
    assert (on_time.status, on_time.late, on_time.gateway_order_id, on_time.paid_session) == (
        "oplacone", False, 77, f"{CASE}-1")
    late = logic.paid(order(status="wygasle"), note(), NOW + timedelta(days=9))
    assert (late.status, late.late) == ("oplacone", True)


def test_an_open_order_expires_after_its_time_and_only_then() -> None:
    assert logic.expired(order(), NOW + timedelta(days=6)) is None
    assert logic.expired(order(status="oplacone"), NOW + timedelta(days=8)) is None
    gone = logic.expired(logic.with_attempt(order(), 1, f"{CASE}-1", redirect_url="u", back_to="b", now=NOW),
                         NOW + timedelta(days=7))
    assert gone is not None and (gone.status, [a.status for a in gone.attempts]) == ("wygasle", ["nieudane"])
