"""The e-Delivery box's adapter: the User Agent API (UAA) 3.x subset the office needs, over stdlib urllib.

Paths as the UAA names them (relative to the configured base URL, which carries the API's prefix):
`POST /{ADE}/messages`, `GET /{ADE}/messages/{id}`, `GET /{ADE}/messages/{id}/evidences`,
`POST /{ADE}/subscriptions`, `DELETE /{ADE}/subscriptions/{id}`. The ADE goes into the path percent-encoded.

Assumed, where no public text of the UAA 3.x OpenAPI was at hand (to be checked against the operator's
specification when access to its INT environment is granted): the send body is JSON with the documents in
base64 (the UAA also takes multipart), our idempotency key is `clientMessageId`, the field names and the
upper-case status and evidence codes below, the subscription and callback shapes, errors as
`{"error": {"code", "message"}}`. The local sandbox (sandboxes/edelivery.py) implements the same.

Authentication, either or both: an X.509 client certificate (mTLS; in production the certificate and key
come from a Secrets Manager secret) and an OAuth 2.0 bearer token. Plain HTTP only to a loopback host (the
sandbox).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import ssl
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlparse

from chalicelib.integrations.edelivery import (
    EDeliveryError,
    Evidence,
    EvidenceKind,
    MessageStatus,
    OutgoingMessage,
    StatusReport,
)

STATUS_CODES = {
    "SUBMITTED": MessageStatus.SUBMITTED,
    "SENT": MessageStatus.SENT,
    "AWAITING_DELIVERY": MessageStatus.AWAITING,
    "DELIVERED": MessageStatus.DELIVERED,
    "DEEMED_DELIVERED": MessageStatus.DEEMED_DELIVERED,
    "UNDELIVERED": MessageStatus.UNDELIVERED,
}
EVIDENCE_CODES = {
    "SENDING": EvidenceKind.SENDING,
    "RECEIPT": EvidenceKind.RECEIPT,
    "DEEMED_RECEIPT": EvidenceKind.DEEMED_RECEIPT,
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
RETRYABLE_STATUSES = {408, 425, 429}


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


# What sends one request: the default goes through urllib with the client's TLS context; tests give their own.
Transport = Callable[[urllib.request.Request, float], Response]


@dataclass(frozen=True)
class Credentials:
    """How the office's system proves itself to the box: a client certificate (chain PEM + key PEM) for mTLS,
    and/or a callable giving the current OAuth 2.0 access token. `server_ca_pem` trusts the box's own CA
    (an integration environment's) besides the system's roots."""

    cert_pem: bytes | None = None
    key_pem: bytes | None = None
    bearer: Callable[[], str] | None = None
    server_ca_pem: bytes | None = None

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.server_ca_pem:
            context.load_verify_locations(cadata=self.server_ca_pem.decode())
        if self.cert_pem and self.key_pem:
            # load_cert_chain reads files only: the PEMs stay on disk (0600) for the moment of loading.
            with tempfile.TemporaryDirectory() as directory:
                cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
                for path, data in ((cert, self.cert_pem), (key, self.key_pem)):
                    with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as out:
                        out.write(data)
                context.load_cert_chain(cert, key)
        return context


class UserAgentApiClient:
    """`EDeliveryBox` over the UAA. One instance per warm container: the TLS context is built once."""

    def __init__(self, base_url: str, credentials: Credentials | None = None, *, timeout: float = 30.0,
                 transport: Transport | None = None) -> None:
        parsed = urlparse(base_url)
        if parsed.scheme not in ("https", "http") or not parsed.hostname:
            raise ValueError(f"Adres skrzynki e-Doręczeń musi być adresem https: {base_url!r}")
        if parsed.scheme == "http" and parsed.hostname not in LOOPBACK:
            raise ValueError(f"Zwykłe http tylko do lokalnej piaskownicy e-Doręczeń, nie do {parsed.hostname}")
        self._base = base_url.rstrip("/")
        self._credentials = credentials or Credentials()
        self._timeout = timeout
        self._transport = transport or _UrllibTransport(
            self._credentials.ssl_context() if parsed.scheme == "https" else None)

    def send(self, message: OutgoingMessage) -> str:
        body = {
            "clientMessageId": message.message_id,
            "recipients": [{"address": message.recipient}],
            "subject": message.subject,
            "content": message.body,
            "attachments": [{"filename": d.name, "contentType": d.media_type,
                             "content": base64.b64encode(d.content).decode()} for d in message.documents],
        }
        answer = self._call("POST", f"/{_ade(message.sender)}/messages", body)
        return str(_field(answer, "messageId"))

    def status(self, sender: str, box_message_id: str) -> StatusReport:
        answer = self._call("GET", f"/{_ade(sender)}/messages/{quote(box_message_id, safe='')}")
        code = _field(answer, "status")
        if code not in STATUS_CODES:
            raise EDeliveryError(f"Nieznany status wiadomości: {code!r}", retryable=False, code="bad_response")
        return StatusReport(
            box_message_id=str(_field(answer, "messageId")), status=STATUS_CODES[code],
            submitted_at=_time(answer.get("submittedAt")), sent_at=_time(answer.get("sentAt")),
            arrived_at=_time(answer.get("arrivedAt")), delivered_at=_time(answer.get("deliveredAt")),
            undelivered_reason=answer.get("undeliveredReason"))

    def evidences(self, sender: str, box_message_id: str) -> list[Evidence]:
        answer = self._call("GET", f"/{_ade(sender)}/messages/{quote(box_message_id, safe='')}/evidences")
        items = _field(answer, "evidences")
        if not isinstance(items, list):
            raise EDeliveryError("Lista dowodów nie jest listą", retryable=False, code="bad_response")
        return [_evidence(item) for item in items]

    def subscribe(self, address: str, callback_url: str) -> str:
        answer = self._call("POST", f"/{_ade(address)}/subscriptions", {"callbackUrl": callback_url})
        return str(_field(answer, "subscriptionId"))

    def unsubscribe(self, address: str, subscription_id: str) -> None:
        try:
            self._call("DELETE", f"/{_ade(address)}/subscriptions/{quote(subscription_id, safe='')}")
        except EDeliveryError as error:
            if error.status != 404:
                raise

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        if self._credentials.bearer:
            headers["Authorization"] = f"Bearer {self._credentials.bearer()}"
        request = urllib.request.Request(self._base + path, data=data, headers=headers, method=method)  # noqa: S310
        try:
            response = self._transport(request, self._timeout)
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            if isinstance(getattr(error, "reason", error), ssl.SSLCertVerificationError):
                # Not the box we trust: trying again will not change its certificate.
                raise EDeliveryError(f"Certyfikat skrzynki e-Doręczeń odrzucony: {error}", retryable=False,
                                     code="tls_untrusted") from error
            raise EDeliveryError(f"Skrzynka e-Doręczeń nieosiągalna: {error}", retryable=True) from error
        if response.status >= 400:
            raise _refusal(response)
        if response.status == 204 or not response.body:
            return {}
        try:
            parsed = json.loads(response.body)
        except ValueError as error:
            # Sending again is safe (the same clientMessageId), so a garbled answer may be retried.
            raise EDeliveryError("Odpowiedź skrzynki nie jest JSON-em", retryable=True,
                                 status=response.status, code="bad_response") from error
        if not isinstance(parsed, dict):
            raise EDeliveryError("Odpowiedź skrzynki nie jest obiektem", retryable=True, status=response.status,
                                 code="bad_response")
        return parsed


class _UrllibTransport:
    def __init__(self, context: ssl.SSLContext | None) -> None:
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    def __call__(self, request: urllib.request.Request, timeout: float) -> Response:
        try:
            with self._opener.open(request, timeout=timeout) as answer:
                return Response(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, dict(error.headers.items()), error.read())


def _ade(address: str) -> str:
    return quote(address, safe="")


def _refusal(response: Response) -> EDeliveryError:
    code, message = None, f"HTTP {response.status}"
    try:
        detail = json.loads(response.body).get("error", {})
        code, message = detail.get("code"), detail.get("message") or message
    except (ValueError, AttributeError):
        pass
    retry_after = None
    header = {k.lower(): v for k, v in response.headers.items()}.get("retry-after")
    if header and header.strip().isdigit():
        retry_after = float(header)
    retryable = response.status >= 500 or response.status in RETRYABLE_STATUSES
    return EDeliveryError(f"Skrzynka e-Doręczeń odmówiła: {message}", retryable=retryable,
                          status=response.status, code=code, retry_after=retry_after)


def _field(answer: dict[str, Any], name: str) -> Any:
    if answer.get(name) is None:
        raise EDeliveryError(f"Odpowiedź skrzynki bez pola {name}", retryable=False, code="bad_response")
    return answer[name]


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise EDeliveryError(f"Niepoprawny czas w odpowiedzi: {value!r}", retryable=False,
                             code="bad_response") from error
    if parsed.tzinfo is None:
        raise EDeliveryError(f"Czas bez strefy w odpowiedzi: {value!r}", retryable=False, code="bad_response")
    return parsed


def _evidence(item: object) -> Evidence:
    if not isinstance(item, dict) or item.get("type") not in EVIDENCE_CODES:
        raise EDeliveryError(f"Nieznany dowód: {item!r:.200}", retryable=False, code="bad_response")
    try:
        xml = base64.b64decode(str(_field(item, "content")), validate=True)
    except binascii.Error as error:
        raise EDeliveryError("Treść dowodu nie jest base64", retryable=False, code="bad_response") from error
    issued, event = _time(_field(item, "issuedAt")), _time(_field(item, "eventAt"))
    assert issued is not None and event is not None
    return Evidence(evidence_id=str(_field(item, "evidenceId")), kind=EVIDENCE_CODES[item["type"]],
                    issued_at=issued, event_at=event, xml=xml)
