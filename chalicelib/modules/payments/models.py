"""The payments module's shapes: a payment order as stored (with its attempts at the gateway), the resident's
requests and views, a refund, and a flag for finance."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["nowe", "oczekuje", "oplacone", "nieudane", "wygasle", "zwrocone"]
OPEN: tuple[str, ...] = ("nowe", "oczekuje", "nieudane")  # not paid yet, may still be paid
LABELS: dict[str, str] = {"nowe": "nowe", "oczekuje": "oczekuje na wpłatę", "oplacone": "opłacone",
                          "nieudane": "nieudane", "wygasle": "wygasłe", "zwrocone": "zwrócone"}


class Attempt(BaseModel):
    """One payment registered at the gateway: the session `<order id>-<n>`."""

    n: int
    session_id: str
    status: Literal["oczekuje", "oplacone", "nieudane"] = "oczekuje"
    registered_at: datetime
    redirect_url: str
    return_url: str


class Order(BaseModel):
    """A case's payment order: one per case's fee (order_id = case_id), paid into its JST's merchant account."""

    order_id: str
    terc: str
    case_id: str
    sign: str
    owner: str
    service: str
    email: str | None = None
    amount: int
    currency: str = "PLN"
    title: str
    status: Status = "nowe"
    requested_at: datetime
    opened_at: datetime
    expires_at: datetime
    attempts: list[Attempt] = []
    paid_at: datetime | None = None
    paid_amount: int | None = None
    paid_session: str | None = None
    gateway_order_id: int | None = None  # the gateway's transaction id (refunds name it)
    method_id: int | None = None
    statement: str | None = None
    late: bool = False  # paid after it had expired: recorded and flagged
    expired_at: datetime | None = None
    refunded: int = 0  # grosze (kept as its own attribute: refunds reserve it on condition)
    version: int = 0

    @property
    def open_attempt(self) -> Attempt | None:
        last = self.attempts[-1] if self.attempts else None
        return last if last is not None and last.status == "oczekuje" else None


class Refund(BaseModel):
    idempotency_key: str
    order_id: str
    amount: int
    reason: str
    status: Literal["w_toku", "wykonany", "odrzucony"] = "w_toku"
    requested_by: str
    requested_at: datetime
    done_at: datetime | None = None
    refunded_total: int | None = None
    error: str | None = None


class Flag(BaseModel):
    """What finance must look at: a refused notification, a late payment, a refund the gateway refused."""

    flag_id: str
    terc: str
    code: str
    message: str
    at: datetime
    order_id: str | None = None
    session_id: str | None = None
    source: str | None = None  # who sent it (the caller's address)
    body_sha256: str | None = None
    amount: int | None = None


# --- the API -------------------------------------------------------------------------------------------------

class PayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    return_url: str = Field(min_length=8, max_length=2000,
                            description="Adres strony portalu, na którą płatnik wraca z bramki.")


class PayOut(BaseModel):
    order_id: str
    status: Status
    redirect_url: str


class PaymentView(BaseModel):
    order_id: str
    status: Status
    status_label: str
    amount: int = Field(description="Kwota w groszach.")
    currency: str
    title: str
    sign: str
    expires_at: datetime
    paid_at: datetime | None
    refunded: int
    proof: bool


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(gt=0, le=100_000_000, description="Kwota zwrotu w groszach.")
    reason: str = Field(min_length=3, max_length=500)


class RefundOut(BaseModel):
    order_id: str
    amount: int
    status: Literal["wykonany", "odrzucony"]
    refunded: int = Field(description="Zwrócono dotąd (grosze).")
    order_status: Status


class NotificationAck(BaseModel):
    status: Literal["ok"]
