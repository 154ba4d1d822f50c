"""The KPA clock of a case: the due date recomputed on every pause and resume (art. 35 § 5 KPA).

Pure. A pause opens when the case enters a state that stops the clock (a summons to supply what is missing,
art. 64 § 2; a suspension, art. 97-98) and closes on the day it leaves it; its calendar days are added to the
due date computed from the date of receipt (`deadlines.due_date(..., paused_days=)`), then art. 57 § 4 applies.
Once the office names a new date for an overdue case (art. 36 § 1, `life["extensions"]`), that date is the base
and only the pauses closed after it are added to it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.deadlines import due_date, next_working_day

# lifecycle.State values whose time does not count: a case awaiting its fee waits for the party (art. 35 § 5)
STOPPING = frozenset({"oczekuje_na_oplate", "wezwanie", "zawieszona"})
ENDED = frozenset({"zalatwiona", "zakonczona", "umorzona", "przekazana", "pozostawiona_bez_rozpoznania"})
PAUSE_BASIS = {
    "oczekuje_na_oplate": "art. 35 § 5 KPA: opóźnienie z przyczyn leżących po stronie strony (nieuiszczona opłata, "
                          "art. 261 § 1 KPA) nie wlicza się do terminu",
    "wezwanie": "art. 35 § 5 KPA: czas na uzupełnienie braków (art. 64 § 2 KPA) nie wlicza się do terminu",
    "zawieszona": "art. 35 § 5 KPA: okres zawieszenia postępowania (art. 97-98 KPA) nie wlicza się do terminu",
}


def on_transition(life: dict[str, Any], *, leaving: str, entering: str, on: date, stops: bool) -> None:
    """Close the open pause when the case leaves a stopping state; open one when it enters one (in place)."""
    if leaving in STOPPING and life["pauses"] and life["pauses"][-1]["to"] is None:
        pause = life["pauses"][-1]
        pause["to"] = on.isoformat()
        pause["days"] = max(0, (on - date.fromisoformat(pause["from"])).days)
    if stops:
        life["pauses"].append({"state": entering, "from": on.isoformat(), "to": None, "days": None,
                               "basis": PAUSE_BASIS[entering]})


def waiting_for_fee(started_on: date) -> dict[str, Any]:
    """The life of a case registered with its fee unpaid: its clock stopped from the day it was filed."""
    return {"history": [], "pauses": [{"state": "oczekuje_na_oplate", "from": started_on.isoformat(), "to": None,
                                       "days": None, "basis": PAUSE_BASIS["oczekuje_na_oplate"]}],
            "summonses": [], "notes": []}


def paused_days(life: dict[str, Any]) -> int:
    """Calendar days of the closed pauses."""
    return sum(p["days"] for p in life["pauses"] if p["days"] is not None)


def current_due(record: dict[str, Any], life: dict[str, Any]) -> str | None:
    """The due date (ISO) with every closed pause added; None for a case to be settled without delay."""
    extensions = life.get("extensions")
    if extensions:  # the new date named under art. 36 § 1, moved by the pauses closed since
        last = extensions[-1]
        later = paused_days(life) - last["paused_days_at"]
        return next_working_day(date.fromisoformat(last["due_date"]) + timedelta(days=later)).isoformat()
    due = due_date(DeadlineKind(record["deadline_kind"]), date.fromisoformat(record["started_on"]),
                   paused_days=paused_days(life))
    return due.isoformat() if due else None


def view(record: dict[str, Any], life: dict[str, Any]) -> dict[str, Any]:
    """The clock as the clerk and the resident see it: running or stopped since when, the due date, the pauses."""
    pauses = life["pauses"]
    open_pause = pauses[-1] if pauses and pauses[-1]["to"] is None else None
    original = due_date(DeadlineKind(record["deadline_kind"]), date.fromisoformat(record["started_on"]))
    ended = record["status"] in ENDED  # the case is settled or left this office: no clock runs
    return {"running": open_pause is None and not ended, "ended": ended,
            "stopped_since": open_pause["from"] if open_pause else None,
            "started_on": record["started_on"], "original_due_date": original.isoformat() if original else None,
            "due_date": current_due(record, life), "paused_days": paused_days(life), "pauses": pauses,
            "extensions": life.get("extensions", [])}
