"""Paper cases: an application that came on paper, or by ePUAP outside the platform, registered by a clerk.

No Chalice, no boto3. It gets the next case sign of its department and the same KPA clock as an e-case, started
on the date received (art. 61 § 3 KPA), and the applicant an access code to follow it without an account
(`access`, looked up in `lookup`). An Idempotency-Key makes a retried POST register one case: the case id comes
from (JST, clerk, key), and a marker put in the registration's own transaction guards it.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict, Forbidden, Unprocessable
from chalicelib.events.topics import RegistrationFacts
from chalicelib.integrations.mail import Mail
from chalicelib.model.tenant import TenantConfig, UnknownDepartment
from chalicelib.modules.cases import access, handling
from chalicelib.modules.cases.deadlines import DEADLINE_BASIS, DEADLINE_LABEL, due_date
from chalicelib.modules.cases.models import Case, Filing, PaperCaseRequest, Plan, StoredCase

_NAMESPACE = uuid.UUID("5b0b6a52-3c4e-4f2e-9d53-6c1f3b0e6a11")
MAX_AGE_DAYS = 366
CHANNELS = {"papier": "na papierze", "epuap": "przez ePUAP (poza platformą)"}


def case_id(terc: str, clerk: str, idempotency_key: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{terc}\n{clerk}\n{idempotency_key}").hex


def fingerprint(body: PaperCaseRequest) -> str:
    """What the Idempotency-Key was first used for: the same key with another application is refused."""
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True)
class Marker:
    """The once-guard of a paper registration, as stored: what it registered and from which request."""

    case_id: str
    request_sha256: str
    pk: str  # where the case is: read by key, consistently (an index answers a moment late)
    sk: str


@dataclass(frozen=True)
class Scan:
    scan_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    version_id: str | None = None  # of its copy in the documents bucket

    def record(self) -> dict[str, Any]:
        return {"scan_id": self.scan_id, "filename": self.filename, "content_type": self.content_type,
                "size": self.size, "sha256": self.sha256, "version_id": self.version_id}


class PaperStore(handling.CaseFiles, Protocol):
    def marker(self, terc: str, case_id: str) -> Marker | None: ...

    def register_paper(self, plan: Plan, *, case_id: str, build: Any, email: str | None, code_hash: str,
                       request_sha256: str) -> StoredCase | None:
        """The case under the next sign with its access item and once-marker; None if the marker was there."""

    def marked_case(self, marker: Marker) -> StoredCase | None: ...

    def replace_code(self, stored: StoredCase, code_hash: str) -> None: ...


class Scans(Protocol):
    def take(self, terc: str, case_id: str, scan_ids: list[str]) -> list[Scan]:
        """The uploaded scans checked (type by content, the content policy) and kept with the case; 422 else."""

    def discard(self, terc: str, scan_ids: list[str]) -> None:
        """The uploads, once the case holding their copies is registered: a scan belongs to one case."""


class Mailer(Protocol):
    def send(self, mail: Mail) -> str: ...


@dataclass(frozen=True)
class Request:
    terc: str
    clerk: str
    clerk_department: str | None
    idempotency_key: str
    body: PaperCaseRequest
    now: datetime


def plan(tenant: TenantConfig, offered: Any, body: PaperCaseRequest, *, today: date,
         clerk_department: str | None) -> Plan:
    """The department, JRWA class and KPA due date of the service as the JST offers it (`offered`: its catalogue
    entry), the clock started on the date received."""
    if body.received_on > today:
        raise Unprocessable(details=[{"field": "received_on", "code": "date_in_future",
                                      "message": "Data wpływu nie może być późniejsza niż dzisiejsza."}])
    if body.received_on < today - timedelta(days=MAX_AGE_DAYS):  # registered on receipt, not years later
        raise Unprocessable(details=[{"field": "received_on", "code": "date_too_old",
                                      "message": "Data wpływu może być najwyżej rok wstecz."}])
    if clerk_department and offered.department != clerk_department:
        raise Forbidden("Tę usługę prowadzi inna komórka; zarejestruj sprawę w kancelarii lub we właściwej komórce.",
                        code="department_forbidden")
    try:
        department_name = tenant.department(offered.department).name
    except UnknownDepartment:
        raise Conflict(f"Usługa „{offered.name}” jest przypisana do komórki {offered.department}, której nie ma w "
                       "konfiguracji jednostki.", code="department_missing") from None
    kind = offered.deadline.kind
    return Plan(terc=tenant.terc, department=offered.department, department_name=department_name,
                jrwa=offered.jrwa, year=body.received_on.year, deadline_kind=kind, started_on=body.received_on,
                due_date=due_date(kind, body.received_on))


def builder(req: Request, plan_: Plan, *, case_id_: str, service_name: str, office_name: str,
            scans: list[Scan]) -> Any:
    """`(number, sign) -> record` of the paper case: an e-case's record with its channel, applicant and scans."""
    body = req.body
    facts = RegistrationFacts(delivered_at=datetime.combine(body.received_on, datetime.min.time(), WARSAW),
                              form_version=0, receipt_id="", service_name=service_name, office_name=office_name,
                              applicant=body.applicant.name, email=body.applicant.email,
                              edelivery_address=body.applicant.edelivery_address)
    filing = Filing(submission_id=case_id_, owner="", terc=req.terc, service=body.service, facts=facts)

    def build(number: int, sign: str) -> tuple[Case, dict[str, Any]]:
        case = Case.of(filing, plan_, sign=sign, number=number, at=req.now)
        record = {**case.record(), "submission_id": None, "owner": None, "channel": body.channel,
                  "received_on": body.received_on.isoformat(), "registered_by": req.clerk,
                  "applicant_data": body.applicant.model_dump(exclude_none=True),
                  "scans": [s.record() for s in scans]}
        return case, record

    return build


