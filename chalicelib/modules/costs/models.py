"""The costs API's shapes. Money and unit prices are decimal strings (never JSON floats)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class PricesQuery(BaseModel):
    month: str | None = Field(default=None, pattern=MONTH, description="Miesiąc RRRR-MM; domyślnie bieżący.")


class PriceView(BaseModel):
    resource: str = Field(description="Wyceniany zasób, np. lambda.requests, dynamodb.write.")
    unit: str
    per: str = Field(description="Cena dotyczy tylu jednostek (liczba dziesiętna jako tekst).")
    usd: str = Field(description="Cena w USD za `per` jednostek (liczba dziesiętna jako tekst).")
    source: str = Field(description="Publiczna strona cennika AWS.")
    checked_on: date
    confirmed: bool = Field(description="false: cena nie została jeszcze porównana z aktualną stroną AWS.")
    evidence: str = Field(default="", description=(
        "Z czym cenę porównano w publicznych źródłach (adres lub repozytorium/plik i podana tam kwota); "
        "pusty, gdy źródła nie znaleziono. To nie jest potwierdzenie ze strony AWS."))


class PriceListView(BaseModel):
    month: str
    region: str
    valid_from: date
    currency: str
    file: str = Field(description="Plik cennika w repozytorium.")
    unconfirmed: list[str]
    prices: list[PriceView]
