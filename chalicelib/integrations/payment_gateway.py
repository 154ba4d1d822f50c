"""The port every payment gateway adapter implements (Przelewy24 now; PayU or Paynow later as adapters).

The payments module speaks only this: it never builds a gateway's URL, body or signature itself. Amounts are
grosze. Each JST is its own merchant, so every call names the `Merchant` whose account the money goes to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class Merchant:
    """One JST's account at the gateway, with its secrets (read from Secrets Manager by the caller)."""

    merchant_id: int
    pos_id: int
    crc: str
    api_key: str


@dataclass(frozen=True)
class Registration:
    """A payment the payer is about to make: `session_id` is ours and unique per attempt."""

    session_id: str
    amount: int
    description: str
    email: str
    url_return: str  # where the payer's browser comes back to
    url_status: str  # where the gateway posts its notification
    currency: str = "PLN"
    time_limit_minutes: int = 15  # how long the payer's page may be used


@dataclass(frozen=True)
class Notification:
    """The gateway's word that a payment was made. Not yet money: `verify` settles it."""

    merchant_id: int
    pos_id: int
    session_id: str
    amount: int
    origin_amount: int
    currency: str
    order_id: int  # the gateway's id of the transaction
    method_id: int
    statement: str


@dataclass(frozen=True)
class TransactionStatus:
    session_id: str
    order_id: int | None
    amount: int
    status: str  # no_payment | advance | paid | returned


@dataclass(frozen=True)
class ReportRow:
    """One line of the gateway's report of a day's transactions on a merchant's account."""

    session_id: str
    order_id: int
    amount: int
    currency: str
    status: str  # paid | returned
    at: datetime
    fee: int = 0  # the gateway's commission, grosze


class InvalidSignature(ValueError):
    """A notification whose signature does not match its body under the merchant's CRC key."""


class GatewayError(RuntimeError):
    """The gateway refused the call or could not be reached; `retryable` when trying again may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class PaymentGateway(Protocol):
    def register(self, merchant: Merchant, registration: Registration) -> str:
        """Register the payment; the URL of the payer's page (the gateway's `/trnRequest/{token}`)."""

    def read_notification(self, merchant: Merchant, raw_body: bytes) -> Notification:
        """The notification in `raw_body`, its signature checked in constant time, else InvalidSignature."""

    def verify(self, merchant: Merchant, notification: Notification) -> bool:
        """Confirm the payment with the gateway (without this the money is not settled); True when it accepts."""

    def status(self, merchant: Merchant, session_id: str) -> TransactionStatus | None:
        """The gateway's state of one attempt, None when it knows no such session."""

    def refund(self, merchant: Merchant, *, request_id: str, order_id: int, session_id: str, amount: int,
               description: str) -> None:
        """Return `amount` of a paid transaction to the payer (the request id makes a repeat harmless)."""

    def report(self, merchant: Merchant, day: date) -> list[ReportRow]:
        """The gateway's report of the merchant's transactions on `day` (Warsaw time)."""
