"""The case register's own types: a submission as registration sees it, the plan of its case, the case; and its
API's shapes: what a transition, an assignment and a note take, and what a case looks like to a clerk and to the
resident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StringConstraints

from chalicelib.events.topics import RegistrationFacts
from chalicelib.forms.values import (
    Address,
    clean_edelivery_address,
    clean_email,
    clean_nip,
    clean_pesel,
    required,
    text,
)
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.deadlines import DEADLINE_LABEL
from chalicelib.modules.cases.fee import due_record
from chalicelib.modules.cases.lifecycle import State


class InvalidPageToken(ValueError):
    """A page token the inbox did not give."""


@dataclass(frozen=True)
class Filing:
    """An accepted submission to register: who filed what with which JST, and the facts it was accepted with."""

    submission_id: str
    owner: str
    terc: str
    service: str
    facts: RegistrationFacts


@dataclass(frozen=True)
class Plan:
    """Where and under which rules a submission is registered."""

    terc: str
    department: str
    department_name: str
    jrwa: str
    year: int
    deadline_kind: DeadlineKind
    started_on: date  # KPA art. 61 § 3a: the date of the proof of receipt (UPP)
    due_date: date | None
    archival_category: str | None = None  # of the JRWA class; None if the class is not in the platform's wykaz


@dataclass(frozen=True)
class Case:
    case_id: str
    sign: str
    number: int
    plan: Plan
    submission_id: str
    owner: str
    service: str
    service_name: str
    applicant: str | None
    registered_at: datetime
    flags: list[str]
    signed: bool
    fee: dict[str, Any] | None = None  # the fee owed (cases.fee.due_record): the case waits for it
    edelivery_address: str | None = None  # the party's ADE from the form: the office's letters go there

    @classmethod
    def of(cls, filing: Filing, plan: Plan, *, sign: str, number: int, at: datetime) -> Case:
        f = filing.facts
        return cls(case_id=filing.submission_id, sign=sign, number=number, plan=plan,
                   submission_id=filing.submission_id, owner=filing.owner, service=filing.service,
                   service_name=f.service_name, applicant=f.applicant, registered_at=at, flags=list(f.flags),
                   signed=f.signed, fee=due_record(f.fee, filing.submission_id),
                   edelivery_address=f.edelivery_address)

    def record(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id, "case_sign": self.sign, "terc": self.plan.terc,
            "department": self.plan.department, "jrwa": self.plan.jrwa, "year": self.plan.year,
            "archival_category": self.plan.archival_category, "closed_on": None, "archive_date": None,
            "number": self.number, "status": "oczekuje_na_oplate" if self.fee else "zarejestrowana",
            "service": self.service,
            "service_name": self.service_name, "applicant": self.applicant, "submission_id": self.submission_id,
            "owner": self.owner, "registered_at": self.registered_at.isoformat(),
            "started_on": self.plan.started_on.isoformat(), "deadline_kind": self.plan.deadline_kind.value,
            "deadline": DEADLINE_LABEL[self.plan.deadline_kind],
            "due_date": self.plan.due_date.isoformat() if self.plan.due_date else None,
            "flags": self.flags, "signed": self.signed, **({"fee": self.fee} if self.fee else {}),
            **({"edelivery_address": self.edelivery_address} if self.edelivery_address else {}),
        }


@dataclass(frozen=True)
class Outcome:
    sign: str
    registered_now: bool
    notified_now: bool


@dataclass(frozen=True)
class StoredCase:
    """A case as stored: its registration record (with the current state), its life, and the version read."""

    pk: str
    sk: str
    record: dict[str, Any]
    life: dict[str, Any]
    version: int
    email: str | None = None  # where the party is told of changes (from the submission), if they gave one
    notified: int = 0  # history entries the party was told of


# --- the API's shapes ---------------------------------------------------------------------------------------

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TransitionRequest(Strict):
    to: State = Field(description="Stan docelowy sprawy.")
    reason: Text = Field(description="Uzasadnienie (zapisywane w historii sprawy).")
    gaps: list[Short] = Field(default_factory=list, max_length=20,
                              description="Wezwanie: braki do uzupełnienia (art. 64 § 2 KPA).")
    term_days: int | None = Field(default=None, ge=1, le=365, description="Wezwanie: termin w dniach (co najmniej 7).")
    document: Short | None = Field(default=None, description="Załatwienie: znak pisma lub decyzji.")
    document_file: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")] | None = Field(
        default=None, description="Załatwienie: id dołączonego pliku rodzaju `rozstrzygniecie`, udostępnionego "
                                  "stronie (zamiast znaku lub obok niego).")
    office: Short | None = Field(default=None, description="Przekazanie organowi spoza platformy (art. 65 KPA): jego "
                                 "nazwa; platforma niczego nie wysyła, urzędnik przekazuje sprawę pismem.")
    to_terc: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}([0-9]{2}([0-9]{3})?)?$")] | None = Field(
        default=None, description="Przekazanie jednostce platformy (art. 65 KPA): jej kod TERC; ona rejestruje "
                                  "sprawę pod własnym znakiem, z dokumentami.")


class AssignmentRequest(Strict):
    clerk: Short | None = Field(default=None, description="Pracownik (sub tokenu); brak: przyjmuję sprawę sam.")


class DeadlineRequest(Strict):
    due_date: date = Field(description="Nowy termin załatwienia sprawy (RRRR-MM-DD): w przyszłości, dzień roboczy.")
    reason: Text = Field(description="Przyczyna zwłoki; strona ją otrzymuje (art. 36 § 1 KPA).")


class FeePaymentRequest(Strict):
    amount: int = Field(gt=0, description="Wpłacona kwota w groszach: cała opłata za sprawę.")
    paid_on: date = Field(description="Dzień wpłaty (RRRR-MM-DD): nie późniejszy niż dziś.")
    how: Literal["kasa", "przelew"] = Field(description="Wpłata w kasie urzędu albo przelewem na rachunek JST.")
    reference: Short | None = Field(default=None, description="Tytuł lub identyfikator przelewu, numer dowodu "
                                                              "wpłaty w kasie; przy przelewie wymagany.")


class NoteRequest(Strict):
    text: Text = Field(description="Notatka wewnętrzna; nigdy nie jest pokazywana stronie.")


class FileRequest(Strict):
    scan_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")] = Field(
        description="Plik przesłany jak skan (`POST /v1/tenants/{terc}/scans`): PDF, JPEG, PNG.")
    title: Short = Field(description="Tytuł pliku w sprawie.")
    kind: Literal["zalacznik", "rozstrzygniecie"] = Field(description="Załącznik albo rozstrzygnięcie (decyzja, "
                                                                      "postanowienie, zaświadczenie, pismo).")
    for_party: bool = Field(default=False, description="Udostępnić stronie w e-informacji (inaczej tylko urząd).")


class CaseFee(BaseModel):
    amount: int = Field(description="Kwota w groszach.")
    currency: str
    title: str = Field(description="Tytuł opłaty.")
    legal_basis: str | None
    status: Literal["nalezna", "oplacona", "nieoplacona", "zwrocona"] = Field(
        description="nalezna (czeka na zapłatę), oplacona, nieoplacona (zlecenie wygasło: urząd wzywa do zapłaty, "
                    "art. 261 § 1 KPA), zwrocona (zwrócona w całości).")
    status_label: str
    paid_at: str | None = Field(description="Kiedy płatność potwierdzono u operatora.")
    order_id: str = Field(description="Zlecenie płatności (`/v1/me/cases/{case_id}/payment`).")
    refunded: int = Field(description="Zwrócono dotąd (grosze).")
    paid_how: Literal["kasa", "przelew"] | None = Field(default=None, description="Wpłata poza bramką, zapisana przez "
                                                        "urzędnika: w kasie urzędu albo przelewem; brak: online.")
    paid_reference: str | None = Field(default=None, description="Tytuł przelewu lub numer dowodu wpłaty w kasie.")
    payable: bool = Field(description="Strona może teraz zapłacić („Zapłać teraz”).")


class CaseClock(BaseModel):
    running: bool
    ended: bool = Field(description="Sprawa załatwiona, umorzona, przekazana lub pozostawiona bez rozpoznania.")
    stopped_since: str | None
    started_on: str
    original_due_date: str | None
    due_date: str | None
    paused_days: int
    pauses: list[dict[str, Any]]
    extensions: list[dict[str, Any]] = Field(default_factory=list,
                                             description="Nowe terminy wyznaczone przez urząd (art. 36 § 1 KPA).")


class CaseArchive(BaseModel):
    jrwa: str | None = Field(description="Klasa JRWA sprawy (część znaku sprawy).")
    jrwa_title: str | None = Field(
        description="Hasło klasyfikacyjne klasy; brak, gdy klasy nie ma w wykazie platformy.")
    archival_category: str | None = Field(
        description="Kategoria archiwalna: A (materiały archiwalne) albo Bn/BEn; brak, gdy nieznana.")
    expert_review: bool = Field(description="BEn: przed zniszczeniem akt ekspertyzę przeprowadza archiwum państwowe.")
    closed_on: str | None = Field(description="Dzień zamknięcia sprawy (zakończona, umorzona, pozostawiona bez "
                                              "rozpoznania, przekazana).")
    archive_date: str | None = Field(
        description="Od tego dnia akta kategorii B mogą zostać zniszczone (1 stycznia roku następnego po zamknięciu "
                    "plus n lat); brak dla kategorii A, nieznanej albo sprawy niezamkniętej.")
    disposed_on: str | None = Field(default=None, description="Dzień usunięcia dokumentów sprawy po upływie okresu "
                                    "przechowywania (kategoria B); metryka i historia sprawy zostają.")


class CaseView(BaseModel):
    case: dict[str, Any] = Field(description="Sprawa z rejestracji: znak, komórka, stan, prowadzący, termin.")
    version: int = Field(description="Wersja sprawy (ETag); `If-Match` przy zmianie.")
    state_label: str
    allowed: list[str] = Field(description="Stany, do których sprawę można teraz przenieść.")
    clock: CaseClock
    archive: CaseArchive
    history: list[dict[str, Any]]
    summonses: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    supplements: list[dict[str, Any]] = Field(
        default_factory=list, description="Pisma uzupełniające strony: UPP, data doręczenia, linki do dokumentów.")
    fee: CaseFee | None = Field(default=None, description="Opłata za wniosek; brak, gdy nic nie jest należne.")


class ResidentCaseLine(BaseModel):
    case_id: str
    case_sign: str
    terc: str
    service: str
    service_name: str
    submission_id: str
    registered_at: str
    status: str
    state_label: str
    deadline: str | None
    due_date: str | None
    filed_on: str | None = Field(default=None, description="Data złożenia wniosku (zachowana przy przekazaniu).")
    forwarded_to: dict[str, Any] | None = Field(
        default=None, description="Przekazana (art. 65 KPA): organ, powód, a w platformie terc i case_id nowej sprawy.")
    forwarded_from: dict[str, Any] | None = Field(
        default=None, description="Przekazana przez inny organ: jego nazwa, znak i case_id sprawy, data, powód.")
    fee: CaseFee | None = Field(default=None, description="Opłata za wniosek i jej stan; brak, gdy nic nie jest "
                                                          "należne.")


class ResidentCases(BaseModel):
    items: list[ResidentCaseLine]
    count: int


class ResidentCase(ResidentCaseLine):
    stages: list[dict[str, Any]] = Field(description="Etapy sprawy z datami i treścią dla strony.")
    clock: dict[str, Any] = Field(description="Termin załatwienia: pierwotny, obecny, dni wstrzymania.")
    pauses: list[dict[str, Any]] = Field(description="Okresy niewliczane do terminu (art. 35 § 5 KPA) i ich podstawa.")
    summonses: list[dict[str, Any]] = Field(
        description="Wezwania do uzupełnienia: braki, termin, czy i kiedy odpowiedziano (z UPP), gdzie odpowiedzieć.")
    extensions: list[dict[str, Any]] = Field(default_factory=list,
                                             description="Nowy termin załatwienia sprawy i przyczyna zwłoki "
                                                         "(art. 36 § 1 KPA).")
    files: list[dict[str, Any]] = Field(default_factory=list,
                                        description="Pliki sprawy udostępnione stronie przez urząd.")
    delivery_to: dict[str, Any] | None = Field(
        default=None, description="Dokąd urząd doręcza pisma: `channel` e-doreczenie (na `ade` strony) albo papier "
                                  "(pocztą, `address` — wiersze, gdy sprawa go zawiera), `text` — to samo słowami.")


class DeadlineQuery(BaseModel):
    kind: Literal["7d", "1m", "2m"] = Field(description="7d (art. 217 § 3), 1m albo 2m (art. 35 § 3).")
    from_: date = Field(alias="from", description="Dzień początkowy (RRRR-MM-DD, lata 1960-2200), np. data UPP.")
    paused: int = Field(default=0, ge=0, le=3650, description="Dni niewliczane do terminu (art. 35 § 5 KPA).")


class AppliedArticle(BaseModel):
    article: str
    text: str


class DeadlineAnswer(BaseModel):
    kind: str
    from_: str = Field(alias="from")
    paused: int
    end: str = Field(description="Koniec terminu przed przesunięciem z soboty lub dnia wolnego.")
    due_date: str
    articles: list[AppliedArticle]


# --- paper cases: registered by a clerk, followed by the applicant with the access code ---------------------

class PaperApplicant(Strict):
    name: Annotated[str, PlainValidator(required(text(200)))] = Field(description="Imię i nazwisko albo nazwa.")
    address: Address = Field(description="Adres do korespondencji.")
    pesel: Annotated[str | None, PlainValidator(clean_pesel)] = None
    nip: Annotated[str | None, PlainValidator(clean_nip)] = None
    email: Annotated[str | None, PlainValidator(clean_email)] = Field(
        default=None, description="Adres e-mail: na niego trafiają zawiadomienia o sprawie (bez kodu dostępu).")
    edelivery_address: Annotated[str | None, PlainValidator(clean_edelivery_address)] = Field(
        default=None, description="Adres do doręczeń elektronicznych (ADE) strony: na niego urząd doręcza pisma.")


class PaperCaseRequest(Strict):
    service: Short = Field(description="Usługa z katalogu, udostępniana przez jednostkę.")
    channel: Literal["papier", "epuap"] = Field(description="Jak wpłynął wniosek: na papierze albo przez ePUAP "
                                                            "poza platformą.")
    received_on: date = Field(description="Data wpływu (RRRR-MM-DD); od niej biegnie termin KPA.")
    applicant: PaperApplicant
    scans: list[Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]] = Field(
        min_length=1, max_length=10, description="Skany wniosku (identyfikatory z POST .../cases/scans).")


class ScanRequest(Strict):
    filename: Annotated[str, PlainValidator(required(text(200)))]
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    size: int = Field(ge=1, description="Rozmiar pliku w bajtach.")


class ScanSlot(BaseModel):
    scan_id: str
    upload: dict[str, Any] = Field(description="Presigned POST: `url` i `fields`; plik jako ostatnie pole.")
    max_bytes: int


class PaperCaseAnswer(CaseView):
    access_code: str = Field(description="Kod dostępu dla wnioskodawcy, pokazywany tylko w tej odpowiedzi. Ponowione "
                                         "żądanie (ten sam Idempotency-Key) daje nowy kod; poprzedni traci ważność.")


class LookupRequest(Strict):
    sign: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="Znak sprawy, np. OR.0.1.2026.")
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)] = Field(description="Kod dostępu.")


class ArchiveDueCase(BaseModel):
    case_sign: str
    case_id: str
    jrwa: str | None
    archival_category: str
    closed_on: str
    archive_date: str
    status: str


class ArchiveDue(BaseModel):
    terc: str
    on: str = Field(description="Dzień (Warszawa), na który sprawdzono: sprawy z datą archiwalną do niego włącznie.")
    dispose: list[ArchiveDueCase] = Field(description="Kategoria B: dokumenty do usunięcia (codzienne zadanie).")
    review: list[ArchiveDueCase] = Field(description="Kategoria BE: do ekspertyzy archiwum państwowego.")
    complete: bool = Field(description="false: odczytano pierwsze 1000 spraw z indeksu; reszta po ich usunięciu.")
