"""Overdue cases (art. 36-37 KPA): the daily sweep that tells the party and flags the case for its clerks, and
the new date a clerk names.

Pure, over ports. A case is overdue when its due date has passed while its clock runs (not stopped by a summons
or a suspension, not ended; a case to be settled "niezwłocznie" has no date). The sweep gives the art. 36
notice once per due date: it records `overdue_notice_for` (the date noticed) on the case with a history entry
the party is told of, so a second sweep finds nothing to do, and only a new date that passes again is noticed
again. The clerks see the flag on the inbox row (`overdue`) and filter by it (`?overdue=1`); the tenant's
configuration names no address per department, so no e-mail goes to the office.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import ApiError, Conflict, NotFound, Unprocessable
from chalicelib.core.observability import logger
from chalicelib.modules.cases import handling, kpa_clock, lifecycle, notices
from chalicelib.modules.cases.deadlines import is_working_day

SWEEPER = "e-urzad"  # who the sweep's history entry names
PONAGLENIE = ("Masz prawo wnieść ponaglenie (art. 37 § 1 KPA) do organu wyższego stopnia, za pośrednictwem "
              "urzędu prowadzącego sprawę (art. 37 § 3 KPA).")
OVERDUE_TEXT = ("Sprawa nie została załatwiona w terminie. Urząd zawiadomi Cię o przyczynie zwłoki i wskaże nowy "
                "termin załatwienia sprawy (art. 36 § 1 KPA). " + PONAGLENIE)
EXTENSION_BASIS = "art. 36 § 1 KPA"


def today_of(now: datetime) -> date:
    return now.astimezone(WARSAW).date()


def is_overdue(record: dict[str, Any], today: date) -> bool:
    """The due date has passed and the clock runs (not stopped, not ended, not "niezwłocznie")."""
    status, due = record.get("status"), record.get("due_date")
    if not due or status in kpa_clock.ENDED or status in kpa_clock.STOPPING:
        return False
    return date.fromisoformat(due) < today


def needs_notice(record: dict[str, Any], today: date) -> bool:
    """Overdue, and the party not yet told of this due date."""
    return is_overdue(record, today) and record.get("overdue_notice_for") != record["due_date"]


class NothingToDo(Exception):
    """The case, as read now, needs no notice (someone settled it or named a new date meanwhile)."""


def mark_overdue(record: dict[str, Any], life: dict[str, Any], *, at: datetime) -> tuple[dict[str, Any],
                                                                                          dict[str, Any]]:
    """The case flagged overdue for its due date, with the history entry the party is told of (art. 36)."""
    if not needs_notice(record, today_of(at)):
        raise NothingToDo
    record, life = copy.deepcopy(record), copy.deepcopy(life)
    due = record["due_date"]
    record["overdue_notice_for"] = due
    status = record["status"]
    life["history"].append({"kind": "overdue", "at": at.isoformat(), "by": SWEEPER, "by_name": None,
                            "reason": f"Termin załatwienia sprawy upłynął {due}.", "from": status, "to": status,
                            "inform_party": True, "resident_text": OVERDUE_TEXT, "overdue_since": due})
    return record, life


def set_due_date(record: dict[str, Any], life: dict[str, Any], *, due: date, reason: str, actor: lifecycle.Actor,
                 at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The new date a clerk names with the reason of the delay (art. 36 § 1); the party is told both and of the
    ponaglenie. 422 for a date not in the future, not after the current one or not a working day."""
    if record["status"] in kpa_clock.ENDED:
        raise Conflict("Sprawa jest zamknięta; nie można wyznaczyć nowego terminu.", code="case_closed")
    lifecycle.may_act(record, actor)
    today = today_of(at)
    current = record.get("due_date")
    problems = []
    if due <= today:
        problems.append(("not_future", "Nowy termin musi przypadać w przyszłości."))
    elif current and due <= date.fromisoformat(current):
        problems.append(("not_later", f"Nowy termin musi przypadać po obecnym ({current})."))
    if not is_working_day(due):
        problems.append(("not_working_day", "Nowy termin musi przypadać w dzień roboczy (art. 57 § 4 KPA)."))
    if problems:
        raise Unprocessable(details=[{"field": "due_date", "code": c, "message": m} for c, m in problems])
    record, life = copy.deepcopy(record), copy.deepcopy(life)
    life.setdefault("extensions", []).append({
        "due_date": due.isoformat(), "reason": reason, "set_on": today.isoformat(), "by": actor.subject,
        "previous_due_date": current, "paused_days_at": kpa_clock.paused_days(life), "basis": EXTENSION_BASIS})
    record["due_date"] = kpa_clock.current_due(record, life)
    status = record["status"]
    text = (f"Sprawa nie zostanie załatwiona w terminie. Przyczyna zwłoki: {reason} Nowy termin załatwienia "
            f"sprawy: {due:%d.%m.%Y} r. ({EXTENSION_BASIS}). " + PONAGLENIE)
    life["history"].append({"kind": "deadline", "at": at.isoformat(), "by": actor.subject, "by_name": actor.name,
                            "reason": reason, "from": status, "to": status, "inform_party": True,
                            "resident_text": text, "due_date": record["due_date"], "basis": EXTENSION_BASIS})
    return record, life


# --- the daily sweep ---------------------------------------------------------------------------------------

class OverdueCases(handling.CaseFiles, Protocol):
    def past_due(self, terc: str, department: str, *, before: date) -> Iterator[dict[str, Any]]:
        """The department's cases whose due date is before `before`, read on the due-date index (no scan)."""


@dataclass
class SweepResult:
    read: int = 0  # past-due cases the index gave
    noticed: int = 0  # cases given the art. 36 notice now


def sweep(store: OverdueCases, mailer: notices.Mailer, *, terc: str, departments: Iterable[str],
          now: datetime) -> SweepResult:
    """Give the art. 36 notice for every overdue case of the JST's departments not yet noticed for its date."""
    today, result = today_of(now), SweepResult()
    for department in departments:
        for record in store.past_due(terc, department, before=today):
            result.read += 1
            if needs_notice(record, today) and _notice(store, mailer, terc, record["case_id"], now):
                result.noticed += 1
    return result


def _notice(store: OverdueCases, mailer: notices.Mailer, terc: str, case_id: str, now: datetime) -> bool:
    """One case flagged and its party mailed, as read now; False if it changed meanwhile (the next sweep looks)."""
    try:
        handling.change(store, terc, case_id, clerk_department=None, expected_version=None,
                        apply=lambda record, life: mark_overdue(record, life, at=now), now=now, mailer=mailer)
    except (NothingToDo, NotFound):
        return False
    except ApiError as exc:  # version_conflict: a clerk changed it this very moment
        logger.info("overdue case changed while noticed", extra={"case_id": case_id, "code": exc.code})
        return False
    return True
