"""The e-Delivery client's requests and its reading of the box's answers, through a fake HTTP layer (no network);
and the sandbox's rule for the deemed delivery day."""

from __future__ import annotations

import base64
import datetime as dt
import json
import ssl
import urllib.error
import urllib.request
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization

from chalicelib.integrations.edelivery import (
    Document,
    EDeliveryError,
    EvidenceKind,
    MessageStatus,
    OutgoingMessage,
)
from chalicelib.integrations.edelivery_auth import credentials_from_secret
from chalicelib.integrations.edelivery_client import Credentials, Response, UserAgentApiClient
from chalicelib.signatures import pki
from sandboxes.edelivery_state import deemed_delivery

WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE = "AE:PL-14180-32000-DEMOB-02"
RESIDENT = "AE:PL-44051-40135-KOWAL-09"
BASE = "https://uaa.example.gov.pl/api/v3"


class FakeHttp:
    """Records each request and answers from a queue."""

    def __init__(self, *answers: Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[urllib.request.Request] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def body(self, index: int = -1) -> Any:
        data = self.requests[index].data
        assert isinstance(data, bytes)
        return json.loads(data)


def ok(value: Any, status: int = 200) -> Response:
    return Response(status, {"Content-Type": "application/json"}, json.dumps(value).encode())


def client(http: FakeHttp, credentials: Credentials | None = None) -> UserAgentApiClient:
    return UserAgentApiClient(BASE, credentials, transport=http)


def test_send_posts_the_letter_to_the_sender_box_with_our_id_and_the_documents_in_base64() -> None:
    http = FakeHttp(ok({"messageId": "box-1"}, 201))
    letter = OutgoingMessage("list-7", OFFICE, RESIDENT, "Decyzja", (Document("d.pdf", "application/pdf", b"%PDF"),),
                             body="W załączeniu decyzja.")

    assert client(http, Credentials(bearer=lambda: "token-1")).send(letter) == "box-1"

    request = http.requests[0]
    assert request.get_method() == "POST"
    assert request.full_url == f"{BASE}/AE%3APL-14180-32000-DEMOB-02/messages"
    assert request.get_header("Authorization") == "Bearer token-1"
    assert http.body() == {"clientMessageId": "list-7", "recipients": [{"address": RESIDENT}], "subject": "Decyzja",
                           "content": "W załączeniu decyzja.",
                           "attachments": [{"filename": "d.pdf", "contentType": "application/pdf",
                                            "content": base64.b64encode(b"%PDF").decode()}]}


def test_status_reads_each_code_and_the_times_of_each_step() -> None:
    http = FakeHttp(ok({"messageId": "box-1", "status": "DEEMED_DELIVERED", "submittedAt": "2026-03-02T09:00:00Z",
                        "sentAt": "2026-03-02T09:00:00Z", "arrivedAt": "2026-03-02T09:00:01Z",
                        "deliveredAt": "2026-03-16T23:00:00Z"}))
    report = client(http).status(OFFICE, "box-1")
    assert http.requests[0].full_url == f"{BASE}/AE%3APL-14180-32000-DEMOB-02/messages/box-1"
    assert report.status is MessageStatus.DEEMED_DELIVERED and report.status.delivered
    assert report.delivered_at == dt.datetime(2026, 3, 17, tzinfo=WARSAW)
    assert report.arrived_at == dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)


def test_evidences_come_back_as_the_signed_xml_bytes_with_kind_and_times() -> None:
    xml = "<DowodOtrzymania>…</DowodOtrzymania>".encode()
    http = FakeHttp(ok({"evidences": [{"evidenceId": "e-1", "type": "RECEIPT", "issuedAt": "2026-03-05T13:17:30Z",
                                       "eventAt": "2026-03-05T13:17:30Z",
                                       "content": base64.b64encode(xml).decode()}]}))
    [evidence] = client(http).evidences(OFFICE, "box-1")
    assert http.requests[0].full_url.endswith("/messages/box-1/evidences")
    assert (evidence.evidence_id, evidence.kind, evidence.xml) == ("e-1", EvidenceKind.RECEIPT, xml)


