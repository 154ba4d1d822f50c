"""What a case's changes and its documents' reads leave in the JST's audit trail (the audit module's chain).

No Chalice, no boto3. A change is told by what it added to the case: each new history entry is one audit entry
(`case.transition`, `case.assigned`, or `case.<kind>` for a kind added later), each new internal note one
`case.note` (the note's SHA-256, not its text: notes are for the case's clerks, the trail for the JST's
administrators too); a change that adds neither (a new date set, ...) is still one `case.changed` with the version, so
no write to a case goes unrecorded.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from chalicelib.core.observability import correlation_id
from chalicelib.modules import audit

ACTIONS = {"transition": "case.transition", "assignment": "case.assigned"}
_NOT_DETAILS = {"kind", "at", "by", "by_name", "resident_text", "inform_party"}


def registered(record: dict[str, Any], *, actor: audit.Actor, at: datetime) -> audit.Change:
    """A case put in the register: by the clerk who registered it (a paper case), else by `actor`."""
    details = {k: record.get(k) for k in ("status", "department", "service", "submission_id", "due_date", "owner",
                                          "channel", "forwarded_from")}
    by = audit.Actor(record["registered_by"]) if record.get("registered_by") else actor
    return audit.Change("case.registered", by, audit.stamp(at), case_id=record.get("case_id"),
                        case_sign=record.get("case_sign"), details={k: v for k, v in details.items() if v is not None},
                        correlation_id=correlation_id())


def changed(before: dict[str, Any], record: dict[str, Any], life: dict[str, Any], *, version: int,
            at: datetime) -> list[audit.Change]:
    """The audit entries of one write of a case: `before` is its life as read, `record` and `life` as written."""
    case = {"case_id": record.get("case_id"), "case_sign": record.get("case_sign")}
    where = correlation_id()
    entries = []
    for entry in life.get("history", [])[len(before.get("history", [])):]:
        kind = str(entry.get("kind"))
        details = {k: v for k, v in entry.items() if k not in _NOT_DETAILS} | {"version": version}
        entries.append(audit.Change(ACTIONS.get(kind, f"case.{kind}"), _actor(entry), audit.stamp(at),
                                    details=details, correlation_id=where, **case))
    for note in life.get("notes", [])[len(before.get("notes", [])):]:
        text = str(note.get("text") or "").encode("utf-8")
        details = {"text_sha256": hashlib.sha256(text).hexdigest(), "version": version}
        entries.append(audit.Change("case.note", _actor(note), audit.stamp(at), details=details,
                                    correlation_id=where, **case))
    if not entries:
        entries.append(audit.Change("case.changed", audit.SYSTEM, audit.stamp(at), correlation_id=where,
                                    details={"status": record.get("status"), "due_date": record.get("due_date"),
                                             "version": version}, **case))
    return entries


def document_read(terc: str, submission_id: str, case_sign: str | None, what: str, attachment_id: str | None, *,
                  actor: audit.Actor, at: datetime) -> audit.Change:
    """A member of staff took a link to a submission's document, UPP or attachment (the case's id is the
    submission's)."""
    details = {"terc": terc, "submission_id": submission_id, "document": what}
    if attachment_id is not None:
        details["attachment_id"] = attachment_id
    return audit.Change("document.read", actor, audit.stamp(at), case_id=submission_id, case_sign=case_sign,
                        details=details, correlation_id=correlation_id())


def case_file_read(record: dict[str, Any], document: str, *, actor: audit.Actor, at: datetime) -> audit.Change:
    """A member of staff took a link to a case's own file: a forwarded case's copy, a paper case's scan."""
    return audit.Change("document.read", actor, audit.stamp(at), case_id=record["case_id"],
                        case_sign=record.get("case_sign"), details={"terc": record["terc"], "document": document},
                        correlation_id=correlation_id())


def _actor(entry: dict[str, Any]) -> audit.Actor:
    return audit.Actor(str(entry.get("by") or audit.SYSTEM.subject), entry.get("by_name"))
