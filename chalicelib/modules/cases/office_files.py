"""Files the office adds to a case: attachments, and the settling document (decision, certificate, letter).

No Chalice, no boto3. A file is uploaded as a paper case's scan is and checked the same way (`paper_store`); here
it joins the case's `files` with a history entry (kind `file`) that the party sees only if the file is shared
with them (`for_party`). Internal files never reach the party's view nor their downloads.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.core.errors import Conflict, NotFound
from chalicelib.modules.cases import lifecycle
from chalicelib.modules.cases.lifecycle import TRANSITIONS, Actor, State, may_act

if TYPE_CHECKING:
    from chalicelib.modules.cases.paper import Scan

KINDS = {"zalacznik": "załącznik", "rozstrzygniecie": "rozstrzygnięcie"}
SHOWN = ("id", "title", "kind", "filename", "content_type", "size", "sha256", "added_at")


def may_add(record: dict[str, Any], actor: Actor) -> None:
    """403 unless the case's assignee or the department head; 409 `case_closed` on a closed case."""
    if not TRANSITIONS[State(record["status"])]:
        raise Conflict("Sprawa jest zamknięta; nie można dodać do niej pliku.", code="case_closed")
    may_act(record, actor)


def add(record: dict[str, Any], life: dict[str, Any], scan: Scan, *, file_id: str, title: str, kind: str,
        for_party: bool, actor: Actor, at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    may_add(record, actor)
    record, life = copy.deepcopy(record), copy.deepcopy(life)
    file = {"id": file_id, "title": title, "kind": kind, "filename": scan.filename, "content_type": scan.content_type,
            "size": scan.size, "sha256": scan.sha256, "version_id": scan.version_id, "added_at": at.isoformat(),
            "by": actor.subject, "for_party": for_party}
    record["files"] = [*record.get("files", []), file]
    status = record["status"]
    life["history"].append({
        "kind": "file", "at": at.isoformat(), "by": actor.subject, "by_name": actor.name,
        "reason": f"Dodano plik ({KINDS[kind]}): {title}", "from": status, "to": status, "inform_party": for_party,
        "resident_text": f"Urząd udostępnił Ci dokument: {title}." if for_party else None,
        "file": {"id": file_id, "title": title, "kind": kind, "sha256": scan.sha256, "for_party": for_party}})
    return record, life


def file_of(record: dict[str, Any], file_id: str, *, party: bool = False) -> dict[str, Any]:
    """One of the case's files (for its party: only a shared one); 404 `file_not_found` otherwise."""
    found: dict[str, Any] | None = next((f for f in record.get("files", []) if f["id"] == file_id), None)
    if found is None or (party and not found["for_party"]):
        raise NotFound("Sprawa nie ma takiego pliku.", code="file_not_found")
    return found


def settling(record: dict[str, Any], file_id: str) -> dict[str, Any]:
    """The settling document named by `załatwiona`: a file of kind `rozstrzygniecie` shared with the party (the
    decision is issued to them); 409 `document_file_invalid` otherwise."""
    found: dict[str, Any] | None = next((f for f in record.get("files", []) if f["id"] == file_id), None)
    if found is None or found["kind"] != "rozstrzygniecie" or not found["for_party"]:
        raise Conflict("Wskazany plik nie jest rozstrzygnięciem udostępnionym stronie.", code="document_file_invalid",
                       details=[{"field": "document_file", "code": "invalid",
                                 "message": "Dodaj plik rodzaju „rozstrzygnięcie” udostępniony stronie i wskaż go."}])
    return {"id": found["id"], "title": found["title"]}


def settle(move: lifecycle.Move, file_id: str, *, actor: Actor,
           at: datetime) -> Callable[[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]:
    """`załatwiona` naming its document by an attached file, checked against the case as read."""
    def apply(record: dict[str, Any], life: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        named = replace(move, document_file=settling(record, file_id)) if move.to is State.ZALATWIONA else move
        return lifecycle.transition(record, life, named, actor=actor, at=at)

    return apply


def for_party(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The files shared with the party, with where their owner downloads them."""
    return [{**{k: f[k] for k in SHOWN}, "download": f"/v1/me/cases/{record['case_id']}/files/{f['id']}"}
            for f in record.get("files", []) if f["for_party"]]
