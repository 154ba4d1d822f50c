"""The port the office's delivery speaks: an e-Delivery box (skrzynka do doręczeń elektronicznych, PURDE).

The delivery module sends decisions and letters to a party's e-delivery address (ADE, KPA art. 39) through
this Protocol only; the box's URL, body shapes and authentication live in the adapter
(`chalicelib.integrations.edelivery_client`, the User Agent API 3.x subset). Delivery in law:
- to a person or firm: delivered when the addressee collects it (Doręczona, dowód otrzymania); not collected,
  deemed delivered on the day after 14 days from the day it arrived (arrival D -> D+15, Uznana za doręczoną,
  a dowód otrzymania stating the deemed delivery);
- to a public body: delivered when it lands in its box.
Times are aware datetimes (UTC from the adapter); the legal day is the Warsaw calendar day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol


class MessageStatus(str, Enum):
    """The message's state as the box reports it (the Polish names the box shows)."""

    SUBMITTED = "Nadana"  # accepted by the sender's box
    SENT = "Wysłana"  # the dowód wysłania is issued
    AWAITING = "Czeka na doręczenie"  # in the addressee's box, not collected
    DELIVERED = "Doręczona"  # collected (or arrived, for a public body): a dowód otrzymania
    DEEMED_DELIVERED = "Uznana za doręczoną"  # not collected by D+15: a dowód otrzymania stating it
    UNDELIVERED = "Niedoręczona"  # the box could not deliver it (e.g. no such address): paper instead

    @property
    def delivered(self) -> bool:
        """Whether the law counts it as delivered (time limits run from `delivered_at`)."""
        return self in (MessageStatus.DELIVERED, MessageStatus.DEEMED_DELIVERED)

    @property
    def final(self) -> bool:
        return self in (MessageStatus.DELIVERED, MessageStatus.DEEMED_DELIVERED, MessageStatus.UNDELIVERED)


class EvidenceKind(str, Enum):
    SENDING = "dowód wysłania"
    RECEIPT = "dowód otrzymania"  # collected by the addressee (or arrived at a public body's box)
    DEEMED_RECEIPT = "dowód otrzymania (doręczenie uznane)"  # not collected: deemed delivered on D+15


@dataclass(frozen=True)
class Document:
    """One file of a message: a decision's PDF, its sealed XML, an attachment."""

    name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class OutgoingMessage:
    """What the office sends. `message_id` is ours and unique per letter: sending it again (after a timeout or
    a 503) returns the box's id of the first send instead of a second letter."""

    message_id: str
    sender: str  # the JST's ADE (TenantConfig.edelivery_address)
    recipient: str  # the party's ADE
    subject: str
    documents: tuple[Document, ...]
    body: str = ""  # the message's own text, shown in the box beside the documents


@dataclass(frozen=True)
class StatusReport:
    """The box's state of one sent message, with the time of each step it reached."""

    box_message_id: str
    status: MessageStatus
    submitted_at: datetime | None = None
    sent_at: datetime | None = None
    arrived_at: datetime | None = None  # landed in the addressee's box (day D)
    delivered_at: datetime | None = None  # collected, arrived (public body) or deemed (D+15, 00:00 Warsaw)
    undelivered_reason: str | None = None


@dataclass(frozen=True)
class Evidence:
    """A dowód issued by the box's provider: signed XML (XAdES enveloped), kept by the office as it came."""

    evidence_id: str
    kind: EvidenceKind
    issued_at: datetime
    event_at: datetime  # the sending time (dowód wysłania) or the delivery time (dowód otrzymania)
    xml: bytes = field(repr=False)


class EDeliveryError(RuntimeError):
    """The box refused the call or could not be reached; `retryable` when trying again later may help
    (a 5xx, 429, a timeout); not retryable for a refusal of what was asked (4xx)."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None, code: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status  # the HTTP status, None when the box was not reached
        self.code = code
        self.retry_after = retry_after  # seconds, when the box said how long to wait


class EDeliveryBox(Protocol):
    def send(self, message: OutgoingMessage) -> str:
        """Send the message from its sender's box; the box's message id (the same for a repeated `message_id`)."""

    def status(self, sender: str, box_message_id: str) -> StatusReport:
        """The state of a message sent from `sender`'s box."""

    def evidences(self, sender: str, box_message_id: str) -> list[Evidence]:
        """The evidences issued so far for the message, oldest first."""

    def subscribe(self, address: str, callback_url: str) -> str:
        """Have the box POST every status change of `address`'s messages to `callback_url`; the subscription id."""

    def unsubscribe(self, address: str, subscription_id: str) -> None:
        """Stop a subscription (an unknown id is not an error)."""
