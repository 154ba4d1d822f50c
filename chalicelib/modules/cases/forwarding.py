"""Forwarding a case to the competent JST of the platform (art. 65 KPA), on both sides.

No Chalice, no boto3. The sender's clerk names the receiving JST; before anything is written the receiver is
checked: it is on the platform and has a department for the case (its department for the case's service, else
the department of its general letter, `pismo-ogolne`), or the forwarding is refused (422 / 409). The sender's case
then closes as `przekazana` with the reason and the target, written together with the outbox marker of a
`ForwardedCase` event (see `transfers`). The receiver's worker copies the documents into the receiver's own
prefix and registers the case under the receiver's sign, once per source case, with its notice to the party.

The receiver's KPA clock starts on the day the case reached it (the forwarding day): art. 35 terms run from the
initiation of proceedings before the competent body (art. 61 § 3-3a), and the time the request spent with the
wrong office is not the competent body's. The party's filing date is kept (`filed_on`): a request filed in time
with the wrong office is filed in time (art. 65 § 2 KPA).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict, NotFound, Unprocessable
from chalicelib.core.observability import logger
from chalicelib.events.topics import ForwardedCase, ForwardedDocument
from chalicelib.model.service import DeadlineKind, ServiceDefinition
from chalicelib.model.tenant import TenantConfig, UnknownDepartment
from chalicelib.modules import catalogue
from chalicelib.modules.cases import lifecycle, notices
from chalicelib.modules.cases.deadlines import DEADLINE_LABEL, due_date
from chalicelib.modules.cases.models import Plan, StoredCase

GENERAL_SERVICE = "pismo-ogolne"  # the general letter: its department takes what has no department of its own
_IDS = uuid.UUID("6f0c3f52-5b0e-4d8c-9a43-2a7e3c1f9b10")
RECEIVED_TEXT = ("Sprawę przekazaną przez {office} (art. 65 § 1 KPA) zarejestrowano pod znakiem {sign}. Data złożenia "
                 "wniosku ({filed}) jest zachowana (art. 65 § 2 KPA).")


def forwarded_case_id(source_case_id: str) -> str:
    """The receiver's case id: one per source case, so every delivery of the event names the same case."""
    return uuid.uuid5(_IDS, f"forwarded\n{source_case_id}").hex


@dataclass(frozen=True)
class Target:
    """The receiving JST and where it registers the case."""

    terc: str
    office_name: str
    department: str
    department_name: str
    jrwa: str
    deadline_kind: DeadlineKind
    case_id: str


class Receivers(Protocol):
    def config(self, terc: str) -> TenantConfig | None: ...

    def definition(self, service: str) -> ServiceDefinition | None: ...


class PlatformReceivers:
    """The JSTs and the catalogue of the platform, through their modules' published interfaces."""

    def config(self, terc: str) -> TenantConfig | None:
        from chalicelib.modules import tenants

        try:
            return tenants.config(terc)
        except NotFound:
            return None

    def definition(self, service: str) -> ServiceDefinition | None:
        return catalogue.definitions().get(service)


def to_platform(to: lifecycle.State, *, to_terc: str | None, office: str | None) -> bool:
    """Whether a transition forwards the case to a JST of the platform; `to_terc` elsewhere, or with an office's
    name besides, is 422."""
    if to_terc is None:
        return False
    if to is not lifecycle.State.PRZEKAZANA or office is not None:
        raise Unprocessable(details=[{"field": "to_terc", "code": "to_terc_unexpected",
                                      "message": "Jednostkę docelową podaje się tylko przy przekazaniu, zamiast "
                                                 "nazwy organu (office)."}])
    return True


def target(receivers: Receivers, *, from_terc: str, to_terc: str, service: str, source_case_id: str) -> Target:
    """The receiver of a case of `service`, or 422 (not a JST of the platform, or the sender itself) / 409 (it has no
    department to register the case in)."""
    if to_terc == from_terc:
        raise Unprocessable("Sprawę przekazuje się innej jednostce niż własna.", code="target_is_sender",
                            details=[{"field": "to_terc", "code": "target_is_sender",
                                      "message": "Wskaż inną jednostkę niż własna."}])
    config = receivers.config(to_terc)
    if config is None:
        raise Unprocessable("Nie ma takiej jednostki na platformie e-Urząd.", code="target_not_found",
                            details=[{"field": "to_terc", "code": "target_not_found",
                                      "message": "Jednostki nie ma na platformie; organowi spoza niej przekaż "
                                                 "sprawę pismem (pole office)."}])
    own = receivers.definition(service)
    general = receivers.definition(GENERAL_SERVICE)
    # the case keeps its own JRWA class and deadline as the receiver classifies the service
    known = own or general
    offered = catalogue.entry(known, config) if known is not None else None
    for defn, must_be_offered in ((own, False), (general, True)):
        department = _department(config, defn, must_be_offered)
        if department is not None and offered is not None:
            return Target(terc=to_terc, office_name=config.office_name, department=department.symbol,
                          department_name=department.name, jrwa=offered.jrwa, deadline_kind=offered.deadline.kind,
                          case_id=forwarded_case_id(source_case_id))
    raise Conflict(f"{config.office_name} nie ma na platformie komórki, w której można zarejestrować tę sprawę "
                   "(ani właściwej dla usługi, ani ogólnej); przekaż ją pismem.", code="target_cannot_register",
                   details=[{"field": "to_terc", "code": "target_cannot_register",
                             "message": "Jednostka nie może zarejestrować tej sprawy."}])


