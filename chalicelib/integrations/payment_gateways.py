"""Which gateway serves a JST and with which merchant account: `gateway_for(setting)`.

A JST's keys (CRC and API key) are one Secrets Manager secret, JSON `{"crc": "...", "api_key": "..."}`, named
`<resource_prefix>/payments/<credentials_secret>`: the JST's setting names only the part under the payments
prefix, so a JST's configuration can never point the platform at another secret (the office seal, say), and the
functions' IAM policy grants `<resource_prefix>/payments/*` and nothing wider. Secrets are kept per warm
container for `payments_secret_cache_seconds`, so a rotated key is picked up within minutes.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from functools import lru_cache

from chalicelib.core.settings import get_settings
from chalicelib.integrations.payment_gateway import GatewayError, Merchant, PaymentGateway
from chalicelib.model.tenant import PaymentProvider, PaymentsSetting

SECRETS_FOLDER = "payments"

_lock = threading.Lock()
_cache: dict[str, tuple[float, tuple[str, str]]] = {}  # secret id -> (read at, (crc, api_key))


def secret_id(credentials_secret: str, prefix: str | None = None) -> str:
    """The Secrets Manager name of a merchant's keys (the setting's name under the payments prefix)."""
    return f"{prefix or get_settings().resource_prefix}/{SECRETS_FOLDER}/{credentials_secret}"


def secrets_prefix(prefix: str | None = None) -> str:
    """Every merchant secret's name starts with this (the IAM grant)."""
    return f"{prefix or get_settings().resource_prefix}/{SECRETS_FOLDER}/"


def gateway_for(setting: PaymentsSetting) -> tuple[PaymentGateway, Merchant]:
    """The gateway adapter for the JST's provider and its merchant account with the keys read from Secrets Manager.

    GatewayError (not retryable) when the secret is missing or malformed: an operator must set it up.
    """
    crc, api_key = credentials(secret_id(setting.credentials_secret))
    merchant = Merchant(merchant_id=setting.merchant_id, pos_id=setting.pos_id, crc=crc, api_key=api_key)
    return _adapter(setting.provider, get_settings().payments_gateway_url), merchant


@lru_cache(maxsize=4)
def _adapter(provider: PaymentProvider, base_url: str) -> PaymentGateway:
    if provider is PaymentProvider.PRZELEWY24:
        from chalicelib.integrations.przelewy24 import Przelewy24

        return Przelewy24(base_url)
    raise GatewayError(f"no adapter for the payment provider {provider.value}", retryable=False)


def credentials(name: str, *, read: Callable[[str], str] | None = None,
                now: Callable[[], float] = time.monotonic) -> tuple[str, str]:
    """(crc, api_key) of the secret `name`, from this container's cache while it is fresh."""
    ttl = get_settings().payments_secret_cache_seconds
    with _lock:
        cached = _cache.get(name)
    if cached and now() - cached[0] < ttl:
        return cached[1]
    raw = (read or _read_secret)(name)
    try:
        value = json.loads(raw)
        pair = (str(value["crc"]), str(value["api_key"]))
    except (ValueError, TypeError, KeyError) as exc:
        raise GatewayError(f"payment secret {name} is not {{\"crc\", \"api_key\"}} JSON", retryable=False) from exc
    if not all(pair):
        raise GatewayError(f"payment secret {name} has an empty key", retryable=False)
    with _lock:
        _cache[name] = (now(), pair)
    return pair


def forget_credentials() -> None:
    """Drop the cached keys (a test, or an operator's tool after a rotation)."""
    with _lock:
        _cache.clear()


def _read_secret(name: str) -> str:
    from botocore.exceptions import ClientError

    from chalicelib.integrations.aws import client

    try:
        value: str = client("secretsmanager").get_secret_value(SecretId=name)["SecretString"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        missing = code in ("ResourceNotFoundException", "AccessDeniedException", "InvalidRequestException")
        raise GatewayError(f"payment secret {name}: {code}", retryable=not missing) from exc
    return value


def write_credentials(name: str, *, crc: str, api_key: str, terc: str | None = None) -> None:
    """Create or replace a merchant's keys (the operator's tool; the functions only read them), tagged with the
    JST's TERC: the secret is the JST's alone, so the AWS bill can name the JST its cost is for."""
    from chalicelib.integrations.actual_costs import JST_TAG
    from chalicelib.integrations.aws import client

    sm = client("secretsmanager")
    value = json.dumps({"crc": crc, "api_key": api_key})
    try:
        sm.put_secret_value(SecretId=name, SecretString=value)
    except sm.exceptions.ResourceNotFoundException:
        sm.create_secret(Name=name, SecretString=value,
                         Description="Przelewy24: klucz CRC i klucz API konta sprzedawcy JST")
    if terc:
        sm.tag_resource(SecretId=name, Tags=[{"Key": JST_TAG, "Value": terc}])
    forget_credentials()
