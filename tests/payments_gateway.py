"""The sandbox Przelewy24 for the tests: started once per session in this process, on a free port, with P24's
retry schedule compressed (a minute lasts MINUTE_SECONDS), and the payer's clicks as plain HTTP.

`payments_gateway` (the session fixture in tests/conftest.py) points EURZAD_PAYMENTS_GATEWAY_URL at it, so the
platform's code under test and the e2e stack's functions call it like the real gateway.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from chalicelib.integrations.payment_gateway import Merchant
from sandboxes.przelewy24 import Sandbox

MINUTE_SECONDS = 0.02  # P24's 3/5/15/30/60/150/450 minutes: 0.06 s … 9 s


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None


@dataclass
class PaymentsGateway:
    sandbox: Sandbox

    @property
    def url(self) -> str:
        return self.sandbox.url

    def add_merchant(self, name: str, merchant_id: int, pos_id: int | None = None, *,
                     crc: str | None = None, api_key: str | None = None, store_secret: bool = True) -> Merchant:
        """A merchant account at the gateway; with `store_secret`, its keys also in Secrets Manager under
        `<prefix>/payments/<name>` (a JST's `payments.credentials_secret: <name>`; needs the emulator)."""
        crc = crc or hashlib.sha256(f"crc:{name}:{merchant_id}".encode()).hexdigest()[:16]
        api_key = api_key or hashlib.sha256(f"api:{name}:{merchant_id}".encode()).hexdigest()[:32]
        merchant = Merchant(merchant_id=merchant_id, pos_id=pos_id or merchant_id, crc=crc, api_key=api_key)
        self.sandbox.add_merchant(merchant.merchant_id, merchant.pos_id, crc, api_key)
        if store_secret:
            from chalicelib.integrations import payment_gateways

            payment_gateways.write_credentials(payment_gateways.secret_id(name), crc=crc, api_key=api_key)
        return merchant

    def transactions(self, session_id: str | None = None) -> list[dict[str, Any]]:
        query = f"?session_id={session_id}" if session_id else ""
        return list(self._call("GET", f"/_sandbox/transactions{query}")["transactions"])

    def notify_now(self, session_id: str) -> dict[str, Any]:
        return dict(self._call("POST", "/_sandbox/notify", {"session_id": session_id}))

    def notification(self, session_id: str) -> bytes:
        """The signed notification of a paid attempt as the gateway sends it (not sent): for a test that posts it
        to the platform's route itself (the in-process API has no URL the gateway could reach)."""
        body = self._call("POST", "/_sandbox/notification", {"session_id": session_id})
        return json.dumps(body, ensure_ascii=False).encode()

    def advance_clock(self, minutes: float) -> None:
        self._call("POST", "/_sandbox/clock", {"advance_minutes": minutes})

    def pay(self, payer_url: str) -> str:
        """Press „Zapłać” on the payer's page: where the gateway sends the payer back (its urlReturn)."""
        return self._choose(payer_url, "pay")

    def refuse(self, payer_url: str) -> str:
        """Press „Odrzuć płatność”: the bank refused; back to urlReturn, no notification."""
        return self._choose(payer_url, "fail")

    def _choose(self, payer_url: str, action: str) -> str:
        assert urlsplit(payer_url).path.startswith("/trnRequest/"), payer_url
        request = urllib.request.Request(payer_url, data=f"action={action}".encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            urllib.request.build_opener(NoRedirect).open(request, timeout=10)
        except urllib.error.HTTPError as err:
            assert err.code == 303, (err.code, err.read())
            return str(err.headers["Location"])
        raise AssertionError("the payer's page did not send the payer back")

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
