"""The catalogue module's API shapes: a service as a JST offers it, the search query and the form's schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.model.fees import FeeDue, FeeRule
from chalicelib.model.service import AttachmentRules, Category, Deadline, Fee, RequiredAttachment


class CatalogueEntry(BaseModel):
    """A service as a JST offers it: the definition with the JST's overrides applied."""

    id: str
    version: int
    name: str
    category: Category
    purpose: str
    who_may_apply: str
    legal_basis: list[str]
    fee: Fee | None = Field(description="Opłata w skrócie (kwota stała albo najniższa z tabeli); szczegóły: fee_rule.")
    fee_rule: FeeRule | None = Field(default=None, description="Reguła opłaty w JST (obliczana z formularza).")
    fee_text: list[str] = Field(default_factory=list, description="Reguła opłaty słowami, po polsku.")
    deadline: Deadline
    required_attachments: list[RequiredAttachment]
    jrwa: str = Field(description="Klasa JRWA, pod którą urząd rejestruje sprawę (część znaku sprawy).")
    # null only for a version published before the catalogue required a final class
    jrwa_title: str | None = Field(default=None, description="Hasło klasyfikacyjne tej klasy JRWA.")
    archival_category: str | None = Field(
        default=None, description="Kategoria archiwalna klasy: A (materiały archiwalne), Bn lub BEn (lata).")
    department: str
    how_to_apply_on_paper: str
    attachments: AttachmentRules  # what files the service accepts online (the platform's defaults if not set)
    tenant: str | None = None
    bank_account: str | None = None


class CatalogueSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=100)
    tenant: str | None = Field(default=None, pattern=r"^\d{2}(\d{2}(\d{3})?)?$")
    category: Category | None = None


class FormSchema(BaseModel):
    service: str
    version: int
    json_schema: dict[str, object] = Field(serialization_alias="schema")
    ui: dict[str, object]




class FeeQuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: dict[str, Any] = Field(default_factory=dict, description="Wartości formularza (choćby częściowe).")
    form_version: int | None = Field(default=None, ge=1, description="Domyślnie najnowsza wersja formularza.")


class FeeQuote(BaseModel):
    """The fee a form filled so far owes in this JST (before submitting)."""

    service: str
    version: int
    tenant: str
    fee: FeeDue | None = Field(description="null: usługa bez opłaty; amount w groszach.")
    online: bool = Field(description="Czy JST przyjmuje tę opłatę online (w „Moje sprawy” po złożeniu).")
    summary: str = Field(description="Opłata słowami, np. „Opłata: 17,00 zł — opłata skarbowa …”.")
