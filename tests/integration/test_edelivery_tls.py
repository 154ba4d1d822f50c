"""The e-Delivery client over TLS with a client certificate (mTLS), against a stand-in box that requires one:
the certificate from the secret is presented, and a box under a root the office does not trust is refused."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from chalicelib.integrations.edelivery import EDeliveryError, MessageStatus
from chalicelib.integrations.edelivery_auth import credentials_from_secret
from chalicelib.signatures import pki

OFFICE = "AE:PL-14180-32000-DEMOB-02"


def server_certificate(ca: pki.Issued) -> pki.Issued:
    key = pki.new_key("ec")
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca.cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca.key, hashes.SHA256()))
    return pki.Issued(key, cert)


class _Box(BaseHTTPRequestHandler):
    """The box's status route and its OAuth 2.0 token endpoint (POST /token), both behind mTLS."""

    seen: list[Any]

    def do_GET(self) -> None:
        peer = self.connection.getpeercert()  # type: ignore[attr-defined]
        self.seen.append({**dict(item[0] for item in peer["subject"]),
                          "authorization": self.headers.get("Authorization")})
        self._answer({"messageId": "box-1", "status": "AWAITING_DELIVERY", "sentAt": "2026-03-02T09:00:00Z"})

    def do_POST(self) -> None:
        form = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.seen.append({"token_request": form})
        self._answer({"access_token": f"token-{len(self.seen)}", "token_type": "Bearer", "expires_in": 3600})

    def _answer(self, value: dict[str, Any]) -> None:
        body = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def tls_box() -> Iterator[tuple[str, pki.Issued, list[Any]]]:
    """(URL, the CA of both the box and the office's system certificate, the client subjects the box saw)."""
    ca = pki.issue_ca(pki.name("Test CA e-Doręczeń"))
    server = server_certificate(ca)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:
        cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert.write_bytes(server.cert_pem())
        key.write_bytes(server.key_pem())
        context.load_cert_chain(cert, key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=ca.cert_pem().decode())
    seen: list[Any] = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Box", (_Box,), {"seen": seen}))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}/api/v3", ca, seen
    httpd.shutdown()
    httpd.server_close()


def test_the_system_certificate_from_the_secret_is_presented_to_the_box(
        tls_box: tuple[str, pki.Issued, list[Any]]) -> None:
    from chalicelib.integrations.edelivery_client import UserAgentApiClient

    url, ca, seen = tls_box
    system = pki.issue_signer(pki.name("System EZD Urzędu Gminy Lesznowola"), ca)
    credentials = credentials_from_secret({"cert_pem": system.cert_pem().decode(),
                                           "key_pem": system.key_pem().decode(),
                                           "server_ca_pem": ca.cert_pem().decode()})

    report = UserAgentApiClient(url, credentials).status(OFFICE, "box-1")

    assert report.status is MessageStatus.AWAITING
    assert seen[-1]["commonName"] == "System EZD Urzędu Gminy Lesznowola"


def test_a_box_whose_certificate_the_office_does_not_trust_is_refused_for_good(
        tls_box: tuple[str, pki.Issued, list[Any]]) -> None:
    from chalicelib.integrations.edelivery_client import UserAgentApiClient

    url, ca, _ = tls_box
    system = pki.issue_signer(pki.name("System EZD"), ca)
    credentials = credentials_from_secret({"cert_pem": system.cert_pem().decode(),
                                           "key_pem": system.key_pem().decode()})
    with pytest.raises(EDeliveryError) as refused:
        UserAgentApiClient(url, credentials).status(OFFICE, "box-1")
    assert (refused.value.retryable, refused.value.code) == (False, "tls_untrusted")


def test_without_the_system_certificate_the_box_lets_nothing_through(
        tls_box: tuple[str, pki.Issued, list[Any]]) -> None:
    from chalicelib.integrations.edelivery_client import Credentials, UserAgentApiClient

    url, ca, seen = tls_box
    before = len(seen)
    with pytest.raises(EDeliveryError):
        UserAgentApiClient(url, Credentials(server_ca_pem=ca.cert_pem())).status(OFFICE, "box-1")
    assert len(seen) == before


def test_the_oauth_token_is_fetched_once_with_the_client_credentials_and_sent_as_the_bearer(
        tls_box: tuple[str, pki.Issued, list[Any]]) -> None:
    from chalicelib.integrations.edelivery_client import UserAgentApiClient

    url, ca, seen = tls_box
    system = pki.issue_signer(pki.name("System EZD"), ca)
    credentials = credentials_from_secret({
        "cert_pem": system.cert_pem().decode(), "key_pem": system.key_pem().decode(),
        "server_ca_pem": ca.cert_pem().decode(), "token_url": url.replace("/api/v3", "/token"),
        "client_id": "ezd-lesznowola", "client_secret": "sekret"})
    client = UserAgentApiClient(url, credentials)
    before = len(seen)

    client.status(OFFICE, "box-1")
    client.status(OFFICE, "box-1")

    token_request, first, second = seen[before:]
    assert token_request == {"token_request": "grant_type=client_credentials&client_id=ezd-lesznowola"
                                              "&client_secret=sekret"}
    token = f"Bearer token-{before + 1}"
    assert first["authorization"] == second["authorization"] == token
    assert first["commonName"] == "System EZD"
