"""The finance side's API shapes: a JST's payments of a day, the flags, the day's reconciliation; and the query
parameters of those routes. Amounts are grosze (integers), days are Warsaw days (YYYY-MM-DD)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.modules.payments.models import Status

DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class PaymentsQuery(BaseModel):
    day: str | None = Field(default=None, pattern=DAY, description="Dzień (czas warszawski); domyślnie dziś.")
    status: Status | None = Field(default=None, description="Tylko zlecenia w tym stanie.")


class FlagsQuery(BaseModel):
    day: str | None = Field(default=None, pattern=DAY, description="Dzień (czas warszawski); domyślnie dziś.")


class ReconciliationQuery(BaseModel):
    day: str = Field(pattern=DAY, description="Rozliczany dzień (czas warszawski).")
    format: Literal["json", "csv"] | None = Field(
        default=None, description="csv: plik dla Excela (średniki, przecinek dziesiętny, UTF-8 z BOM).")


class PaymentRow(BaseModel):
    order_id: str
    case_id: str
    sign: str
    service: str
    title: str
    amount: int = Field(description="Kwota zlecenia w groszach.")
    currency: str
    status: Status
    status_label: str
    opened_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    paid_amount: int | None
    refunded: int
    gateway_order_id: int | None
    late: bool


class PaymentTotals(BaseModel):
    count: int
    amount: int
    paid_amount: int
    refunded: int


class PaymentDay(BaseModel):
    terc: str
    day: date
    status: Status | None
    items: list[PaymentRow]
    count: int
    totals: PaymentTotals


class FlagRow(BaseModel):
    flag_id: str
    code: str
    message: str
    at: datetime
    order_id: str | None
    session_id: str | None
    amount: int | None


class FlagDay(BaseModel):
    terc: str
    day: date
    items: list[FlagRow]
    count: int


class ReconciliationLine(BaseModel):
    outcome: Literal["zgodne", "brak_w_raporcie", "nieznana_wplata", "rozna_kwota", "niepotwierdzona", "rozny_zwrot"]
    description: str
    order_id: str | None
    case_sign: str | None
    session_id: str | None
    gateway_order_id: int | None
    our_amount: int | None
    gateway_amount: int | None
    commission: int


class ReconciliationTotals(BaseModel):
    orders_opened: int
    orders_opened_amount: int
    verified: int
    verified_amount: int
    gateway_paid: int
    gateway_paid_amount: int
    gateway_commission: int
    refunded_amount: int
    gateway_returned_amount: int


class ReconciliationView(BaseModel):
    terc: str
    day: date
    totals: ReconciliationTotals
    mismatches: list[ReconciliationLine]
    matched: list[ReconciliationLine]
