"""The sandbox e-Delivery box for tests: started in this process on a free port, its provider's seal issued
by a test PKI of its own (root -> intermediate -> provider), and the test controls as methods."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from chalicelib.signatures import pki
from chalicelib.signatures.sealing import OfficeSeal
from sandboxes.edelivery import SandboxServer

# Callbacks are retried fast in tests.
CALLBACK_DELAYS = (0.1, 0.2, 0.4, 0.8)


@dataclass
class EDeliveryBox:
    server: SandboxServer
    root: pki.Issued
    intermediate: pki.Issued
    provider: pki.Issued

    @classmethod
    @contextmanager
    def started(cls, token: str | None = None) -> Iterator[EDeliveryBox]:
        root = pki.issue_ca(pki.name("Test e-Doręczenia Root CA", organization="Testy"))
        intermediate = pki.issue_ca(pki.name("Test e-Doręczenia CA", organization="Testy"), issuer=root)
        provider = pki.issue_signer(pki.name("Dostawca usługi e-Doręczeń (piaskownica)", organization="Testy"),
                                    intermediate)
        seal = OfficeSeal(provider.key_pem(), provider.cert_pem() + intermediate.cert_pem())
        server = SandboxServer(0, seal, token=token, callback_delays=CALLBACK_DELAYS).start()
        try:
            yield cls(server, root, intermediate, provider)
        finally:
            server.stop()

    @property
    def url(self) -> str:
        return self.server.url

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(request, timeout=10) as answer:
            raw = answer.read()
            return json.loads(raw) if raw and "json" in answer.headers.get("Content-Type", "") else raw

    def register(self, address: str, name: str, *, public_body: bool = False) -> None:
        self.call("POST", "/_sandbox/boxes", {"address": address, "name": name, "public_body": public_body})

    def set_clock(self, at: dt.datetime) -> None:
        self.call("POST", "/_sandbox/clock", {"now": at.isoformat()})

    def real_clock(self) -> None:
        self.call("POST", "/_sandbox/clock", {"real": True})

    def fail_next_sends(self, count: int, status: int = 503) -> None:
        self.call("POST", "/_sandbox/failures", {"next_sends": count, "status": status})

    def collect(self, recipient: str, message_id: str) -> dict[str, Any]:
        """The addressee collects the message through the API (the page's „Odbierz” does the same)."""
        answer: dict[str, Any] = self.call("POST", f"/{quote(recipient, safe='')}/messages/{message_id}/receive")
        return answer

    def page(self, address: str) -> str:
        with urllib.request.urlopen(f"{self.url}/skrzynka/{quote(address, safe='')}", timeout=10) as answer:
            return str(answer.read().decode())
