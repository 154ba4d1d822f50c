"""The API shapes of the estimate set against what AWS billed (`GET /v1/finance/costs/actual`). Amounts are
USD as decimal strings (6 places), the ratio actual / estimate as a decimal string (2 places) or null."""

from __future__ import annotations

from pydantic import BaseModel, Field

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class ActualCostsQuery(BaseModel):
    month: str | None = Field(default=None, pattern=MONTH,
                              description="Miesiąc (RRRR-MM), nie późniejszy niż bieżący; domyślnie bieżący.")


class ComparedRow(BaseModel):
    service: str = Field(description="Usługa AWS (nazwa z Cost Explorer, np. „AWS Lambda”).")
    estimate_usd: str = Field(description="Szacunek z pomiaru wywołań i cennika, USD.")
    actual_usd: str = Field(description="Koszt z rachunku AWS (UnblendedCost), USD.")
    difference_usd: str = Field(description="Rzeczywisty minus szacunek, USD.")
    ratio: str | None = Field(description="Rzeczywisty / szacunek; null, gdy nic nie oszacowano.")


class TenantComparedRow(ComparedRow):
    tenant: str = Field(description="TERC jednostki ze znacznika kosztów eurzad:jst.")


class ActualCostsView(BaseModel):
    month: str
    region: str = Field(description="Region AWS, którego koszty porównano.")
    currency: str = Field(description="Zawsze USD (waluta rachunku AWS i cennika).")
    final: bool = Field(description="false: AWS nie zamknął jeszcze miesiąca, kwoty mogą się zmienić.")
    prices_valid_from: str = Field(description="Od kiedy obowiązuje cennik użyty do szacunku.")
    services: list[ComparedRow] = Field(description="Region: jedna pozycja na usługę AWS.")
    tenants: list[TenantComparedRow] = Field(
        description="Jednostki: tylko koszty, które AWS przypisał jednostce znacznikiem (np. jej sekrety płatności).")
    total: ComparedRow
    shared_actual_usd: str = Field(description="Koszt bez znacznika jednostki (wspólne zasoby platformy), USD.")
