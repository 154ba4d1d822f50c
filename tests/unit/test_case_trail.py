"""What a case's change leaves in the audit trail: one entry per new history entry and per new note, with who
did it; a change that adds neither still leaves one; a staff read names the document."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from chalicelib.modules import audit
from chalicelib.modules.cases import trail
from chalicelib.modules.cases.lifecycle import Actor, Move, State, add_note, assign, new_life, transition

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CLERK = Actor(subject="clerk-1", name="Anna Nowak")


def registered() -> tuple[dict[str, Any], dict[str, Any]]:
    return ({"case_id": "c" * 32, "case_sign": "FN.3120.1.2026", "terc": "1418043", "status": "zarejestrowana",
             "deadline_kind": "1-miesiac", "started_on": "2026-03-02", "due_date": "2026-04-02", "assignee": None},
            new_life())


def test_taking_a_case_is_one_transition_entry_by_the_clerk() -> None:
    record, life = registered()
    after, life_after = assign(record, life, clerk=None, actor=CLERK, at=AT)
    [entry] = trail.changed(life, after, life_after, version=1, at=AT)
    assert (entry.action, entry.actor, entry.case_sign) == ("case.transition", audit.Actor("clerk-1", "Anna Nowak"),
                                                            "FN.3120.1.2026")
    assert entry.details | {"reason": None} == {"from": "zarejestrowana", "to": "w_toku", "version": 1,
                                                "reason": None}
    assert entry.at == "2026-03-02T10:00:00.000000Z" and entry.correlation_id


def test_a_summons_and_a_note_each_leave_their_entry() -> None:
    record, life = registered()
    record, life = assign(record, life, clerk=None, actor=CLERK, at=AT)
    summoned, summoned_life = transition(record, life, Move(to=State.WEZWANIE, reason="Brak podpisu",
                                                            gaps=("podpis",), term_days=7), actor=CLERK, at=AT)
    [entry] = trail.changed(life, summoned, summoned_life, version=2, at=AT)
    assert entry.action == "case.transition" and entry.details["gaps"] == ["podpis"]
    noted = add_note(summoned_life, "Zadzwonić do strony", actor=CLERK, at=AT)
    [note] = trail.changed(summoned_life, summoned, noted, version=3, at=AT)
    # the note's hash, not its text (the trail is read by the JST's administrators too)
    assert (note.action, note.details) == ("case.note", {"version": 3, "text_sha256": hashlib.sha256(
        "Zadzwonić do strony".encode()).hexdigest()})


def test_a_change_that_adds_no_history_is_still_recorded() -> None:
    record, life = registered()
    moved = record | {"due_date": "2026-04-09"}
    [entry] = trail.changed(life, moved, life, version=4, at=AT)
    assert (entry.action, entry.actor) == ("case.changed", audit.SYSTEM)
    assert entry.details == {"status": "zarejestrowana", "due_date": "2026-04-09", "version": 4}


def test_a_read_names_the_document_and_the_reader() -> None:
    read = trail.document_read("1418043", "s" * 32, None, "attachment", "a" * 32, actor=audit.Actor("clerk-1"), at=AT)
    assert (read.action, read.case_id, read.actor.subject) == ("document.read", "s" * 32, "clerk-1")
    assert read.details == {"terc": "1418043", "submission_id": "s" * 32, "document": "attachment",
                            "attachment_id": "a" * 32}
