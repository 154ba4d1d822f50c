"""The case register (ESP): every accepted submission becomes a case with its sign in the JST's inbox.

What other modules may use of it (the letters module issues the office's letters through it):
- `case_for_clerk(terc, case_id, department=)`: the case's record, as the clerk's routes open it (404
  `case_not_found`, 403 `department_forbidden`);
- `OfficeFile`, `Clerk`, `add_office_files(terc, case_id, files, clerk=, at=)`: files the office adds to the case
  (stored under the case, listed in `case.files`, the party told of the shared ones, audited `case.file`), by
  the case's assignee or the department head; a file whose id the case already lists is not added again.

What the delivery module uses of it (the office's letters reaching the party):
- `case_for_party(case_id, owner=)`: the party's own case record (404 `case_not_found` for anyone else's);
- `party_email(terc, case_id)`: where the party is told of changes, if they gave an address;
- `read_office_file(terc, case_id, file_id)`: the bytes of exactly the stored version of one of the case's files;
- `log_events(terc, case_id, [(reason, details)], at=)`: staff history entries (kind `delivery`) by the platform,
  in one change;
- `next_working_day(day)`: the day itself or the next one that is not a Saturday or a day off (art. 57 § 4).

What the appointments module uses of it: `is_public_holiday(day)`, the same calendar of days off (the office
takes no visits then).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.core import metering
from chalicelib.modules.cases import wiring as _wiring  # its heavy parts load on first use

__all__ = ["Clerk", "OfficeFile", "add_office_files", "case_for_clerk", "case_for_party", "is_public_holiday",
           "log_events", "next_working_day", "party_email", "read_office_file"]
SYSTEM = "system:e-doreczenia"


@dataclass(frozen=True)
class Clerk:
    subject: str
    name: str | None
    department: str | None
    head: bool = False


@dataclass(frozen=True)
class OfficeFile:
    file_id: str  # 32 hex
    title: str
    kind: str  # zalacznik, rozstrzygniecie
    filename: str
    content_type: str
    body: bytes
    for_party: bool


def case_for_clerk(terc: str, case_id: str, *, department: str | None) -> dict[str, Any]:
    return _wiring.handling.open_case(_wiring.cases(), terc, case_id, clerk_department=department).record


def add_office_files(terc: str, case_id: str, files: Sequence[OfficeFile], *, clerk: Clerk,
                     at: datetime) -> dict[str, Any]:
    """The case's record after adding `files` in one change (403 `not_assignee`, 409 `case_closed`,
    `version_conflict`); nothing is stored for a clerk who may not add them."""
    import hashlib

    from chalicelib.integrations.clients import mailer, objects

    handling, office_files, paper, paper_store = (_wiring.handling, _wiring.office_files, _wiring.paper,
                                                  _wiring.paper_store)
    stored = handling.open_case(_wiring.cases(), terc, case_id, clerk_department=clerk.department)
    listed = {f["id"] for f in stored.record.get("files", [])}
    new = [f for f in files if f.file_id not in listed]
    if not new:
        return stored.record
    actor = _wiring.lifecycle.Actor(subject=clerk.subject, name=clerk.name, head=clerk.head)
    office_files.may_add(stored.record, actor)
    scans = [paper.Scan(scan_id=f.file_id, filename=f.filename, content_type=f.content_type, size=len(f.body),
                        sha256=hashlib.sha256(f.body).hexdigest(),
                        version_id=objects().put("documents", paper_store.stored_file_key(terc, case_id, f.file_id),
                                                 f.body, f.content_type))
             for f in new]

    def apply(record: dict[str, Any], life: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        for file, scan in zip(new, scans, strict=True):
            record, life = office_files.add(record, life, scan, file_id=file.file_id, title=file.title,
                                            kind=file.kind, for_party=file.for_party, actor=actor, at=at)
        return record, life

    view = handling.change(_wiring.cases(), terc, case_id, clerk_department=clerk.department,
                           expected_version=stored.version, apply=apply, now=at, mailer=mailer())
    record: dict[str, Any] = view["case"]
    return record


def case_for_party(case_id: str, *, owner: str) -> dict[str, Any]:
    stored = _wiring.cases().find(None, case_id)
    if stored is None or stored.record.get("owner") != owner:
        from chalicelib.core.errors import NotFound

        raise NotFound("Nie ma takiej sprawy wśród Twoich spraw.", code="case_not_found")
    metering.attribute(tenant=stored.record.get("terc"), service=stored.record.get("service"))
    return stored.record


def party_email(terc: str, case_id: str) -> str | None:
    stored = _wiring.cases().find(terc, case_id)
    return stored.email if stored else None


def read_office_file(terc: str, case_id: str, file_id: str) -> bytes:
    from chalicelib.integrations.clients import objects

    stored = _wiring.handling.open_case(_wiring.cases(), terc, case_id, clerk_department=None)
    file = _wiring.office_files.file_of(stored.record, file_id)
    key = _wiring.paper_store.stored_file_key(terc, case_id, file_id)
    return objects().get("documents", key, max_bytes=50 * 1024 * 1024, version_id=file.get("version_id")).body


def log_events(terc: str, case_id: str, entries: Sequence[tuple[str, dict[str, Any]]], *, at: datetime) -> None:
    """Append staff history entries (kind `delivery`, by the platform) in one change; retried on a concurrent one."""
    from chalicelib.core.errors import Conflict
    from chalicelib.integrations.clients import mailer

    def apply(record: dict[str, Any], life: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        status = record["status"]
        added = [{"kind": "delivery", "at": at.isoformat(), "by": SYSTEM, "by_name": "e-Doręczenia",
                  "reason": reason, "from": status, "to": status, "inform_party": False, "resident_text": None,
                  "delivery": details} for reason, details in entries]
        return record, {**life, "history": [*life["history"], *added]}

    for attempt in range(3):
        try:
            _wiring.handling.change(_wiring.cases(), terc, case_id, clerk_department=None, expected_version=None,
                                    apply=apply, now=at, mailer=mailer())
            return
        except Conflict:
            if attempt == 2:
                raise


def next_working_day(day: date) -> date:
    from chalicelib.modules.cases import deadlines

    return deadlines.next_working_day(day)


def is_public_holiday(day: date) -> bool:
    from chalicelib.modules.cases import deadlines

    return deadlines.is_public_holiday(day)
