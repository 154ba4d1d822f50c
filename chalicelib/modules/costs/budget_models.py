"""The budgets' and alerts' shapes: a JST's budget as finance sets it and as stored, an alert as stored, and the
API's answers (the month so far beside the budget with the forecast, the alerts, the fees beside the costs).
Amounts are grosze (integers); months are Warsaw months (YYYY-MM)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.model.service import ServiceId
from chalicelib.model.tenant import Email

MONTH = r"^[0-9]{4}-[0-9]{2}$"
MAX_GROSZE = 100_000_000_000  # a billion zł: anything above is a typing error


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(gt=0, le=MAX_GROSZE, description="Miesięczny budżet JST na koszty działania (grosze).")
    services: dict[ServiceId, int] = Field(
        default_factory=dict, max_length=100,
        description="Budżety poszczególnych usług katalogu (grosze), opcjonalnie.")
    email: Email | None = Field(default=None, description="Adres e-mail służb finansowych JST na alerty; "
                                                          "domyślnie adres kontaktowy JST.")


class Budget(BaseModel):
    """A JST's monthly budget, as stored (it holds for every month until changed)."""

    terc: str
    amount: int
    services: dict[str, int] = {}
    email: str | None = None
    version: int = 0
    updated_at: datetime
    updated_by: str


Kind = Literal["actual", "forecast"]


class Alert(BaseModel):
    """A budget threshold reached in a month: kept once per budget, month, threshold and kind."""

    terc: str
    month: str
    scope: str = Field(description="„razem” (budżet JST) albo identyfikator usługi.")
    threshold: int = Field(description="Próg w procentach budżetu (80 albo 100).")
    kind: Kind = Field(description="actual: koszt dotąd; forecast: prognoza na cały miesiąc.")
    budget: int
    value: int = Field(description="Koszt albo prognoza w chwili przekroczenia (grosze).")
    at: datetime
    email: str
    message: str
    mailed_at: datetime | None = None


class BudgetQuery(BaseModel):
    month: str | None = Field(default=None, pattern=MONTH, description="Miesiąc (czas warszawski); domyślnie bieżący.")


class FeesQuery(BaseModel):
    month: str | None = Field(default=None, pattern=MONTH, description="Miesiąc (czas warszawski); domyślnie bieżący.")
    tenant: str | None = Field(default=None, description="Kod TERC JST; finanse JST widzą tylko swoją.")


class ScopeStatus(BaseModel):
    scope: str
    budget: int
    actual: int
    forecast: int
    actual_percent: int = Field(description="Koszt dotąd w procentach budżetu (zaokrąglony w dół).")
    forecast_percent: int


class DayCost(BaseModel):
    day: date
    cost: int = Field(description="Koszt dnia (grosze).")
    cumulative: int = Field(description="Koszt od początku miesiąca do końca dnia (grosze).")


class BudgetView(BaseModel):
    terc: str
    month: str
    budget: Budget | None
    as_of: date
    days_elapsed: int
    days_in_month: int
    method: str = Field(description="Jak policzono prognozę.")
    actual: int
    forecast: int
    scopes: list[ScopeStatus]
    days: list[DayCost]
    alerts: list[Alert]


class BudgetSaved(BaseModel):
    budget: Budget
    audit_event: str | None = None


class FeesRow(BaseModel):
    service: str
    payments: int = Field(description="Liczba opłaconych zleceń.")
    fees_paid: int = Field(description="Opłaty wpłacone w miesiącu (grosze).")
    refunded: int = Field(description="Z tego zwrócone (grosze).")
    fees_net: int
    cost: int = Field(description="Koszt działania usługi w miesiącu (grosze).")
    difference: int = Field(description="Opłaty netto minus koszt (grosze).")


class FeesOfTenant(BaseModel):
    terc: str
    name: str
    rows: list[FeesRow]
    totals: FeesRow


class FeesVsCosts(BaseModel):
    month: str
    tenants: list[FeesOfTenant]
    totals: FeesRow
