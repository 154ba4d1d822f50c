"""The registers API's shapes: the data of an entry of each register (validated, with Polish messages on their
field paths), what a clerk sends to create, change, revoke, and what the public and the clerk get back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StringConstraints, model_validator

from chalicelib.forms.values import clean_nip
from chalicelib.model.registers import RoadElement

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=300)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]
CaseId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Category = Literal["A", "B", "C"]
Purpose = Literal["roboty", "urzadzenia", "obiekty-reklamy", "inne"]
Protection = Literal["rejestr-zabytkow", "lista-skarbow", "pomnik-historii", "park-kulturowy",
                     "plan-miejscowy", "ewidencja-gminna"]


def _nip(value: Any) -> str:
    cleaned = clean_nip(value)
    if cleaned is None:
        raise ValueError("Podaj NIP.")
    return str(cleaned)


Nip = Annotated[str, PlainValidator(_nip)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Address(Strict):
    street: Text | None = None
    building: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    postal_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}-[0-9]{3}$")]
    city: Name


class Holder(Strict):
    """Who holds the permit. A business's name is public; a natural person's (not in business) is not, nor is
    the holder's own address (the seat of a sole trader is often their home)."""

    name: Name
    nip: Nip | None = None
    natural_person: bool = Field(default=False, description="Osoba fizyczna nieprowadząca działalności: "
                                                            "imię i nazwisko nie są publikowane.")
    address: Address | None = Field(default=None, description="Adres posiadacza (siedziba): nie jest publikowany.")


class AlcoholPermit(Strict):
    """Zezwolenie na sprzedaż napojów alkoholowych (art. 18); one per kind of drinks (art. 18 ust. 3)."""

    number: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z./ -]{1,40}$")]
    holder: Holder
    outlet_name: Text | None = None
    outlet_address: Address
    category: Category = Field(description="A: do 4,5% i piwo; B: 4,5–18% (bez piwa); C: powyżej 18%.")
    consumption: Literal["poza-miejscem", "w-miejscu"]
    valid_from: date
    valid_to: date
    last_year_sales: int | None = Field(default=None, ge=0, le=10**13, description=(
        "Wartość sprzedaży napojów tego rodzaju w roku poprzednim (grosze), z oświadczenia; nie jest publikowana."))
    sales_year: int | None = Field(default=None, ge=2000, le=2100, description="Rok, którego dotyczy sprzedaż.")

    @model_validator(mode="after")
    def _dates(self) -> AlcoholPermit:
        if self.valid_to < self.valid_from:
            raise ValueError("Data końca ważności jest wcześniejsza niż data początku.")
        if self.holder.nip is None:
            raise ValueError("Zezwolenie wydaje się przedsiębiorcy: podaj jego NIP.")
        return self


class LaneArea(Strict):
    element: RoadElement
    area_m2: Decimal = Field(gt=0, le=100_000, max_digits=9, decimal_places=2)


class RoadLanePermit(Strict):
    """Zezwolenie na zajęcie pasa drogowego (art. 40): the decision's data; its fee follows from the JST's rates."""

    holder: Holder
    road: Text = Field(description="Droga: nazwa ulicy, numer drogi.")
    section: Text = Field(description="Odcinek lub miejsce zajęcia.")
    purpose: Purpose
    areas: list[LaneArea] = Field(min_length=1, max_length=20)
    occupied_from: date
    occupied_to: date

    @model_validator(mode="after")
    def _dates(self) -> RoadLanePermit:
        if self.occupied_to < self.occupied_from:
            raise ValueError("Data końca zajęcia jest wcześniejsza niż data początku.")
        return self


class Monument(Strict):
    """Karta gminnej ewidencji zabytków (art. 22 ust. 4 ustawy o ochronie zabytków i opiece nad zabytkami)."""

    name: Name
    address: Address
    teryt: Annotated[str, StringConstraints(pattern=r"^[0-9]{7}$")] = Field(
        description="Identyfikator miejscowości TERYT (SIMC, 7 cyfr).")
    dating: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)] = Field(
        description="Datowanie, np. 1 poł. XIX w.")
    protection: list[Protection] = Field(min_length=1, max_length=6)
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None


class EntryRequest(Strict):
    data: dict[str, Any] = Field(default_factory=dict, description=(
        "Dane wpisu według rejestru (zezwolenie, zajęcie pasa, zabytek); ze sprawą: uzupełniają dane z wniosku."))
    case_id: CaseId | None = Field(default=None, description=(
        "Załatwiona sprawa usługi rejestru: dane wniosku wypełniają wpis, jej znak zostaje przy wpisie."))
    reason: Reason | None = Field(default=None, description="Powód zmiany (wymagany przy zmianie wpisu).")


class RevocationRequest(Strict):
    reason: Reason
    case_sign: Annotated[str, StringConstraints(max_length=60)] | None = Field(
        default=None, description="Znak sprawy decyzji o cofnięciu (wykreśleniu).")


class DeclarationRequest(Strict):
    case_id: CaseId = Field(description="Sprawa oświadczenia o wartości sprzedaży (usługa katalogu).")


class PublicEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    entry_id: str
    register_kind: str = Field(alias="register")
    status: str
    status_label: str
    case_sign: str | None = None
    data: dict[str, Any]
    fee: dict[str, Any] | None = None
    photo: str | None = None


class PublicPage(BaseModel):
    items: list[PublicEntry]
    count: int
    next: str | None = Field(description="Kursor następnej strony (parametr `page`), brak: ostatnia strona.")


class HistoryItem(BaseModel):
    version: int
    action: str
    at: str
    by: str
    by_name: str | None
    changes: list[dict[str, Any]]
    reason: str | None = None


class ClerkEntry(BaseModel):
    entry: dict[str, Any]
    history: list[HistoryItem]


class PhotoRequest(Strict):
    content_type: Literal["image/jpeg", "image/png"]
    size: int = Field(ge=1, le=10 * 1024 * 1024, description="Rozmiar pliku w bajtach (do 10 MB).")


class PhotoSlot(BaseModel):
    upload: dict[str, Any] = Field(description="Formularz POST do S3: url + fields; plik w polu „file”.")
    max_bytes: int


class SearchQuery(BaseModel):
    q: Annotated[str, StringConstraints(max_length=100)] | None = Field(default=None, description="Szukany tekst.")
    status: Annotated[str, StringConstraints(pattern=r"^[a-z-]{3,20}$")] | None = None
    page: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{26}$")] | None = Field(
        default=None, description="Kursor strony (`next` poprzedniej odpowiedzi).")
    limit: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}$")] | None = Field(
        default=None, description="Wpisów na stronie, 1–100 (domyślnie 20).")
    format: Literal["json", "csv"] | None = Field(
        default=None, description="csv: cały rejestr z filtrami dla Excela (średniki, UTF-8 z BOM).")


class PhotoLink(BaseModel):
    url: str = Field(description="Krótkotrwały odnośnik do pliku zdjęcia (S3).")
    content_type: str
    expires_in: int = Field(description="Ważność odnośnika w sekundach.")