def _department(config: TenantConfig, defn: ServiceDefinition | None, must_be_offered: bool) -> Any:
    if defn is None:
        return None
    setting = config.setting(defn.id)
    if must_be_offered and (setting is None or not setting.enabled):
        return None
    try:
        return config.department(catalogue.entry(defn, config).department)
    except UnknownDepartment:
        return None


class Filings(Protocol):
    """The submissions module's published interface, as far as forwarding reads it."""

    def filed_with(self, terc: str, submission_id: str) -> Any: ...


def documents_of(record: dict[str, Any], filings: Filings) -> list[ForwardedDocument]:
    """The case's files: a forwarded case's own copies, else its submission's document, UPP and attachments."""
    if "documents" in record:
        return [ForwardedDocument.model_validate(d) for d in record["documents"]]
    filed = filings.filed_with(record["terc"], record["submission_id"])
    if filed is None:
        return []
    found = filed.submission.record
    files = [("document", "document", found.document), ("upp", "upp", found.upp),
             *((a.attachment_id, "attachment", a) for a in found.attachments)]
    return [ForwardedDocument(name=name, kind=kind, key=f.key, version_id=f.version_id, sha256=f.sha256, size=f.size,
                              content_type=f.content_type, filename=f.filename) for name, kind, f in files]


class Forwarding:
    """One forwarding by the sender's clerk: the change of the case (`apply`) and the event it sends (`message`)."""

    def __init__(self, *, to_terc: str, reason: str, actor: lifecycle.Actor, at: datetime, receivers: Receivers,
                 filings: Filings) -> None:
        self.to_terc, self.reason, self.actor, self.at = to_terc, reason, actor, at
        self.receivers, self.filings = receivers, filings
        self.target: Target | None = None

    def apply(self, record: dict[str, Any], life: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        state = lifecycle.State(record["status"])
        if lifecycle.State.PRZEKAZANA not in lifecycle.TRANSITIONS[state]:  # refused (409) before any lookup
            return lifecycle.transition(record, life, self._move(None), actor=self.actor, at=self.at)
        lifecycle.may_act(record, self.actor)  # and 403 before any lookup
        self.target = target(self.receivers, from_terc=record["terc"], to_terc=self.to_terc,
                             service=record["service"], source_case_id=record["case_id"])
        return lifecycle.transition(record, life, self._move(self.target), actor=self.actor, at=self.at)

    def _move(self, to: Target | None) -> lifecycle.Move:
        forward_to = {"terc": to.terc, "office": to.office_name, "case_id": to.case_id} if to else None
        return lifecycle.Move(to=lifecycle.State.PRZEKAZANA, reason=self.reason, forward_to=forward_to)

    def message(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any]) -> ForwardedCase | None:
        if self.target is None:
            return None
        t, r = self.target, stored.record
        return ForwardedCase(
            terc=t.terc, case_id=t.case_id, department=t.department, department_name=t.department_name, jrwa=t.jrwa,
            deadline_kind=t.deadline_kind, office_name=t.office_name, from_terc=r["terc"],
            from_office=r.get("office_name") or self.from_office(r["terc"]), source_case_id=r["case_id"],
            source_sign=r["case_sign"], forwarded_at=self.at, reason=self.reason, service=r["service"],
            service_name=r["service_name"], submission_id=r["submission_id"], owner=r["owner"],
            filed_on=r.get("filed_on") or r["started_on"], applicant=r.get("applicant"), email=stored.email,
            flags=r.get("flags") or [], signed=bool(r.get("signed")), documents=documents_of(r, self.filings),
            edelivery_address=r.get("edelivery_address"))

    def from_office(self, terc: str) -> str:
        config = self.receivers.config(terc)
        return config.office_name if config else terc


# --- the receiver's side ---------------------------------------------------------------------------------------

def plan_of(message: ForwardedCase) -> Plan:
    """Where the receiver registers it; its KPA clock from the day the case reached it (the forwarding day)."""
    started = message.forwarded_at.astimezone(WARSAW).date()
    return Plan(terc=message.terc, department=message.department, department_name=message.department_name,
                jrwa=message.jrwa, year=started.year, deadline_kind=message.deadline_kind, started_on=started,
                due_date=due_date(message.deadline_kind, started))