@pytest.mark.parametrize(("answer", "retryable", "status", "code", "retry_after"), [
    (Response(503, {"Retry-After": "7"}, b'{"error": {"code": "unavailable", "message": "x"}}'),
     True, 503, "unavailable", 7.0),
    (Response(429, {}, b""), True, 429, None, None),
    (Response(422, {}, b'{"error": {"code": "invalid_request", "message": "Brak tytu\\u0142u"}}'),
     False, 422, "invalid_request", None),
    (Response(401, {}, b"<html>login</html>"), False, 401, None, None),
    (urllib.error.URLError("connection refused"), True, None, None, None),
    (TimeoutError("timed out"), True, None, None, None),
    (Response(200, {}, b"<html>proxy</html>"), True, 200, "bad_response", None),
])
def test_failures_say_whether_trying_again_may_help(answer: Response | Exception, retryable: bool,
                                                     status: int | None, code: str | None,
                                                     retry_after: float | None) -> None:
    with pytest.raises(EDeliveryError) as failed:
        client(FakeHttp(answer)).status(OFFICE, "box-1")
    assert (failed.value.retryable, failed.value.status, failed.value.code, failed.value.retry_after) == (
        retryable, status, code, retry_after)


@pytest.mark.parametrize("answer", [
    {"messageId": "box-1", "status": "READ"},
    {"messageId": "box-1", "status": "SENT", "sentAt": "2026-03-02T10:00:00"},  # no zone
    {"status": "SENT"},
])
def test_an_answer_the_client_cannot_read_is_an_error_not_a_guess(answer: dict[str, Any]) -> None:
    with pytest.raises(EDeliveryError) as failed:
        client(FakeHttp(ok(answer))).status(OFFICE, "box-1")
    assert failed.value.code == "bad_response" and not failed.value.retryable


def test_subscribe_and_an_unsubscribe_of_what_is_gone() -> None:
    http = FakeHttp(ok({"subscriptionId": "s-1"}, 201), Response(404, {}, b""))
    assert client(http).subscribe(OFFICE, "https://api.eurzad.example/doreczenia") == "s-1"
    assert http.body(0) == {"callbackUrl": "https://api.eurzad.example/doreczenia"}
    client(http).unsubscribe(OFFICE, "s-1")
    assert http.requests[1].get_method() == "DELETE"
    assert http.requests[1].full_url.endswith("/AE%3APL-14180-32000-DEMOB-02/subscriptions/s-1")


@pytest.mark.parametrize("url", ["http://uaa.example.gov.pl", "ftp://127.0.0.1", "uaa.example.gov.pl"])
def test_plain_http_only_to_the_local_sandbox(url: str) -> None:
    with pytest.raises(ValueError, match=r"https|piaskownicy"):
        UserAgentApiClient(url, transport=FakeHttp())
    UserAgentApiClient("http://127.0.0.1:8071", transport=FakeHttp())


def test_the_client_certificate_from_the_secret_is_loaded_for_mtls_and_a_wrong_key_is_refused() -> None:
    root = pki.issue_ca(pki.name("Test CA"))
    system = pki.issue_signer(pki.name("System EZD urzędu"), root)
    credentials = credentials_from_secret({"cert_pem": system.cert_pem().decode(),
                                           "key_pem": system.key_pem().decode()})
    assert credentials.bearer is None
    assert isinstance(credentials.ssl_context(), ssl.SSLContext)
    other = pki.new_key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    with pytest.raises(ssl.SSLError):
        Credentials(system.cert_pem(), other).ssl_context()


@pytest.mark.parametrize(("arrived", "deemed"), [
    (dt.datetime(2026, 3, 2, 10, 0, tzinfo=WARSAW), dt.datetime(2026, 3, 17, tzinfo=WARSAW)),
    (dt.datetime(2026, 3, 2, 23, 59, tzinfo=WARSAW), dt.datetime(2026, 3, 17, tzinfo=WARSAW)),
    # 00:30 Warsaw is still the previous day in UTC: the Warsaw day counts.
    (dt.datetime(2026, 3, 15, 0, 30, tzinfo=WARSAW), dt.datetime(2026, 3, 30, tzinfo=WARSAW)),
    (dt.datetime(2026, 10, 20, 12, 0, tzinfo=WARSAW), dt.datetime(2026, 11, 4, tzinfo=WARSAW)),
])
def test_deemed_delivery_is_the_start_of_the_day_after_14_days_from_arrival(arrived: dt.datetime,
                                                                              deemed: dt.datetime) -> None:
    assert deemed_delivery(arrived) == deemed


def test_the_configured_box_client_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import settings
    from chalicelib.integrations.edelivery_auth import box_from_settings

    monkeypatch.setattr(settings, "get_settings", lambda: settings.Settings(edelivery_url=None))
    with pytest.raises(RuntimeError, match="EURZAD_EDELIVERY_URL"):
        box_from_settings()
    monkeypatch.setattr(settings, "get_settings", lambda: settings.Settings(edelivery_url="http://127.0.0.1:8071"))
    assert isinstance(box_from_settings(), UserAgentApiClient)
