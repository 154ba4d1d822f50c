"""A JST's gateway and merchant account: the secret's name under the payments prefix, its keys cached briefly."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from chalicelib.core.settings import Settings
from chalicelib.integrations import payment_gateways
from chalicelib.integrations.payment_gateway import GatewayError
from chalicelib.integrations.przelewy24 import Przelewy24
from chalicelib.model.tenant import PaymentsSetting


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    payment_gateways.forget_credentials()
    yield
    payment_gateways.forget_credentials()


def test_the_setting_names_a_secret_under_the_stages_payments_prefix_only() -> None:
    assert payment_gateways.secret_id("przelewy24/1418043") == "eurzad-test/payments/przelewy24/1418043"
    assert payment_gateways.secrets_prefix() == "eurzad-test/payments/"


def test_the_gateways_url_comes_from_the_setting() -> None:
    assert Settings.from_environ({}).payments_gateway_url == "https://sandbox.przelewy24.pl"
    assert Settings.from_environ({"EURZAD_PAYMENTS_GATEWAY_URL": "http://127.0.0.1:8070"}).payments_gateway_url \
        == "http://127.0.0.1:8070"


def test_keys_are_read_once_while_fresh_and_again_after_the_ttl() -> None:
    reads: list[str] = []
    clock = [1000.0]

    def read(name: str) -> str:
        reads.append(name)
        return json.dumps({"crc": f"crc-{len(reads)}", "api_key": "api"})

    def now() -> float:
        return clock[0]

    first = payment_gateways.credentials("eurzad-test/payments/a", read=read, now=now)
    clock[0] += 299
    again = payment_gateways.credentials("eurzad-test/payments/a", read=read, now=now)
    clock[0] += 2
    rotated = payment_gateways.credentials("eurzad-test/payments/a", read=read, now=now)

    assert (first, again, rotated) == (("crc-1", "api"), ("crc-1", "api"), ("crc-2", "api"))
    assert len(reads) == 2


@pytest.mark.parametrize("value", ["not json", "[]", '{"crc": "x"}', '{"crc": "", "api_key": "k"}'])
def test_a_malformed_secret_is_an_operators_error_not_a_retry(value: str) -> None:
    with pytest.raises(GatewayError) as caught:
        payment_gateways.credentials("eurzad-test/payments/b", read=lambda _: value)
    assert not caught.value.retryable


def test_gateway_for_gives_the_przelewy24_adapter_and_the_jsts_merchant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payment_gateways, "_read_secret",
                        lambda name: json.dumps({"crc": "c-" + name, "api_key": "k"}))
    setting = PaymentsSetting(merchant_id=11, pos_id=12, credentials_secret="przelewy24/1418043")

    gateway, merchant = payment_gateways.gateway_for(setting)

    assert isinstance(gateway, Przelewy24) and gateway.base_url == "https://sandbox.przelewy24.pl"
    assert (merchant.merchant_id, merchant.pos_id, merchant.crc, merchant.api_key) == (
        11, 12, "c-eurzad-test/payments/przelewy24/1418043", "k")