def documents_key(message: ForwardedCase, document: ForwardedDocument) -> str:
    """The receiver's copy, under its own prefix (one key per file of the case: a redelivery overwrites it)."""
    return f"cases/{message.terc}/{message.case_id}/{document.name}"


def received(message: ForwardedCase, plan: Plan, *, sign: str, number: int, at: datetime,
             documents: list[ForwardedDocument]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The receiver's case (its record and life): its own sign, where it came from, the party's filing date kept."""
    record = {
        "case_id": message.case_id, "case_sign": sign, "terc": plan.terc, "department": plan.department,
        "department_name": plan.department_name,
        "jrwa": plan.jrwa, "year": plan.year, "number": number, "status": lifecycle.State.ZAREJESTROWANA.value,
        "service": message.service, "service_name": message.service_name, "applicant": message.applicant,
        "submission_id": message.submission_id, "owner": message.owner, "registered_at": at.isoformat(),
        "started_on": plan.started_on.isoformat(), "filed_on": message.filed_on, "office_name": message.office_name,
        "deadline_kind": plan.deadline_kind.value, "deadline": DEADLINE_LABEL[plan.deadline_kind],
        "due_date": plan.due_date.isoformat() if plan.due_date else None, "flags": message.flags,
        "signed": message.signed,
        "forwarded_from": {"terc": message.from_terc, "office": message.from_office, "case_sign": message.source_sign,
                           "case_id": message.source_case_id, "forwarded_at": message.forwarded_at.isoformat(),
                           "reason": message.reason},
        "documents": [d.model_dump() for d in documents],
        **({"edelivery_address": message.edelivery_address} if message.edelivery_address else {}),
    }
    life = lifecycle.new_life()
    filed = f"{datetime.fromisoformat(message.filed_on):%d.%m.%Y} r."
    life["history"].append({
        "kind": "forwarded_in", "at": at.isoformat(), "by": "system", "by_name": None, "reason": message.reason,
        "from": None, "to": lifecycle.State.ZAREJESTROWANA.value, "inform_party": True,
        "resident_text": RECEIVED_TEXT.format(office=message.from_office, sign=sign, filed=filed)})
    return record, life


class Objects(Protocol):
    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str, *,
             src_version: str | None = None) -> str | None: ...

    def presigned_get(self, bucket: str, key: str, *, version_id: str | None, filename: str, content_type: str,
                      expires: int) -> str: ...


DOWNLOAD_SECONDS = 5 * 60


def link(objects: Objects, record: dict[str, Any], name: str, *, now: datetime) -> dict[str, Any]:
    """A short-lived link to one file of a forwarded case: the receiver's own copy (404 for any other name)."""
    found = next((d for d in record.get("documents", []) if d["name"] == name), None)
    if found is None:
        raise NotFound("Sprawa nie ma takiego dokumentu.", code="document_not_found")
    url = objects.presigned_get("documents", found["key"], version_id=found["version_id"],
                                filename=found["filename"], content_type=found["content_type"],
                                expires=DOWNLOAD_SECONDS)
    return {"url": url, "expires_at": (now + timedelta(seconds=DOWNLOAD_SECONDS)).isoformat(),
            "filename": found["filename"], "sha256": found["sha256"], "size": found["size"]}


class ForwardStore(notices.NoticeStore, Protocol):
    def registered_sign(self, source_case_id: str) -> str | None: ...

    def register(self, plan: Plan, message: ForwardedCase, build: Any, *, at: datetime) -> StoredCase | None: ...


def receive(message: ForwardedCase, *, store: ForwardStore, objects: Objects, mailer: notices.Mailer,
            now: datetime) -> str | None:
    """Register the forwarded case in the receiving JST, once however often the event comes; its sign if registered
    now. The files are copied first (a copy made again by a redelivery overwrites the same keys), so the case
    never exists without them; then the party's notice (marked with the case: the cases' sweeper sends it if this
    sending fails)."""
    if store.registered_sign(message.source_case_id) is not None:
        return None
    copies = [d.model_copy(update={"key": documents_key(message, d), "version_id": objects.copy(
        "documents", d.key, "documents", documents_key(message, d), src_version=d.version_id)})
        for d in message.documents]
    plan = plan_of(message)
    stored = store.register(plan, message, lambda number, sign: received(
        message, plan, sign=sign, number=number, at=now, documents=copies), at=now)
    if stored is None:
        return None
    try:
        notices.deliver(store, mailer, stored)
    except Exception:  # the marker stays: the sweeper sends it
        logger.exception("forwarded case's notice not sent now; left to the sweeper",
                         extra={"case_id": message.case_id})
    return str(stored.record["case_sign"])
