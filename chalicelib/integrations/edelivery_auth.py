"""How the office's system signs in to the e-Delivery box: the client certificate and OAuth 2.0 client from
Secrets Manager, and the access token (client credentials grant, certificate-bound when mTLS is configured)."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import urllib.parse
import urllib.request
from typing import Any

from chalicelib.integrations.edelivery_client import Credentials, UserAgentApiClient

# A token is renewed this long before it expires, so a call never goes out with one about to lapse.
TOKEN_MARGIN_SECONDS = 60.0


class ClientCredentialsToken:
    """The current access token from `token_url` (RFC 6749 §4.4), fetched once and reused until near expiry."""

    def __init__(self, token_url: str, client_id: str, client_secret: str | None, certificate: Credentials,
                 *, timeout: float = 10.0) -> None:
        self._url, self._client_id, self._secret, self._timeout = token_url, client_id, client_secret, timeout
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=certificate.ssl_context()))
        self._lock = threading.Lock()
        self._token, self._expires = "", 0.0

    def __call__(self) -> str:
        with self._lock:
            if time.monotonic() >= self._expires:
                self._token, lifetime = self._fetch()
                self._expires = time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, 0.0)
            return self._token

    def _fetch(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials", "client_id": self._client_id}
        if self._secret:
            form["client_secret"] = self._secret
        request = urllib.request.Request(self._url, data=urllib.parse.urlencode(form).encode(),  # noqa: S310
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with self._opener.open(request, timeout=self._timeout) as answer:
            body: dict[str, Any] = json.loads(answer.read())
        return str(body["access_token"]), float(body.get("expires_in", 300))


def credentials_from_secret(secret: dict[str, str]) -> Credentials:
    """From the secret's JSON: `cert_pem` + `key_pem` (mTLS) and/or `token_url` + `client_id`
    (+ `client_secret`) for OAuth 2.0; `server_ca_pem` when the box's certificate is not under a public root."""
    certificate = Credentials(cert_pem=(secret.get("cert_pem") or "").encode() or None,
                              key_pem=(secret.get("key_pem") or "").encode() or None,
                              server_ca_pem=(secret.get("server_ca_pem") or "").encode() or None)
    if not secret.get("token_url"):
        return certificate
    bearer = ClientCredentialsToken(secret["token_url"], secret["client_id"], secret.get("client_secret"),
                                    certificate)
    return dataclasses.replace(certificate, bearer=bearer)


def box_from_settings() -> UserAgentApiClient:
    """The office's box client as configured (EURZAD_EDELIVERY_URL, EURZAD_EDELIVERY_SECRET)."""
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    if not settings.edelivery_url:
        raise RuntimeError("EURZAD_EDELIVERY_URL is not set: the e-Delivery box is not configured")
    credentials = None
    if settings.edelivery_secret:
        from chalicelib.integrations.aws import client

        value = client("secretsmanager").get_secret_value(SecretId=settings.edelivery_secret)["SecretString"]
        credentials = credentials_from_secret(json.loads(value))
    return UserAgentApiClient(settings.edelivery_url, credentials)
