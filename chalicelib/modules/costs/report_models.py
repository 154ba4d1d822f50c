"""The cost report's API shapes (`GET /v1/finance/costs`, `/costs/rows`, `/cost-settings`). Amounts are decimal
strings, never JSON floats: `*_usd` and `*_exact` unrounded, PLN amounts in grosze ("12.34") that add up."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.modules.costs.settings import CostSettings

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Amount = str


class CostsQuery(BaseModel):
    month: str | None = Field(default=None, pattern=MONTH, description="Miesiąc RRRR-MM; domyślnie bieżący.")
    tenant: str | None = Field(default=None, description="TERC jednej JST; finanse JST widzą tylko swoją.")
    group_by: Literal["tenant", "service", "resource"] | None = Field(
        default=None, description="Grupowanie: JST (domyślnie), usługa katalogu albo zasób AWS.")
    format: Literal["json", "csv"] | None = Field(
        default=None, description="csv (albo Accept: text/csv): plik dla Excela (średniki, przecinek, UTF-8 z BOM).")


class CostRowsQuery(BaseModel):
    month: str | None = Field(default=None, pattern=MONTH, description="Miesiąc RRRR-MM; domyślnie bieżący.")
    tenant: str | None = Field(default=None, description="TERC JST albo „region” (praca dla całego regionu).")
    service: str | None = Field(default=None, description="Usługa katalogu („-”: bez usługi).")
    resource: str | None = Field(default=None, description="Zasób cennika, np. dynamodb.write.")


class RateView(BaseModel):
    month: str
    pln_per_usd: Amount
    source: str
    own: bool = Field(description="false: miesiąc nie ma własnego kursu; użyto ostatniego wcześniejszego.")
    note: str | None


class PricesRef(BaseModel):
    region: str
    valid_from: str
    currency: str


class AllocationView(BaseModel):
    rule: Literal["equal", "population", "usage"]
    label: str
    note: str | None


class CostGroup(BaseModel):
    key: str
    name: str
    kind: Literal["usage", "shared"]
    usage_usd: Amount
    usage_pln_exact: Amount
    usage_pln: Amount
    shared_usd: Amount
    shared_pln_exact: Amount
    shared_pln: Amount
    total_pln_exact: Amount
    total_pln: Amount
    aws_requests: int | None
    invocations: int | None
    quantity: Amount | None
    unit: str | None
    rows_query: dict[str, str] | None = Field(description="Parametry GET /v1/finance/costs/rows tej pozycji.")


class CostTotals(BaseModel):
    usage_usd: Amount
    usage_pln_exact: Amount
    usage_pln: Amount
    shared_usd: Amount
    shared_pln_exact: Amount
    shared_pln: Amount
    total_pln_exact: Amount
    total_pln: Amount
    aws_requests: int | None
    invocations: int | None


class SharedItemView(BaseModel):
    name: str
    resource: str
    quantity: Amount
    unit: str
    note: str | None
    usd: Amount
    pln_exact: Amount
    pln: Amount


class RegionUsage(BaseModel):
    usd: Amount
    pln_exact: Amount
    pln: Amount
    aws_requests: int
    invocations: int
    rows_query: dict[str, str] | None


class SharedView(BaseModel):
    items: list[SharedItemView]
    region_usage: RegionUsage
    usd: Amount
    pln_exact: Amount
    pln: Amount


class GatewayView(BaseModel):
    resource: Literal["payment_gateway.commission"]
    label: str
    source: Literal["contract"] = Field(description="contract: stawka z umowy JST z operatorem (procent od wpłaty "
                                        "i stała opłata) zastosowana do każdej wpłaty potwierdzonej w miesiącu.")
    note: str
    payments: int = Field(description="Liczba wpłat online potwierdzonych w miesiącu.")
    pln_exact: Amount
    pln: Amount


class CostReport(BaseModel):
    month: str
    group_by: Literal["tenant", "service", "resource"]
    tenant: str | None
    currency: Literal["PLN"]
    rate: RateView
    prices: PricesRef
    allocation: AllocationView
    groups: list[CostGroup]
    totals: CostTotals
    shared: SharedView
    gateway: GatewayView = Field(description="Prowizja operatora płatności w wyborze raportu (w złotych, bez "
                                 "przeliczania kursem); wliczona do zużycia JST i usług, a przy grupowaniu według "
                                 "zasobu osobny wiersz payment_gateway.commission.")
    through: str | None = Field(default=None, description="Raport całego regionu z miesięcznego zestawienia: "
                                "ostatni dzień, który obejmuje (RRRR-MM-DD); null: odczyt bieżący wierszy dni.")


class CostRowLine(BaseModel):
    resource: str
    quantity: Amount
    usd: Amount


class CostRow(BaseModel):
    key: str = Field(description="Klucz wiersza tabeli pomiaru („pk|sk”).")
    tenant: str
    day: str
    module: str
    service: str
    function: str
    invocations: int
    errors: int
    aws_requests: int
    requests: dict[str, int]
    lines: list[CostRowLine]
    usd: Amount
    pln_exact: Amount
    pln: Amount


class CostRowsTotal(BaseModel):
    usd: Amount
    pln_exact: Amount
    pln: Amount
    invocations: int
    aws_requests: int


class CostRows(BaseModel):
    month: str
    tenant: str | None
    service: str | None
    resource: str | None
    rate: RateView
    rows: list[CostRow]
    truncated: bool
    count: int
    total: CostRowsTotal


class CostSettingsView(BaseModel):
    settings: CostSettings
    version: int = Field(description="Wersja ustawień (ETag; If-Match przy zmianie).")
    updated_at: datetime | None
    updated_by: str | None