def register(store: PaperStore, scans: Scans, mailer: Mailer, req: Request, *, tenant: TenantConfig,
             offered: Any) -> tuple[StoredCase, str]:
    """Register the paper case (once per Idempotency-Key) and mint its access code; the case and the code.

    A retry of a registered request answers the same case with a new code that replaces the first: the first
    answer may never have reached the clerk, and the code is kept only as a hash, so it cannot be shown again.
    Only the last code handed out opens the case.
    """
    cid = case_id(req.terc, req.clerk, req.idempotency_key)
    sha = fingerprint(req.body)
    code = access.new_code()
    before = store.marker(req.terc, cid)
    if before is None:
        where = plan(tenant, offered, req.body, today=req.now.astimezone(WARSAW).date(),
                     clerk_department=req.clerk_department)
        taken = scans.take(req.terc, cid, req.body.scans)
        build = builder(req, where, case_id_=cid, service_name=offered.name, office_name=tenant.office_name,
                        scans=taken)
        stored = store.register_paper(where, case_id=cid, build=build, email=req.body.applicant.email,
                                      code_hash=access.hashed(code), request_sha256=sha)
        if stored is not None:
            scans.discard(req.terc, req.body.scans)
            if req.body.applicant.email:
                _tell(mailer, stored, req.body.applicant.email)
            return stored, code
        before = store.marker(req.terc, cid)  # a concurrent retry registered it a moment ago
    if before is None or before.request_sha256 != sha:
        raise Conflict("Ten klucz Idempotency-Key użyto już dla innej sprawy.", code="idempotency_key_reused",
                       details=[{"field": "Idempotency-Key", "code": "idempotency_key_reused",
                                 "message": "Użyj nowego klucza dla nowej sprawy."}])
    stored = store.marked_case(before)
    if stored is None:
        raise LookupError(f"paper case {cid} vanished after registration")
    store.replace_code(stored, access.hashed(code))
    return stored, code


def notice(record: dict[str, Any], to: str) -> Mail:
    """The applicant's e-mail: registered, under which sign, until when. Never the access code: it is handed over
    on paper, so that a mailbox read by someone else does not open the case."""
    kind = record["deadline_kind"]
    from chalicelib.model.service import DeadlineKind

    basis = DEADLINE_BASIS[DeadlineKind(kind)]
    due = (f"Termin załatwienia sprawy: do {date.fromisoformat(record['due_date']):%d.%m.%Y} r. "
           f"({DEADLINE_LABEL[DeadlineKind(kind)]}, {basis})." if record.get("due_date")
           else f"Sprawa zostanie załatwiona niezwłocznie ({basis}).")
    text = "\n".join([
        "Dzień dobry,",
        "",
        f"Twój wniosek „{record['service_name']}”, który wpłynął {CHANNELS[record['channel']]} "
        f"{date.fromisoformat(record['received_on']):%d.%m.%Y} r., został zarejestrowany.",
        "",
        f"Znak sprawy: {record['case_sign']}",
        due,
        "",
        "Stan sprawy sprawdzisz na platformie e-Urząd („Sprawdź sprawę”), podając znak sprawy i kod dostępu "
        "z potwierdzenia, które otrzymałeś w urzędzie. Kodu nie wysyłamy pocztą elektroniczną.",
        "",
        "Wiadomość wysłana automatycznie; prosimy na nią nie odpowiadać.",
    ])
    return Mail(to=to, subject=f"Sprawa {record['case_sign']} – wniosek zarejestrowany", text=text)


def _tell(mailer: Mailer, stored: StoredCase, to: str) -> None:
    """Best effort, at most once: the registration stands without it, and the applicant holds the confirmation
    on paper with the sign and the code."""
    from chalicelib.core.observability import logger

    try:
        mailer.send(notice(stored.record, to))
    except Exception:
        logger.exception("paper case: registration e-mail not sent", extra={"case_id": stored.record["case_id"]})

