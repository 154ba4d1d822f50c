"""The keys of the cases table: a department's inbox and its counters, the indexes' keys, the forwarding's marker,
and the inbox's page tokens (an index's last key, opaque to the client)."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.events.topics import ForwardedCase, PaymentRequested
from chalicelib.modules.cases.kpa_clock import ENDED
from chalicelib.modules.cases.models import InvalidPageToken
from chalicelib.modules.cases.resources import CaseTable


def inbox_pk(terc: str, department: str) -> str:
    return f"T#{terc}#D#{department}"


def counter_sk(jrwa: str, year: int) -> str:
    return f"N#{jrwa}#{year}"


def state_key(terc: str, department: str, state: str) -> str:
    return f"{inbox_pk(terc, department)}#S#{state}"


def clerk_key(terc: str, assignee: str) -> str:
    return f"T#{terc}#A#{assignee}"


def case_sk(at: datetime, case_id: str) -> str:
    return f"C#{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{case_id}"


def due_key(record: dict[str, Any], sk: str) -> str | None:
    """The case's key on the due-date index: while it is open and has a due date (not "niezwłocznie")."""
    due = record.get("due_date")
    return f"{due}#{sk}" if due and record.get("status") not in ENDED else None


FORWARDS = "F"  # the outbox (its index's partition) of forwarded cases not yet registered by their receiver
FORWARD_AFTER = timedelta(minutes=3)  # the sweeper sends what the receiver has not registered by then


def forward_marker(event: ForwardedCase) -> CaseTable:
    """The forwarding's record, keyed by the source case: the event, marked for the sweeper until the receiver
    registers it (the receiver's once-guard: it writes the new sign here in its registration's transaction)."""
    return CaseTable(pk=f"F#{event.source_case_id}", sk=FORWARDS, outbox=FORWARDS,
                     outbox_at=event.forwarded_at + FORWARD_AFTER,
                     record=event.model_dump_json())


PAYMENTS = "P"  # the outbox (its index's partition) of payment orders requested and not yet sent
PAYMENT_AFTER = timedelta(minutes=3)  # the sweeper sends what the registration's own sending has not


def payment_marker(event: PaymentRequested) -> CaseTable:
    """The case's request for its payment order, keyed by the case, marked for the sweeper until it is sent."""
    return CaseTable(pk=f"P#{event.case_id}", sk=PAYMENTS, outbox=PAYMENTS,
                     outbox_at=event.requested_at + PAYMENT_AFTER, record=event.model_dump_json())


def encode_token(sk: str) -> str:
    return base64.urlsafe_b64encode(sk.encode()).decode().rstrip("=")


_DUE_TOKEN = re.compile(r"^\d{4}-\d{2}-\d{2}#C#")


def decode_due_token(token: str) -> str:
    try:
        due_on = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        due_on = ""
    if not _DUE_TOKEN.match(due_on):
        raise InvalidPageToken(token)
    return due_on


def decode_token(token: str) -> str:
    try:
        sk = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        sk = ""
    if not sk.startswith("C#"):
        raise InvalidPageToken(token)
    return sk
