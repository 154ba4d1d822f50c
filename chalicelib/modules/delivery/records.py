"""A delivery's record: its states, the ports the rules work on, and the small helpers every step shares.

No Chalice, no boto3. A delivery is one letter's way to its party: through the e-Delivery box (the party's ADE,
or a public body's, delivered on arrival) or on paper (the hybrid service's print file, then the return
receipt). One per letter: its id follows from the letter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from chalicelib.integrations.edelivery import EDeliveryBox

E_DELIVERY, PUBLIC_BODY, PAPER = "e-doreczenie", "organ-publiczny", "papier"
CHANNEL_LABELS = {E_DELIVERY: "e-Doręczenia (adres do doręczeń elektronicznych)",
                  PUBLIC_BODY: "e-Doręczenia do podmiotu publicznego (doręczenie z chwilą wpłynięcia)",
                  PAPER: "przesyłka papierowa (usługa hybrydowa) za potwierdzeniem odbioru"}
STATUS_LABELS = {
    "do_wyslania": "Oczekuje na wysłanie",
    "wyslana": "Wysłana",
    "czeka_na_odbior": "Czeka na odbiór w skrzynce adresata",
    "doreczona": "Doręczona",
    "doreczona_z_mocy_prawa": "Uznana za doręczoną (nieodebrana przez 14 dni)",
    "niedoreczona": "Niedoręczona",
    "nieudana": "Wysyłka nieudana",
    "do_wydruku": "Do wydruku i nadania (przesyłka papierowa)",
}
DELIVERED = ("doreczona", "doreczona_z_mocy_prawa")
MAX_ATTEMPTS = 5  # sends tried before the delivery is `nieudana`
BACKOFF_SECONDS = (60, 120, 300, 900, 1800)  # after the 1st, 2nd… failed send
POLL_SECONDS = 3600  # an open delivery is asked about at least this often (the callback may never come)


@dataclass
class Stored:
    record: dict[str, Any]
    version: int  # 0 before the first write

    @property
    def key(self) -> tuple[str, str, str]:
        return self.record["terc"], self.record["case_id"], self.record["delivery_id"]


class Deliveries(Protocol):
    def get(self, terc: str, case_id: str, delivery_id: str) -> Stored | None: ...

    def save(self, stored: Stored) -> bool: ...  # on condition of the version read; False: someone was first

    def of_case(self, terc: str, case_id: str) -> list[dict[str, Any]]: ...

    def due(self, now: datetime, limit: int) -> list[tuple[str, str, str]]: ...

    def by_message(self, box_message_id: str) -> tuple[str, str, str] | None: ...

    def failed(self, terc: str) -> list[dict[str, Any]]: ...

    def subscription(self, address: str) -> dict[str, Any] | None: ...

    def claim_subscription(self, address: str, token: str, url: str) -> bool: ...  # False: already claimed

    def put_subscription(self, address: str, token: str, subscription_id: str, url: str) -> None: ...


class Files(Protocol):
    def letter_documents(self, terc: str, case_id: str, file_ids: list[str]) -> list[bytes]: ...

    def put_evidence(self, terc: str, case_id: str, delivery_id: str, evidence_id: str, xml: bytes) -> str | None: ...


@dataclass(frozen=True)
class Ports:
    store: Deliveries
    box: Callable[[], EDeliveryBox]  # built on first use: a paper delivery never needs it
    files: Files
    # terc, case_id, [(reason, details)], at: entries on the case's history, in one change
    case_log: Callable[[str, str, list[tuple[str, dict[str, Any]]], datetime], None]
    working_day: Callable[[date], date]
    party_email: Callable[[str, str], str | None]
    mail: Callable[[str, str, str], None]  # to, subject, text
    queue_send: Callable[[tuple[str, str, str]], None]  # best effort: the poller sends what stays queued
    seal: Callable[[bytes, datetime], bytes]  # the office seal over an XML document


def delivery_id_of(terc: str, case_id: str, letter_id: str) -> str:
    return hashlib.sha256(f"{terc}\n{case_id}\n{letter_id}\ndelivery".encode()).hexdigest()[:32]


def evidence_id_of(delivery_id: str, source_id: str) -> str:
    return hashlib.sha256(f"{delivery_id}\n{source_id}".encode()).hexdigest()[:32]


def iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at else None


def parse(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


def event(record: dict[str, Any], what: str, at: datetime, **details: Any) -> None:
    """One line of the delivery's own history (the clerk sees it; the case gets its own entry)."""
    record.setdefault("events", []).append({"at": iso(at), "what": what, **details})


SHOWN = ("delivery_id", "case_id", "case_sign", "letter_id", "letter_kind", "title", "channel", "status",
         "recipient", "sent_at", "arrived_at", "delivered_on", "deemed", "appeal_until", "final_on")
EVIDENCE_SHOWN = ("id", "kind", "label", "issuer", "issued_at", "event_at", "sha256", "size")


def view(record: dict[str, Any], *, party: bool = False) -> dict[str, Any]:
    """The delivery as the API shows it: the clerk also sees attempts, the last error, the appeal and the events;
    the party sees the state, the dates and the evidences."""
    shown = {k: record.get(k) for k in SHOWN}
    shown |= {"status_label": STATUS_LABELS[record["status"]], "channel_label": CHANNEL_LABELS[record["channel"]],
              "evidences": [{k: e[k] for k in EVIDENCE_SHOWN} for e in record["evidences"]],
              "appeal": ({k: record["appeal"][k] for k in ("received_on", "in_time")} if record.get("appeal")
                         else None)}
    if not party:
        shown |= {"attempts": record.get("attempts"), "last_error": record.get("last_error"),
                  "created_at": record.get("created_at"), "created_by": record.get("created_by"),
                  "events": record.get("events", [])}
    return shown
