"""Registration in the electronic inbox (ESP): department, case sign (znak sprawy), KPA due date, notice.

No Chalice, no boto3. The case sign is `<department>.<JRWA>.<n>.<year>`; n comes from a counter per
department, JRWA class and year that the repository advances in the same transaction that writes the case,
so a number is only ever used by a case that exists: no gaps, no duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.core.clock import WARSAW
from chalicelib.integrations.mail import Mail
from chalicelib.model.service import DeadlineKind, ServiceDefinition
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.cases.deadlines import DEADLINE_BASIS, DEADLINE_LABEL, due_date
from chalicelib.modules.catalogue import logic as catalogue_logic
from chalicelib.modules.submissions.models import Submission


class RegistrationBlocked(Exception):
    """The case cannot be registered until someone fixes the JST's configuration (retried, then dead-lettered)."""


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

    def record(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id, "case_sign": self.sign, "terc": self.plan.terc,
            "department": self.plan.department, "jrwa": self.plan.jrwa, "year": self.plan.year,
            "number": self.number, "status": "zarejestrowana", "service": self.service,
            "service_name": self.service_name, "applicant": self.applicant, "submission_id": self.submission_id,
            "owner": self.owner, "registered_at": self.registered_at.isoformat(),
            "started_on": self.plan.started_on.isoformat(), "deadline_kind": self.plan.deadline_kind.value,
            "deadline": DEADLINE_LABEL[self.plan.deadline_kind],
            "due_date": self.plan.due_date.isoformat() if self.plan.due_date else None,
            "flags": self.flags, "signed": self.signed,
        }


def format_sign(department: str, jrwa: str, number: int, year: int) -> str:
    return f"{department}.{jrwa}.{number}.{year}"


def plan(tenant: TenantConfig, defn: ServiceDefinition, submission: Submission) -> Plan:
    """The department (the JST's override or the catalogue's), JRWA class, year and KPA due date."""
    offered = catalogue_logic.entry(defn, tenant)
    departments = {d.symbol: d.name for d in tenant.departments}
    if offered.department not in departments:
        raise RegistrationBlocked(
            f"{tenant.name}: usługa {defn.id} jest przypisana do komórki {offered.department}, "
            f"której nie ma w konfiguracji jednostki")
    started = submission.delivered_at.astimezone(WARSAW).date()
    return Plan(terc=tenant.terc, department=offered.department, department_name=departments[offered.department],
                jrwa=offered.jrwa, year=started.year, deadline_kind=offered.deadline.kind, started_on=started,
                due_date=due_date(offered.deadline.kind, started))


def notice(sign: str, plan: Plan, submission: Submission, to: str) -> Mail:
    """The resident's e-mail: the case is registered, under which sign, by whom and until when."""
    basis = DEADLINE_BASIS[plan.deadline_kind]
    due = (f"Termin załatwienia sprawy: do {plan.due_date:%d.%m.%Y} r. ({DEADLINE_LABEL[plan.deadline_kind]}, "
           f"{basis})." if plan.due_date else f"Sprawa zostanie załatwiona niezwłocznie ({basis}).")
    delivered = submission.delivered_at.astimezone(WARSAW)
    text = "\n".join([
        "Dzień dobry,",
        "",
        f"Twój wniosek „{submission.record.service_name}” złożony {delivered:%d.%m.%Y} r. o godz. {delivered:%H:%M} "
        f"do: {submission.record.office_name} został zarejestrowany.",
        "",
        f"Znak sprawy: {sign}",
        f"Komórka prowadząca: {plan.department_name}",
        due,
        f"Identyfikator wniosku: {submission.submission_id}",
        f"Urzędowe poświadczenie przedłożenia (UPP): {submission.record.receipt_id}",
        "",
        "Podawaj znak sprawy w korespondencji z urzędem. Stan sprawy sprawdzisz na platformie e-Urząd.",
        "",
        "Wiadomość wysłana automatycznie; prosimy na nią nie odpowiadać.",
    ])
    return Mail(to=to, subject=f"Sprawa {sign} – wniosek zarejestrowany", text=text)


# --- ports and the registration ------------------------------------------------------------------------

class CaseStore(Protocol):
    def register(self, plan: Plan, submission: Submission, *, at: datetime) -> Case | None: ...


class SubmissionReader(Protocol):
    def get(self, owner: str, submission_id: str) -> Submission | None: ...

    def mark_notified(self, owner: str, submission_id: str, *, at: datetime) -> bool: ...


class Catalogue(Protocol):
    def get(self, service_id: str, version: int | None = None) -> ServiceDefinition | None: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> str: ...


@dataclass(frozen=True)
class Outcome:
    sign: str
    registered_now: bool
    notified_now: bool


def register(*, submissions: SubmissionReader, cases: CaseStore, catalogue: Catalogue, tenant: TenantConfig,
             mailer: Mailer, owner: str, submission_id: str, now: datetime) -> Outcome:
    """Register one accepted submission, at most once however often it is delivered; then tell the resident."""
    submission = submissions.get(owner, submission_id)
    if submission is None:
        raise LookupError(f"submission {submission_id} not found")
    defn = catalogue.get(submission.service, submission.form_version)
    if defn is None:
        raise RegistrationBlocked(f"service {submission.service} v{submission.form_version} not in the catalogue")
    where = plan(tenant, defn, submission)
    sign = submission.case_sign
    registered_now = False
    if sign is None:
        case = cases.register(where, submission, at=now)
        if case is not None:
            sign, registered_now = case.sign, True
        else:  # a concurrent delivery of the same message registered it a moment ago
            again = submissions.get(owner, submission_id)
            sign = again.case_sign if again else None
            if sign is None:
                raise LookupError(f"submission {submission_id} vanished while registering")
    notified_now = False
    email = submission.record.email
    if email and submission.notified_at is None:
        mailer.send(notice(sign, where, submission, email))
        notified_now = submissions.mark_notified(owner, submission_id, at=now)
    return Outcome(sign=sign, registered_now=registered_now, notified_now=notified_now)
