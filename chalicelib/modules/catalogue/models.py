"""The catalogue module's API shapes: a service as a JST offers it, the search query and the form's schema."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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
    fee: Fee | None
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


