"""The shapes of the bodies routes build as plain dicts, and the parameters views read themselves.

Only the API document imports this module. The fuzz test (tests/e2e/test_fuzz.py) checks every response of
the deployed API against these shapes, so a view that changes what it returns must change them too.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from chalicelib.model.fees import FeeDue
from chalicelib.model.service import DeadlineKind, DeptSymbol
from chalicelib.model.tenant import ServiceSetting, TenantConfig
from chalicelib.modules.cases.models import CaseFee
from chalicelib.modules.catalogue.models import CatalogueEntry
from chalicelib.modules.submissions.models import Applicant, DraftView, IdempotencyKey
from chalicelib.modules.tenants.models import TenantSummary

HEADER: JsonDict = {"in": "header"}  # a `params` field that travels as a header (its alias is the header's name)


class Health(BaseModel):
    status: Literal["ok"]


# --- parameters --------------------------------------------------------------------------------------

class VersionQuery(BaseModel):
    version: int | None = Field(default=None, ge=1, description="Wersja usługi; domyślnie najnowsza.")


class PolicyQuery(BaseModel):
    policy: Literal["strict", "archival"] = Field(
        default="strict", description="strict: nowe wnioski (tylko SHA-2); archival: dokumenty sprzed SHA-2.")


class InboxQuery(BaseModel):
    department: DeptSymbol | None = Field(default=None, description="Komórka; domyślnie komórka urzędnika.")
    limit: int = Field(default=20, ge=1, le=100)
    next: str | None = Field(default=None, max_length=200, description="Token następnej strony.")
    state: str | None = Field(default=None, max_length=40, description="Tylko sprawy w tym stanie (np. w_toku).")
    assignee: str | None = Field(default=None, max_length=256, description="Tylko sprawy tego prowadzącego.")
    order: Literal["new", "due"] | None = Field(default=None, description="due: od najbliższego terminu.")
    overdue: Literal["0", "1"] | None = Field(default=None, description="1: tylko sprawy po terminie (art. 36 KPA).")
    fee_unpaid: Literal["0", "1"] | None = Field(
        default=None, description="1: tylko sprawy z opłatą nieuiszczoną w terminie (do wezwania, art. 261 KPA).")


class IdempotencyHeaders(BaseModel):
    idempotency_key: IdempotencyKey = Field(alias="Idempotency-Key", json_schema_extra=HEADER,
                                            description="Ten sam klucz zwraca ten sam wniosek i UPP.")


class IfMatchHeaders(BaseModel):
    if_match: Annotated[str, Field(pattern=r'^"?[0-9]{1,12}"?$')] | None = Field(
        default=None, alias="If-Match", json_schema_extra=HEADER, description="Wersja konfiguracji (ETag).")


# --- responses ---------------------------------------------------------------------------------------

class CataloguePage(BaseModel):
    items: list[CatalogueEntry]
    count: int


class TenantPage(BaseModel):
    items: list[TenantSummary]
    count: int


class TenantServices(BaseModel):
    tenant: str
    items: list[CatalogueEntry]
    count: int


class TenantConfigView(BaseModel):
    version: int
    config: TenantConfig


class SettingChanged(BaseModel):
    version: int
    service: ServiceSetting | None
    audit_event: str


class AuditEntryView(BaseModel):
    event_id: str
    at: str
    actor: str
    action: str
    summary: str
    notified_at: str | None
    correlation_id: str | None = None  # the request that made the change (X-Correlation-Id)


class AuditPage(BaseModel):
    items: list[AuditEntryView]


class DraftPage(BaseModel):
    items: list[DraftView]
    count: int


class SubmittedAttachment(BaseModel):
    attachment_id: str
    field: str
    filename: str
    content_type: str
    size: int
    sha256: str
    href: str


class SubmissionLinks(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    self_: str = Field(alias="self")
    upp: str
    document: str


class SubmissionFee(FeeDue):
    """The fee computed at acceptance (amount in grosze), and whether the JST takes it online."""

    online: bool = Field(description="false: JST nie przyjmuje opłat online; opłatę wnosi się inaczej (przelew).")


class SubmissionView(BaseModel):
    submission_id: str
    terc: str
    service: str
    service_name: str
    office_name: str
    form_version: int
    status: Literal["przyjete", "zarejestrowana"]
    delivered_at: str
    receipt_id: str
    case_sign: str | None
    department: str | None
    due_date: str | None
    registered_at: str | None
    signed: bool
    flags: list[str]
    signer: dict[str, Any] | None
    document_sha256: str
    answers: dict[str, str] | None = Field(
        default=None, description="Pismo uzupełniające: sprawa, na której wezwanie odpowiada (case_id, case_sign).")
    fee: SubmissionFee | None = Field(default=None, description="Opłata należna za wniosek (null: bez opłaty).")
    attachments: list[SubmittedAttachment]
    links: SubmissionLinks


class ClerkSubmissionView(SubmissionView):
    applicant: Applicant | None


class SubmissionPage(BaseModel):
    items: list[SubmissionView]
    count: int


class Download(BaseModel):
    url: str = Field(description="Link ważny 5 minut, do dokładnie tej przechowywanej wersji pliku.")
    expires_at: str
    filename: str
    sha256: str
    size: int


class InboxCase(BaseModel):
    case_id: str
    case_sign: str
    terc: str
    department: str
    jrwa: str
    # absent on cases registered before they were recorded; null until the case closes / for category A
    archival_category: str | None = Field(default=None, description="Kategoria archiwalna klasy JRWA (A, B5...).")
    closed_on: str | None = Field(default=None, description="Dzień zamknięcia sprawy.")
    archive_date: str | None = Field(default=None, description="Od tego dnia akta kategorii B mogą zostać zniszczone.")
    disposed_on: str | None = Field(default=None, description="Dzień usunięcia dokumentów (retencja, kategoria B).")
    year: int
    number: int
    status: str = Field(description="Stan sprawy (zarejestrowana, w_toku, wezwanie, ...).")
    assignee: str | None = None
    service: str
    service_name: str
    applicant: str | None
    submission_id: str
    owner: str
    registered_at: str
    started_on: str
    deadline_kind: DeadlineKind
    deadline: str
    due_date: str | None
    flags: list[str]
    signed: bool
    overdue: bool = Field(default=False, description="Termin upłynął, a bieg terminu trwa (art. 36 KPA).")
    overdue_notice_for: str | None = Field(default=None, description="Termin, o którego upływie zawiadomiono stronę.")
    fee: CaseFee | None = Field(default=None, description="Opłata za wniosek; brak, gdy nic nie jest należne.")
    fee_unpaid: bool = Field(default=False, description="Opłata nieuiszczona w terminie: wezwij do zapłaty "
                                                        "(art. 261 § 1 KPA).")


class InboxPage(BaseModel):
    terc: str
    department: str
    items: list[InboxCase]
    count: int
    next: str | None
