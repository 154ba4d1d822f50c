"""The sandbox e-Delivery boxes' state and rules, without HTTP: boxes, messages, their statuses and evidences,
the movable clock, subscriptions, and the failure mode for tests.

Rules (the e-Delivery law, KPA art. 39): a message lands in the addressee's box at once (dowód wysłania);
to a public body it is delivered on arrival; to anyone else when collected ("Odbierz"), or, not collected,
deemed delivered on the day after 14 days from the day it arrived (arrival on Warsaw day D -> 00:00 Warsaw
of D+15), with a dowód otrzymania stating so. A message to an address the sandbox does not know is
undelivered (no evidence). Every status reached is an event for the subscribers of both boxes.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.signatures.sealing import OfficeSeal
from sandboxes import edelivery_evidence as evidence

WARSAW = ZoneInfo("Europe/Warsaw")
DEEMED_AFTER_DAYS = 15  # delivered on the day after 14 days from arrival


class SandboxError(Exception):
    def __init__(self, status: int, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


class Clock:
    """Real time, shifted or frozen by tests (`POST /_sandbox/clock`)."""

    def __init__(self) -> None:
        self._offset = dt.timedelta(0)
        self._frozen: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self._frozen or dt.datetime.now(dt.UTC) + self._offset

    def set(self, at: dt.datetime, *, frozen: bool = True) -> None:
        if frozen:
            self._frozen = at.astimezone(dt.UTC)
        else:
            self._frozen, self._offset = None, at - dt.datetime.now(dt.UTC)

    def advance(self, seconds: float) -> None:
        if self._frozen is not None:
            self._frozen += dt.timedelta(seconds=seconds)
        else:
            self._offset += dt.timedelta(seconds=seconds)

    def real(self) -> None:
        self._offset, self._frozen = dt.timedelta(0), None


@dataclass(frozen=True)
class Box:
    address: str
    name: str
    public_body: bool = False


@dataclass(frozen=True)
class EvidenceRecord:
    evidence_id: str
    kind: str  # SENDING | RECEIPT | DEEMED_RECEIPT
    issued_at: dt.datetime
    event_at: dt.datetime
    xml: bytes


@dataclass
class Message:
    message_id: str
    client_message_id: str
    fingerprint: str
    sender: str
    recipient: str
    subject: str
    content: str
    documents: tuple[tuple[str, str, bytes], ...]
    status: str
    submitted_at: dt.datetime
    sent_at: dt.datetime | None = None
    arrived_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    undelivered_reason: str | None = None
    evidences: list[EvidenceRecord] = field(default_factory=list)


@dataclass(frozen=True)
class Event:
    """A status a message reached, for the subscribers of `addresses`."""

    event_id: str
    message_id: str
    status: str
    at: dt.datetime
    addresses: tuple[str, ...]


def deemed_delivery(arrived_at: dt.datetime) -> dt.datetime:
    """00:00 Warsaw time of the day after 14 days from the (Warsaw) day of arrival."""
    day = arrived_at.astimezone(WARSAW).date() + dt.timedelta(days=DEEMED_AFTER_DAYS)
    return dt.datetime.combine(day, dt.time(0), tzinfo=WARSAW).astimezone(dt.UTC)


def _document(item: object) -> tuple[str, str, bytes]:
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("filename", "content")):
        raise SandboxError(422, "invalid_attachment", "Załącznik musi mieć nazwę (filename) i treść (content).")
    try:
        content = base64.b64decode(item["content"], validate=True)
    except binascii.Error as error:
        raise SandboxError(422, "invalid_attachment", "Treść załącznika nie jest w base64.") from error
    return item["filename"], str(item.get("contentType") or "application/octet-stream"), content


def parse_send(payload: Any) -> tuple[str, str, str, str, tuple[tuple[str, str, bytes], ...]]:
    """(clientMessageId, recipient, subject, content, documents) of a send request, or 422."""
    if not isinstance(payload, dict):
        raise SandboxError(422, "invalid_request", "Treść żądania musi być obiektem JSON.")
    client_id, subject = payload.get("clientMessageId"), payload.get("subject")
    recipients = payload.get("recipients")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 200:
        raise SandboxError(422, "invalid_request", "Brak identyfikatora wiadomości nadawcy (clientMessageId).")
    if not isinstance(subject, str) or not subject.strip():
        raise SandboxError(422, "invalid_request", "Brak tytułu wiadomości (subject).")
    if not isinstance(recipients, list) or len(recipients) != 1 or not isinstance(recipients[0], dict) \
            or not isinstance(recipients[0].get("address"), str):
        raise SandboxError(422, "invalid_request", "Piaskownica przyjmuje dokładnie jednego adresata.")
    attachments = payload.get("attachments") or []
    if not isinstance(attachments, list):
        raise SandboxError(422, "invalid_attachment", "Załączniki (attachments) muszą być listą.")
    documents = tuple(_document(item) for item in attachments)
    return client_id, recipients[0]["address"], subject, str(payload.get("content") or ""), documents


class Sandbox:
    """All state behind one lock; `publish` gets the events each operation produced, after the lock."""

    def __init__(self, seal: OfficeSeal, publish: Callable[[list[Event]], None] = lambda _: None) -> None:
        self.seal, self.clock, self._publish = seal, Clock(), publish
        self._lock = threading.RLock()
        self.boxes: dict[str, Box] = {}
        self.messages: dict[str, Message] = {}
        self.subscriptions: dict[str, tuple[str, str]] = {}  # id -> (address, callback URL)
        self._fail_next: list[int] = []  # HTTP statuses the next sends answer with

    # -- administration -------------------------------------------------------------------------------------

    def register_box(self, address: str, name: str, *, public_body: bool = False) -> Box:
        if not address.startswith("AE:PL-"):
            raise SandboxError(422, "invalid_address", "Adres do doręczeń elektronicznych zaczyna się od AE:PL-.")
        with self._lock:
            self.boxes[address] = Box(address, name, public_body)
            return self.boxes[address]

    def fail_next_sends(self, count: int, status: int = 503) -> None:
        with self._lock:
            self._fail_next = [status] * count

    def move_clock(self, change: Callable[[Clock], None]) -> dt.datetime:
        with self._lock:
            change(self.clock)
        self.tick()
        return self.clock.now()

    # -- the sender's side -----------------------------------------------------------------------------------

    def send(self, sender: str, payload: Any) -> tuple[Message, bool]:
        """The message sent (or the one an earlier send with the same clientMessageId made) and whether it is new."""
        events: list[Event] = []
        with self._lock:
            if self._fail_next:
                raise SandboxError(self._fail_next.pop(), "unavailable", "Usługa chwilowo niedostępna.",
                                   retry_after=1)
            self._known_box(sender)
            client_id, recipient, subject, content, documents = parse_send(payload)
            fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
            for earlier in self.messages.values():
                if earlier.sender == sender and earlier.client_message_id == client_id:
                    if earlier.fingerprint != fingerprint:
                        raise SandboxError(409, "client_message_id_reused",
                                           "Ten identyfikator nadawcy oznacza już inną wiadomość.")
                    return earlier, False
            now = self.clock.now()
            message = Message(str(uuid.uuid4()), client_id, fingerprint, sender, recipient, subject, content,
                              documents, "SUBMITTED", now)
            self.messages[message.message_id] = message
            events += self._dispatch(message, now)
        self._publish(events)
        return message, True

    def _dispatch(self, message: Message, now: dt.datetime) -> list[Event]:
        box = self.boxes.get(message.recipient)
        if box is None:
            message.status = "UNDELIVERED"
            message.undelivered_reason = "Adres do doręczeń elektronicznych nie istnieje."
            return [self._event(message, now)]
        message.sent_at = message.arrived_at = now
        message.status = "SENT"
        self._issue(message, "SENDING", now, now)
        events = [self._event(message, now)]
        message.status = "AWAITING_DELIVERY"
        events.append(self._event(message, now))
        if box.public_body:
            events.append(self._deliver(message, "DELIVERED", now, now))
        return events

    # -- the addressee's side --------------------------------------------------------------------------------

    def collect(self, recipient: str, message_id: str) -> Message:
        """The addressee opens the message ("Odbierz"): delivered at this moment, unless already delivered."""
        self.tick()
        events = []
        with self._lock:
            message = self.message(recipient, message_id)
            if message.recipient != recipient:
                raise SandboxError(404, "message_unknown", "Nie ma takiej wiadomości w tej skrzynce.")
            if message.status == "AWAITING_DELIVERY":
                now = self.clock.now()
                events.append(self._deliver(message, "DELIVERED", now, now))
        self._publish(events)
        return message

    def tick(self) -> None:
        """Deem delivered what waited past D+15 by the sandbox's clock."""
        events = []
        with self._lock:
            now = self.clock.now()
            for message in self.messages.values():
                if message.status == "AWAITING_DELIVERY" and message.arrived_at:
                    deemed = deemed_delivery(message.arrived_at)
                    if now >= deemed:
                        events.append(self._deliver(message, "DEEMED_DELIVERED", deemed, now))
        self._publish(events)

    # -- reading ---------------------------------------------------------------------------------------------

    def message(self, address: str, message_id: str) -> Message:
        with self._lock:
            self._known_box(address)
            message = self.messages.get(message_id)
            if message is None or address not in (message.sender, message.recipient):
                raise SandboxError(404, "message_unknown", "Nie ma takiej wiadomości w tej skrzynce.")
            return message

    def box_messages(self, address: str) -> list[Message]:
        with self._lock:
            self._known_box(address)
            return [m for m in self.messages.values() if address in (m.sender, m.recipient)]

    def subscribe(self, address: str, callback_url: str) -> str:
        if not callback_url.startswith(("http://", "https://")):
            raise SandboxError(422, "invalid_callback", "Adres powiadomień musi być adresem http(s).")
        with self._lock:
            self._known_box(address)
            subscription_id = str(uuid.uuid4())
            self.subscriptions[subscription_id] = (address, callback_url)
            return subscription_id

    def unsubscribe(self, address: str, subscription_id: str) -> None:
        with self._lock:
            if self.subscriptions.get(subscription_id, ("",))[0] != address:
                raise SandboxError(404, "subscription_unknown", "Nie ma takiej subskrypcji.")
            del self.subscriptions[subscription_id]

    def callbacks_for(self, event: Event) -> list[tuple[str, str]]:
        """(subscribed address, callback URL) of every subscription the event concerns."""
        with self._lock:
            return [(address, url) for address, url in self.subscriptions.values() if address in event.addresses]

    # -- internals -------------------------------------------------------------------------------------------

    def _known_box(self, address: str) -> Box:
        box = self.boxes.get(address)
        if box is None:
            raise SandboxError(404, "box_unknown", "Nie ma skrzynki o tym adresie w piaskownicy.")
        return box

    def _deliver(self, message: Message, status: str, delivered_at: dt.datetime, now: dt.datetime) -> Event:
        message.status, message.delivered_at = status, delivered_at
        self._issue(message, "DEEMED_RECEIPT" if status == "DEEMED_DELIVERED" else "RECEIPT", delivered_at, now)
        return self._event(message, delivered_at)

    def _issue(self, message: Message, kind: str, event_at: dt.datetime, now: dt.datetime) -> None:
        sender, recipient = self.boxes[message.sender], self.boxes[message.recipient]
        assert message.sent_at is not None
        facts = evidence.Facts(message.message_id, message.subject, evidence.Party(sender.address, sender.name),
                               evidence.Party(recipient.address, recipient.name), message.sent_at,
                               message.documents, message.arrived_at, message.delivered_at)
        evidence_id = str(uuid.uuid4())
        message.evidences.append(EvidenceRecord(evidence_id, kind, now, event_at,
                                                evidence.issue(self.seal, kind, evidence_id, facts, now)))

    @staticmethod
    def _event(message: Message, at: dt.datetime) -> Event:
        return Event(str(uuid.uuid4()), message.message_id, message.status, at, (message.sender, message.recipient))
