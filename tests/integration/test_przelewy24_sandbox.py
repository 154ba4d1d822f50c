"""The Przelewy24 adapter end to end against the sandbox gateway, the merchant's keys from Secrets Manager.

A payment's whole life as the payments module will drive it: register, the payer's page, the notification
received by a merchant endpoint (a tiny local HTTP receiver here), read, verify, status, refund, the day's report.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chalicelib.integrations.payment_gateway import GatewayError, InvalidSignature, Merchant, Registration
from chalicelib.integrations.payment_gateways import gateway_for
from chalicelib.integrations.przelewy24 import Przelewy24
from chalicelib.model.tenant import PaymentsSetting
from tests.payments import Receiver
from tests.payments_gateway import PaymentsGateway


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver("/v1/payments/przelewy24/1418043/notifications")
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def account(payments_gateway: PaymentsGateway) -> tuple[Przelewy24, Merchant]:
    name = f"przelewy24/test-{uuid.uuid4().hex[:8]}"
    account = payments_gateway.add_merchant(name, merchant_id=uuid.uuid4().int % 900_000 + 100_000)
    gateway, merchant = gateway_for(PaymentsSetting(merchant_id=account.merchant_id, pos_id=account.pos_id,
                                                    credentials_secret=name))
    assert isinstance(gateway, Przelewy24) and gateway.base_url == payments_gateway.url
    assert merchant == account  # the keys came back from Secrets Manager
    return gateway, merchant


def registration(receiver: Receiver, amount: int = 1700) -> Registration:
    session = f"{uuid.uuid4().hex}-1"
    return Registration(session_id=session, amount=amount, description="Opłata skarbowa — zaświadczenie",
                        email="jan.kowalski@example.pl", url_status=receiver.url,
                        url_return=f"https://eurzad.example/moja-sprawa.html?s={session}")


def test_a_payment_from_registration_to_the_days_report(account: tuple[Przelewy24, Merchant], receiver: Receiver,
                                                        payments_gateway: PaymentsGateway) -> None:
    gateway, merchant = account
    r = registration(receiver)

    payer_url = gateway.register(merchant, r)
    with urllib.request.urlopen(payer_url, timeout=10) as page:
        html = page.read().decode()
    assert payer_url.startswith(payments_gateway.url + "/trnRequest/")
    assert 'lang="pl"' in html and "17,00 zł" in html and ">Zapłać<" in html and ">Odrzuć płatność<" in html
    assert gateway.status(merchant, r.session_id).status == "no_payment"  # type: ignore[union-attr]

    assert payments_gateway.pay(payer_url) == r.url_return
    first, again = receiver.wait_for(2)[:2]  # the first one, then P24's retry after "3 minutes"
    notification = gateway.read_notification(merchant, first)
    assert (notification.session_id, notification.amount, notification.currency) == (r.session_id, 1700, "PLN")
    assert gateway.read_notification(merchant, again) == notification
    assert gateway.status(merchant, r.session_id).status == "advance"  # type: ignore[union-attr]

    assert gateway.verify(merchant, notification) is True
    paid = gateway.status(merchant, r.session_id)
    assert paid is not None and (paid.status, paid.order_id, paid.amount) == ("paid", notification.order_id, 1700)
    sent = len(receiver.bodies)
    time.sleep(0.6)  # the "5" and "15 minute" retries would have come by now
    assert len(receiver.bodies) == sent, "notifications must stop once the payment is verified"

    gateway.refund(merchant, request_id="zwrot-1", order_id=notification.order_id, session_id=r.session_id,
                   amount=700, description="Zwrot nadpłaty")
    gateway.refund(merchant, request_id="zwrot-1", order_id=notification.order_id, session_id=r.session_id,
                   amount=700, description="Zwrot nadpłaty")  # a repeat changes nothing
    with pytest.raises(GatewayError) as too_much:
        gateway.refund(merchant, request_id="zwrot-2", order_id=notification.order_id, session_id=r.session_id,
                       amount=1001, description="Za dużo")
    assert not too_much.value.retryable

    rows = gateway.report(merchant, datetime.now(ZoneInfo("Europe/Warsaw")).date())
    assert [(row.session_id, row.order_id, row.amount, row.status, row.fee) for row in rows] == [
        (r.session_id, notification.order_id, 1700, "paid", 50),  # 1.2 % of 17 zł (0.20 zł) + 0.30 zł
        (r.session_id, notification.order_id, 700, "returned", 0)]


def test_a_refused_payment_comes_back_without_a_notification(account: tuple[Przelewy24, Merchant],
                                                             receiver: Receiver,
                                                             payments_gateway: PaymentsGateway) -> None:
    gateway, merchant = account
    r = registration(receiver)

    assert payments_gateway.refuse(gateway.register(merchant, r)) == r.url_return

    time.sleep(0.3)
    assert receiver.bodies == []
    assert gateway.status(merchant, r.session_id).status == "no_payment"  # type: ignore[union-attr]
    assert gateway.status(merchant, f"{uuid.uuid4().hex}-1") is None


def test_a_forged_notification_is_refused_and_an_unverified_payment_keeps_being_notified(
        account: tuple[Przelewy24, Merchant], receiver: Receiver, payments_gateway: PaymentsGateway) -> None:
    gateway, merchant = account
    r = registration(receiver)
    payments_gateway.pay(gateway.register(merchant, r))
    genuine = json.loads(receiver.wait_for(1)[0])

    for forged in ({**genuine, "amount": 1}, {**genuine, "sign": "0" * 96}):
        with pytest.raises(InvalidSignature):
            gateway.read_notification(merchant, json.dumps(forged).encode())
    receiver.wait_for(3)  # never verified: P24 tries again and again
    delivered = payments_gateway.notify_now(r.session_id)
    assert delivered["status"] == 200
    assert gateway.read_notification(merchant, payments_gateway.notification(r.session_id)).session_id == r.session_id


def test_a_wrong_api_key_and_an_unreachable_gateway_are_told_apart(account: tuple[Przelewy24, Merchant],
                                                                    receiver: Receiver) -> None:
    gateway, merchant = account
    wrong = Merchant(merchant.merchant_id, merchant.pos_id, merchant.crc, "not-the-key")
    with pytest.raises(GatewayError) as refused:
        gateway.register(wrong, registration(receiver))
    assert not refused.value.retryable

    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()
    with pytest.raises(GatewayError) as unreachable:
        Przelewy24(f"http://127.0.0.1:{port}", timeout=2).register(merchant, registration(receiver))
    assert unreachable.value.retryable

    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        started = time.monotonic()
        with pytest.raises(GatewayError) as timed_out:
            Przelewy24(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5).status(merchant, "s-1")
    assert timed_out.value.retryable and time.monotonic() - started < 5


def test_the_demo_jsts_that_take_payments_get_working_merchant_accounts(demo_merchants: PaymentsGateway,
                                                                       receiver: Receiver) -> None:
    from chalicelib.cli import load_tenant
    from tests.integration.conftest import demo_files

    tenants = {t.terc: t for t in map(load_tenant, demo_files())}
    assert tenants["1418032"].payments is None  # Lesznowola takes no fees online: the demo shows both
    for terc in ("1418043", "1418023", "1418"):
        setting = tenants[terc].payments
        assert setting is not None
        gateway, merchant = gateway_for(setting)
        assert gateway.register(merchant, registration(receiver)).startswith(demo_merchants.url + "/trnRequest/")


def test_a_busy_days_report_is_read_page_by_page(receiver: Receiver) -> None:
    from sandboxes.przelewy24 import serve

    sandbox = serve(0, minute_seconds=60, page_size=2)  # the report in pages of two entries
    try:
        small = PaymentsGateway(sandbox)
        merchant = small.add_merchant("stronicowanie", 654_321, store_secret=False)
        gateway = Przelewy24(sandbox.url)
        sessions = []
        for amount in (1700, 1800, 1900, 2000, 2100):
            r = registration(receiver, amount)
            small.pay(gateway.register(merchant, r))
            sessions.append(r.session_id)
        for body in receiver.wait_for(5):
            assert gateway.verify(merchant, gateway.read_notification(merchant, body))

        rows = gateway.report(merchant, datetime.now(ZoneInfo("Europe/Warsaw")).date())

        assert sorted(row.session_id for row in rows) == sorted(sessions)
        assert sum(row.amount for row in rows) == 9500 and all(row.status == "paid" for row in rows)
    finally:
        sandbox.close()


def test_an_operator_stores_a_jsts_real_keys_with_the_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib import cli
    from chalicelib.integrations import payment_gateways
    from tests.integration.conftest import DEMO

    # A JST file of its own, so that the demo JSTs' keys stay as the other tests expect them.
    text = (DEMO / "1418023-konstancin-jeziorna.yaml").read_text(encoding="utf-8")
    jst = tmp_path / "jst.yaml"
    jst.write_text(text.replace("credentials_secret: przelewy24/1418023", "credentials_secret: cli/set-keys"),
                   encoding="utf-8")
    monkeypatch.setenv("P24_CRC", "crc-z-panelu")
    monkeypatch.setenv("P24_API_KEY", "klucz-api-z-panelu")

    assert cli.main(["payments", "set-keys", str(jst)]) == 0
    assert "eurzad-test/payments/cli/set-keys" in capsys.readouterr().out
    payment_gateways.forget_credentials()
    assert payment_gateways.credentials("eurzad-test/payments/cli/set-keys") == ("crc-z-panelu", "klucz-api-z-panelu")
    assert cli.main(["payments", "set-keys", str(DEMO / "1418032-lesznowola.yaml")]) == 1  # no online payments
