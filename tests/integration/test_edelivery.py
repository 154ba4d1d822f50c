"""The office's e-Delivery client against the sandbox box (no AWS): sending and its dowód wysłania, collection,
deemed delivery on D+15 (not a minute before), public bodies delivered on arrival, retry after a 503, sealed
evidences that xmlsec1 accepts and that break with one changed byte, callbacks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from chalicelib.integrations.edelivery import (
    Document,
    EDeliveryError,
    EvidenceKind,
    MessageStatus,
    OutgoingMessage,
)
from chalicelib.integrations.edelivery_client import Credentials, UserAgentApiClient
from chalicelib.signatures.trust import TrustStore
from chalicelib.signatures.verifier import Verifier
from tests import signing
from tests.edelivery_box import EDeliveryBox

WARSAW = ZoneInfo("Europe/Warsaw")
DECISION = Document("decyzja.pdf", "application/pdf", b"%PDF-1.7 decyzja o pozwoleniu na wycinke")
SEALED = Document("decyzja.xml", "application/xml", "<decyzja>Zezwala się…</decyzja>".encode())


def ade() -> str:
    digits = f"{secrets.randbelow(10**10):010d}"
    return f"AE:PL-{digits[:5]}-{digits[5:]}-{secrets.token_hex(3)[:5].upper()}-{secrets.randbelow(100):02d}"


@pytest.fixture
def box(edelivery_box: EDeliveryBox) -> Iterator[EDeliveryBox]:
    yield edelivery_box
    edelivery_box.real_clock()  # tests that move the clock leave it as they found it


@pytest.fixture
def parties(box: EDeliveryBox) -> tuple[str, str]:
    """(the office's ADE, a resident's ADE), fresh for each test."""
    office, resident = ade(), ade()
    box.register(office, "Urząd Gminy Lesznowola", public_body=True)
    box.register(resident, "Jan Kowalski")
    return office, resident


def letter(office: str, recipient: str, *, message_id: str | None = None) -> OutgoingMessage:
    return OutgoingMessage(message_id or secrets.token_hex(8), office, recipient, "Decyzja OS.6131.12.2026",
                           (DECISION, SEALED), body="W załączeniu decyzja.")


def warsaw(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WARSAW)  # type: ignore[misc]


def text_of(xml: bytes, name: str) -> str:
    root = signing.parse(xml)
    found = root.find(f"{{urn:eurzad:piaskownica:e-doreczenia:dowod:1}}{name}")
    assert found is not None, name
    return found.text or ""


def test_a_sent_letter_waits_in_the_addressee_box_with_its_dowod_wyslania_at_once(
        box: EDeliveryBox, parties: tuple[str, str]) -> None:
    office, resident = parties
    client = UserAgentApiClient(box.url)
    box.set_clock(warsaw(2026, 3, 2, 10, 0))

    message_id = client.send(letter(office, resident))

    report = client.status(office, message_id)
    assert report.status is MessageStatus.AWAITING and not report.status.delivered
    assert report.sent_at == report.arrived_at == warsaw(2026, 3, 2, 10, 0) and report.delivered_at is None
    [sending] = client.evidences(office, message_id)
    assert sending.kind is EvidenceKind.SENDING and sending.event_at == warsaw(2026, 3, 2, 10, 0)
    assert text_of(sending.xml, "IdentyfikatorDowodu") == sending.evidence_id
    assert text_of(sending.xml, "DataNadania") == "2026-03-02T09:00:00Z"
    assert office.encode() in sending.xml and resident.encode() in sending.xml
    assert DECISION.content.hex() not in sending.xml.decode()
    assert hashlib.sha256(DECISION.content).hexdigest().encode() in sending.xml
    assert hashlib.sha256(SEALED.content).hexdigest().encode() in sending.xml


def test_collected_on_day_3_is_delivered_at_that_moment_and_stays_so_after_d_plus_15(
        box: EDeliveryBox, parties: tuple[str, str]) -> None:
    office, resident = parties
    client = UserAgentApiClient(box.url)
    box.set_clock(warsaw(2026, 3, 2, 10, 0))
    message_id = client.send(letter(office, resident))

    box.set_clock(warsaw(2026, 3, 5, 14, 17, 30))
    box.collect(resident, message_id)
    box.set_clock(warsaw(2026, 4, 1, 12, 0))

    report = client.status(office, message_id)
    assert report.status is MessageStatus.DELIVERED
    assert report.delivered_at == warsaw(2026, 3, 5, 14, 17, 30)
    kinds = [e.kind for e in client.evidences(office, message_id)]
    assert kinds == [EvidenceKind.SENDING, EvidenceKind.RECEIPT]
    receipt = client.evidences(office, message_id)[1]
    assert text_of(receipt.xml, "DataOtrzymania") == "2026-03-05T13:17:30Z"
    assert text_of(receipt.xml, "DoreczenieUznane") == "false"


@pytest.mark.parametrize(("arrival", "last_minute_before", "deemed"), [
    (warsaw(2026, 3, 2, 10, 0), warsaw(2026, 3, 16, 23, 59), warsaw(2026, 3, 17, 0, 0)),
    # Arrived 00:30 Warsaw (still the 14th in UTC): day D is the Warsaw day; D+15 falls after the DST change.
    (warsaw(2026, 3, 15, 0, 30), warsaw(2026, 3, 29, 23, 59), warsaw(2026, 3, 30, 0, 0)),
])
def test_never_collected_is_deemed_delivered_on_d_plus_15_not_a_minute_before(
        box: EDeliveryBox, parties: tuple[str, str], arrival: dt.datetime, last_minute_before: dt.datetime,
        deemed: dt.datetime) -> None:
    office, resident = parties
    client = UserAgentApiClient(box.url)
    box.set_clock(arrival)
    message_id = client.send(letter(office, resident))

    box.set_clock(last_minute_before)
    assert client.status(office, message_id).status is MessageStatus.AWAITING
    assert [e.kind for e in client.evidences(office, message_id)] == [EvidenceKind.SENDING]

    box.set_clock(deemed)
    report = client.status(office, message_id)
    assert report.status is MessageStatus.DEEMED_DELIVERED and report.status.delivered
    assert report.delivered_at == deemed
    deemed_receipt = client.evidences(office, message_id)[1]
    assert deemed_receipt.kind is EvidenceKind.DEEMED_RECEIPT and deemed_receipt.event_at == deemed
    assert text_of(deemed_receipt.xml, "DoreczenieUznane") == "true"
    assert "uznaje się za dokonane" in text_of(deemed_receipt.xml, "Oswiadczenie")

    box.collect(resident, message_id)  # opened later: still delivered on D+15
    assert client.status(office, message_id).delivered_at == deemed


def test_a_public_body_is_delivered_on_arrival(box: EDeliveryBox, parties: tuple[str, str]) -> None:
    office, _ = parties
    starostwo = ade()
    box.register(starostwo, "Starostwo Powiatowe w Piasecznie", public_body=True)
    client = UserAgentApiClient(box.url)

    message_id = client.send(letter(office, starostwo))

    report = client.status(office, message_id)
    assert report.status is MessageStatus.DELIVERED and report.delivered_at == report.arrived_at
    assert [e.kind for e in client.evidences(office, message_id)] == [EvidenceKind.SENDING, EvidenceKind.RECEIPT]


def test_a_send_refused_with_503_is_retried_with_the_same_id_and_makes_one_letter(
        box: EDeliveryBox, parties: tuple[str, str]) -> None:
    office, resident = parties
    client = UserAgentApiClient(box.url)
    box.fail_next_sends(1)
    outgoing = letter(office, resident)

    with pytest.raises(EDeliveryError) as refused:
        client.send(outgoing)
    assert (refused.value.retryable, refused.value.status, refused.value.retry_after) == (True, 503, 1.0)

    first = client.send(outgoing)
    again = client.send(outgoing)  # the answer was lost, say: sent again
    assert first == again
    listed = box.call("GET", f"/{quote(resident, safe='')}/messages")["messages"]
    assert [m["messageId"] for m in listed] == [first]


def test_refusals_that_will_not_change_are_not_retryable(box: EDeliveryBox, parties: tuple[str, str]) -> None:
    office, resident = parties
    client = UserAgentApiClient(box.url)
    outgoing = letter(office, resident)
    client.send(outgoing)

    with pytest.raises(EDeliveryError) as reused:
        client.send(OutgoingMessage(outgoing.message_id, office, resident, "Inny tytuł", outgoing.documents))
    with pytest.raises(EDeliveryError) as no_box:
        client.send(letter(ade(), resident))
    assert (reused.value.retryable, reused.value.status, reused.value.code) == (
        False, 409, "client_message_id_reused")
    assert (no_box.value.retryable, no_box.value.status, no_box.value.code) == (False, 404, "box_unknown")


def test_a_letter_to_an_address_nobody_has_is_undelivered_without_evidence(
        box: EDeliveryBox, parties: tuple[str, str]) -> None:
    office, _ = parties
    client = UserAgentApiClient(box.url)
    message_id = client.send(letter(office, ade()))
    report = client.status(office, message_id)
    assert report.status is MessageStatus.UNDELIVERED and report.undelivered_reason
    assert client.evidences(office, message_id) == []


def test_every_evidence_verifies_with_xmlsec1_and_fails_after_one_changed_byte(
        box: EDeliveryBox, parties: tuple[str, str], tmp_path: Path) -> None:
    office, resident = parties
    client = UserAgentApiClient(box.url)
    box.set_clock(warsaw(2026, 5, 4, 9, 0))
    collected = client.send(letter(office, resident))
    deemed = client.send(letter(office, resident))
    box.set_clock(warsaw(2026, 5, 6, 9, 0))
    box.collect(resident, collected)
    box.set_clock(warsaw(2026, 5, 19, 0, 0))
    evidences = client.evidences(office, collected) + client.evidences(office, deemed)
    assert sorted(e.kind.name for e in evidences) == ["DEEMED_RECEIPT", "RECEIPT", "SENDING", "SENDING"]

    root = box.root.cert_pem()
    # The platform's own verifier too: the seal's SigningTime is real time, so a moved sandbox clock is no
    # signing time in the future.
    platform = Verifier(TrustStore.from_pem(root))
    for evidence in evidences:
        verified = signing.xmlsec1_as_clerk(evidence.xml, root, tmp_path)
        assert verified.returncode == 0, verified.stderr
        assert platform.verify(evidence.xml).verdict == "valid"
        changed = resident[:-1] + chr(ord(resident[-1]) ^ 1)  # one digit of the addressee's ADE
        tampered = evidence.xml.replace(resident.encode(), changed.encode(), 1)
        assert tampered != evidence.xml
        assert signing.xmlsec1_as_clerk(tampered, root, tmp_path).returncode != 0


class _Receiver(BaseHTTPRequestHandler):
    """Answers 500 to the first callback it gets, then 200: the box must try again."""

    received: list[dict[str, Any]]
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            self.received.append(body)
            status = 500 if len(self.received) == 1 else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


def test_subscribers_get_every_change_and_a_failed_callback_is_retried(
        box: EDeliveryBox, parties: tuple[str, str]) -> None:
    office, resident = parties
    received: list[dict[str, Any]] = []
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), type("Receiver", (_Receiver,), {"received": received}))
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        client = UserAgentApiClient(box.url)
        subscription = client.subscribe(office, f"http://127.0.0.1:{receiver.server_address[1]}/doreczenia")
        message_id = client.send(letter(office, resident))
        box.collect(resident, message_id)

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(received) < 4:
            time.sleep(0.05)
        statuses = sorted({(e["eventId"], e["status"]) for e in received}, key=lambda e: e[1])
        assert [s for _, s in statuses] == ["AWAITING_DELIVERY", "DELIVERED", "SENT"]
        assert all(e["messageId"] == message_id and e["eDeliveryAddress"] == office for e in received)
        assert len(received) == 4  # one failed delivery, tried again

        client.unsubscribe(office, subscription)
        client.unsubscribe(office, subscription)  # already gone: not an error
    finally:
        receiver.shutdown()
        receiver.server_close()


def test_the_addressee_collects_on_the_page_and_then_downloads_the_documents(
        box: EDeliveryBox, parties: tuple[str, str]) -> None:
    office, resident = parties
    client = UserAgentApiClient(box.url)
    box.set_clock(warsaw(2026, 6, 1, 8, 0))
    message_id = client.send(letter(office, resident))

    page = box.page(resident)
    assert '<html lang="pl">' in page and "Czeka na doręczenie" in page
    assert "Odbierz wiadomość: Decyzja OS.6131.12.2026" in page and "16.06.2026 00:00" in page
    inbox = f"{box.url}/skrzynka/{quote(resident, safe='')}"
    with pytest.raises(urllib.error.HTTPError) as locked:
        urllib.request.urlopen(f"{inbox}/{message_id}/0", timeout=10)
    assert locked.value.code == 404

    box.set_clock(warsaw(2026, 6, 3, 12, 5))
    collected = urllib.request.urlopen(urllib.request.Request(f"{inbox}/odbierz/{message_id}", data=b"",
                                                              method="POST"), timeout=10)
    assert collected.url == inbox  # 303 back to the box
    assert "Doręczona 03.06.2026 12:05" in collected.read().decode()
    assert client.status(office, message_id).delivered_at == warsaw(2026, 6, 3, 12, 5)
    with urllib.request.urlopen(f"{inbox}/{message_id}/0", timeout=10) as download:
        assert download.read() == DECISION.content


def test_a_box_that_requires_a_bearer_refuses_a_client_without_one() -> None:
    with EDeliveryBox.started(token="tajny-token") as box:
        office, resident = ade(), ade()
        box.register(office, "Urząd")
        box.register(resident, "Jan Kowalski")

        with pytest.raises(EDeliveryError) as refused:
            UserAgentApiClient(box.url).send(letter(office, resident))
        assert (refused.value.status, refused.value.retryable) == (401, False)
        authorized = UserAgentApiClient(box.url, Credentials(bearer=lambda: "tajny-token"))
        assert authorized.status(office, authorized.send(letter(office, resident))).status.delivered is False


def test_make_run_box_has_the_demo_offices_as_public_bodies_and_the_residents_and_seals_under_the_demo_root(
        tmp_path: Path) -> None:
    from infrastructure import local_edelivery

    server = local_edelivery.start(0, directory=tmp_path / "demo-pki")
    try:
        boxes = {b["address"]: b for b in json.load(urllib.request.urlopen(f"{server.url}/_sandbox/boxes"))}
        assert boxes["AE:PL-14180-32000-DEMOB-02"] == {"address": "AE:PL-14180-32000-DEMOB-02",
                                                       "name": "Urząd Gminy Lesznowola", "public_body": True}
        assert boxes["AE:PL-44051-40135-KOWAL-01"]["public_body"] is False
        client = UserAgentApiClient(server.url)
        sent = client.send(letter("AE:PL-14180-32000-DEMOB-02", "AE:PL-44051-40135-KOWAL-01"))
        [sending] = client.evidences("AE:PL-14180-32000-DEMOB-02", sent)
        root = (tmp_path / "demo-pki" / "root.crt.pem").read_bytes()
        assert signing.xmlsec1_as_clerk(sending.xml, root, tmp_path).returncode == 0
    finally:
        server.stop()


@pytest.mark.parametrize(("path", "body", "status", "code"), [
    ("/_sandbox/failures", {"next_sends": "wiele"}, 400, "invalid_request"),
    ("/_sandbox/clock", {"now": "jutro"}, 422, "invalid_clock"),
    ("/_sandbox/boxes", {"address": "urzad@example.pl"}, 422, "invalid_address"),
    ("/{office}/messages", {"clientMessageId": "x", "recipients": [{"address": "AE:PL-1"}]}, 422, "invalid_request"),
    ("/{office}/messages", {"clientMessageId": "x", "subject": "s", "recipients": [{"address": "AE:PL-1"}],
                            "attachments": [{"filename": "a.pdf", "content": "nie base64!"}]}, 422,
     "invalid_attachment"),
])
def test_the_sandbox_answers_bad_requests_in_words(box: EDeliveryBox, parties: tuple[str, str], path: str,
                                                   body: dict[str, Any], status: int, code: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        box.call("POST", path.format(office=quote(parties[0], safe="")), body)
    assert refused.value.code == status
    assert json.loads(refused.value.read())["error"]["code"] == code


def test_the_command_line_registers_persons_and_public_bodies_boxes(box: EDeliveryBox, tmp_path: Path) -> None:
    from sandboxes.edelivery import from_arguments

    (tmp_path / "key.pem").write_bytes(box.provider.key_pem())
    (tmp_path / "chain.pem").write_bytes(box.provider.cert_pem() + box.intermediate.cert_pem())
    server = from_arguments(["--port", "0", "--key", str(tmp_path / "key.pem"), "--cert", str(tmp_path / "chain.pem"),
                             "--box", "AE:PL-44051-40135-KOWAL-01=Jan Kowalski",
                             "--public-box", "AE:PL-14180-43000-DEMOA-01=Urząd Miasta i Gminy Piaseczno"])
    try:
        boxes = server.sandbox.boxes
        assert (boxes["AE:PL-44051-40135-KOWAL-01"].name, boxes["AE:PL-44051-40135-KOWAL-01"].public_body) == (
            "Jan Kowalski", False)
        assert boxes["AE:PL-14180-43000-DEMOA-01"].public_body is True
    finally:
        server.server_close()
