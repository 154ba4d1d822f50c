"""The clerk's work on a case: open it, move it, assign it, note on it; each change written at the version read.

No Chalice, no boto3. A change reads the case, applies the pure rules (`lifecycle`) and writes it on condition
that nobody changed it since: of two clerks acting at once one wins and the other gets 409 `version_conflict`
(so does a request whose `If-Match` names an older version), and nothing of the loser is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.core import metering
from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.core.observability import logger
from chalicelib.model import jrwa as wykaz
from chalicelib.modules.cases import fee, kpa_clock, lifecycle, notices, supplements
from chalicelib.modules.cases.models import StoredCase

if TYPE_CHECKING:
    from chalicelib.events.topics import ForwardedCase

Change = Callable[[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]
# The event a change sends to another module (a forwarding's), from the case as read and as changed.
Outgoing = Callable[[StoredCase, dict[str, Any], dict[str, Any]], "ForwardedCase | None"]


class CaseFiles(Protocol):
    def find(self, terc: str | None, case_id: str) -> StoredCase | None: ...

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *,
             notify_at: datetime | None = None, outgoing: ForwardedCase | None = None) -> int | None: ...

    def mark_notified(self, stored: StoredCase, upto: int) -> None: ...


def open_case(store: CaseFiles, terc: str, case_id: str, *, clerk_department: str | None) -> StoredCase:
    """The case, if the clerk's department handles it (a clerk without a department, the kancelaria, sees all)."""
    stored = store.find(terc, case_id)
    if stored is None:
        raise NotFound("Nie ma takiej sprawy w tej jednostce.", code="case_not_found")
    if clerk_department and stored.record.get("department") != clerk_department:
        raise Forbidden("Sprawę prowadzi inna komórka.", code="department_forbidden")
    metering.attribute(tenant=terc, service=stored.record.get("service"))
    return stored


def view(stored: StoredCase, *, version: int | None = None) -> dict[str, Any]:
    """The case for its clerks: registration facts, state, clock, history, summonses and internal notes."""
    record, life = stored.record, stored.life
    state = lifecycle.State(record["status"])
    return {"case": record, "version": stored.version if version is None else version,
            "state_label": lifecycle.STATES[state].label, "allowed": [s.value for s in lifecycle.allowed(state)],
            "clock": kpa_clock.view(record, life), "archive": archive(record), "history": life["history"],
            "summonses": life["summonses"], "notes": life["notes"],
            "supplements": supplements.for_clerk(life, record.get("terc", "")), "fee": fee.view(record)}


def archive(record: dict[str, Any]) -> dict[str, Any]:
    """The case's file in the archive: its JRWA class and category, and once closed, when its documents may go."""
    category = record.get("archival_category") or wykaz.category_of(str(record.get("jrwa", "")))
    found = wykaz.final_class(str(record.get("jrwa", "")))
    return {"jrwa": record.get("jrwa"), "jrwa_title": found.title if found else None,
            "archival_category": category, "expert_review": bool(category) and wykaz.expert_review(category or ""),
            "closed_on": record.get("closed_on"), "archive_date": record.get("archive_date"),
            "disposed_on": record.get("disposed_on")}


def change(store: CaseFiles, terc: str, case_id: str, *, clerk_department: str | None, expected_version: int | None,
           apply: Change, now: datetime, mailer: notices.Mailer, outgoing: Outgoing | None = None,
           publish: Callable[[ForwardedCase], object] | None = None) -> dict[str, Any]:
    """Apply one change to the case as read now; 409 if it moved on since `expected_version` or meanwhile.

    A change the party is to be told of is written with its outbox marker, then mailed (see `notices`). A change
    that sends an event (`outgoing`) writes the event's marker with it, then publishes it (the sweep resends it).
    """
    stored = open_case(store, terc, case_id, clerk_department=clerk_department)
    if expected_version is not None and expected_version != stored.version:
        raise _stale()
    record, life = apply(stored.record, stored.life)
    told = bool(stored.email) and any(e["inform_party"] for e in life["history"][len(stored.life["history"]):])
    event = outgoing(stored, record, life) if outgoing else None
    extra = {"outgoing": event} if event is not None else {}
    version = store.save(stored, record, life, notify_at=now if told else None, **extra)
    if version is None:
        raise _stale()
    if event is not None and publish is not None:
        publish(event)
    after = StoredCase(pk=stored.pk, sk=stored.sk, record=record, life=life, version=version, email=stored.email,
                       notified=stored.notified)
    if told:
        try:
            notices.deliver(store, mailer, after)
        except Exception:  # the marker stays: the sweeper sends it
            logger.exception("case notice not sent now; left to the sweeper", extra={"case_id": case_id})
    return view(after)


def _stale() -> Conflict:
    return Conflict("Sprawa została w międzyczasie zmieniona przez kogoś innego; odśwież ją i spróbuj ponownie.",
                    code="version_conflict")


def transition(move: lifecycle.Move, *, actor: lifecycle.Actor, at: datetime) -> Change:
    return lambda record, life: lifecycle.transition(record, life, move, actor=actor, at=at)


def assignment(clerk: str | None, *, actor: lifecycle.Actor, at: datetime) -> Change:
    return lambda record, life: lifecycle.assign(record, life, clerk=clerk, actor=actor, at=at)


def note(text: str, *, actor: lifecycle.Actor, at: datetime) -> Change:
    return lambda record, life: (record, lifecycle.add_note(life, text, actor=actor, at=at))
