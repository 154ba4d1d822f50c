"""A case's life after registration: every transition the KPA does not allow is refused, every allowed one is
recorded (who, when, why, whether the party is told), assignment, notes and the KPA clock across pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, Forbidden
from chalicelib.modules.cases import kpa_clock
from chalicelib.modules.cases.lifecycle import (
    STATES,
    TRANSITIONS,
    Actor,
    Move,
    State,
    add_note,
    allowed,
    assign,
    new_life,
    transition,
)

S = State
CLERK = Actor(subject="clerk-1", name="Anna Nowak")
OTHER = Actor(subject="clerk-2")
HEAD = Actor(subject="head-1", head=True)
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday


def registered(status: State = S.ZAREJESTROWANA, assignee: str | None = "clerk-1") -> tuple[dict[str, Any],
                                                                                          dict[str, Any]]:
    record = {"case_id": "c" * 32, "status": status.value, "deadline_kind": "1-miesiac", "started_on": "2026-03-02",
              "due_date": "2026-04-02", "assignee": None if status is S.ZAREJESTROWANA else assignee}
    life = new_life()
    if status is S.WEZWANIE:
        life["summonses"].append({"issued_on": "2026-03-02", "gaps": ["podpis"], "term_days": 7,
                                  "term_until": "2026-03-09", "answered_on": None})
        kpa_clock.on_transition(life, leaving="w_toku", entering="wezwanie", on=AT.date(), stops=True)
    return record, life


def move_to(to: State) -> Move:
    return Move(to=to, reason="bo tak", gaps=("brak podpisu",), term_days=7, document="GK.6730.1.2026.AN",
                office="Starosta Piaseczyński")


ILLEGAL = [(a, b) for a in State for b in State if b not in TRANSITIONS[a]]
LEGAL = [(a, b) for a in State for b in State if b in TRANSITIONS[a]]


@pytest.mark.parametrize(("state", "to"), ILLEGAL, ids=[f"{a.value}->{b.value}" for a, b in ILLEGAL])
def test_every_illegal_transition_is_refused_with_the_allowed_ones(state: State, to: State) -> None:
    # Given a case in `state`, worked by its clerk
    record, life = registered(state)
    # When the clerk asks for a transition the KPA does not allow
    with pytest.raises(Conflict) as refused:
        transition(record, life, move_to(to), actor=CLERK, at=AT + timedelta(days=30))
    # Then it is 409 transition_not_allowed naming the allowed targets, and nothing changed
    body = refused.value.body()["error"]
    assert body["code"] == "transition_not_allowed"
    assert [d["code"] for d in body["details"]] == [t.value for t in allowed(state)]
    assert body["allowed"] == [t.value for t in allowed(state)]
    assert record["status"] == state.value and life["history"] == []


@pytest.mark.parametrize(("state", "to"), LEGAL, ids=[f"{a.value}->{b.value}" for a, b in LEGAL])
def test_every_legal_transition_is_recorded_with_who_when_why(state: State, to: State) -> None:
    # Given a case in `state` (a summons whose term passed, for leaving it unanswered)
    record, life = registered(state)
    at = AT + timedelta(days=30)
    # When its clerk moves it (an unassigned one: the department head)
    actor = HEAD if state is S.ZAREJESTROWANA else CLERK
    after, life_after = transition(record, life, move_to(to), actor=actor, at=at)
    # Then the state changes and the history says who, when, why and whether the party is told, in which words
    assert after["status"] == to.value
    entry = life_after["history"][-1]
    assert (entry["from"], entry["to"], entry["by"], entry["at"], entry["reason"]) == (
        state.value, to.value, actor.subject, at.isoformat(), "bo tak")
    assert entry["inform_party"] is STATES[to].inform_party
    assert entry["resident_text"] == STATES[to].resident_text
    # and the input was not changed in place
    assert record["status"] == state.value and life["history"] == []


def test_a_summons_needs_gaps_and_a_term_of_at_least_seven_days() -> None:
    record, life = registered(S.W_TOKU)
    for move in (Move(to=S.WEZWANIE, reason="x", gaps=("podpis",), term_days=6),
                 Move(to=S.WEZWANIE, reason="x", term_days=14)):
        with pytest.raises(Conflict) as refused:
            transition(record, life, move, actor=CLERK, at=AT)
        assert refused.value.code == "summons_incomplete"


def test_leaving_a_request_unanswered_only_after_its_term() -> None:
    # Given a summons with a term until 2026-03-09
    record, life = registered(S.WEZWANIE)
    # When the clerk leaves it unanswered on the last day of the term, it is refused
    with pytest.raises(Conflict) as refused:
        transition(record, life, move_to(S.POZOSTAWIONA), actor=CLERK, at=datetime(2026, 3, 9, 12, tzinfo=UTC))
    assert refused.value.code == "term_not_passed"
    # Then the day after it is allowed
    after, _ = transition(record, life, move_to(S.POZOSTAWIONA), actor=CLERK, at=datetime(2026, 3, 10, 12, tzinfo=UTC))
    assert after["status"] == "pozostawiona_bez_rozpoznania"


def test_settling_needs_the_document_and_forwarding_the_office() -> None:
    record, life = registered(S.W_TOKU)
    with pytest.raises(Conflict) as refused:
        transition(record, life, Move(to=S.ZALATWIONA, reason="x"), actor=CLERK, at=AT)
    assert refused.value.code == "document_missing"
    with pytest.raises(Conflict) as refused:
        transition(record, life, Move(to=S.PRZEKAZANA, reason="x"), actor=CLERK, at=AT)
    assert refused.value.code == "office_missing"


def test_only_the_assignee_or_the_head_moves_a_case() -> None:
    record, life = registered(S.W_TOKU)
    with pytest.raises(Forbidden) as refused:
        transition(record, life, move_to(S.ZAWIESZONA), actor=OTHER, at=AT)
    assert refused.value.code == "not_assignee"
    after, _ = transition(record, life, move_to(S.ZAWIESZONA), actor=HEAD, at=AT)
    assert after["status"] == "zawieszona"


def test_a_clerk_takes_an_unassigned_case_and_it_goes_w_toku() -> None:
    record, life = registered()
    after, life_after = assign(record, life, clerk=None, actor=CLERK, at=AT)
    assert (after["status"], after["assignee"]) == ("w_toku", "clerk-1")
    assert life_after["history"][-1]["inform_party"] is True
    # A second clerk cannot take it, nor assign it to someone
    with pytest.raises(Conflict) as taken:
        assign(after, life_after, clerk=None, actor=OTHER, at=AT)
    assert taken.value.code == "already_assigned"
    with pytest.raises(Forbidden) as not_head:
        assign(record, life, clerk="clerk-3", actor=OTHER, at=AT)
    assert not_head.value.code == "not_department_head"


def test_the_head_reassigns_and_it_is_recorded_without_telling_the_party() -> None:
    record, life = registered(S.W_TOKU)
    after, life_after = assign(record, life, clerk="clerk-2", actor=HEAD, at=AT)
    assert (after["status"], after["assignee"]) == ("w_toku", "clerk-2")
    entry = life_after["history"][-1]
    assert (entry["kind"], entry["assignee"], entry["inform_party"]) == ("assignment", "clerk-2", False)


def test_notes_are_kept_apart_from_the_history() -> None:
    _, life = registered(S.W_TOKU)
    life = add_note(life, "Zadzwonić do wnioskodawcy", actor=CLERK, at=AT)
    assert life["notes"][0]["text"] == "Zadzwonić do wnioskodawcy" and life["history"] == []


def test_the_clock_stops_for_a_summons_and_the_due_date_moves_by_the_paused_days() -> None:
    # Given a one-month case received Monday 2026-03-02 (due Thursday 2026-04-02), taken the same day
    record, life = assign(*registered(), clerk=None, actor=CLERK, at=AT)
    assert record["due_date"] == "2026-04-02"
    # When a summons goes out on 03-05 and is answered on 03-16 (11 days), then the case is suspended 03-20..03-23
    record, life = transition(record, life, move_to(S.WEZWANIE), actor=CLERK, at=datetime(2026, 3, 5, 9, tzinfo=UTC))
    stopped = kpa_clock.view(record, life)
    assert (stopped["running"], stopped["stopped_since"], stopped["due_date"]) == (False, "2026-03-05", "2026-04-02")
    answered = datetime(2026, 3, 16, 9, tzinfo=UTC)
    record, life = transition(record, life, move_to(S.UZUPELNIONA), actor=CLERK, at=answered)
    # Then 04-02 + 11 days = Monday 04-13 (after Easter Monday 04-06, not touched)
    assert record["due_date"] == "2026-04-13" and life["history"][-1]["due_date"] == "2026-04-13"
    record, life = transition(record, life, move_to(S.ZAWIESZONA), actor=CLERK, at=datetime(2026, 3, 20, 9, tzinfo=UTC))
    record, life = transition(record, life, move_to(S.PODJETA), actor=CLERK, at=datetime(2026, 3, 23, 9, tzinfo=UTC))
    # And 3 more days: 04-02 + 14 = Thursday 04-16
    clock = kpa_clock.view(record, life)
    assert (clock["running"], clock["paused_days"], clock["due_date"], clock["original_due_date"]) == (
        True, 14, "2026-04-16", "2026-04-02")
    assert [(p["state"], p["from"], p["to"], p["days"]) for p in clock["pauses"]] == [
        ("wezwanie", "2026-03-05", "2026-03-16", 11), ("zawieszona", "2026-03-20", "2026-03-23", 3)]


def test_the_clock_ends_with_the_case() -> None:
    record, life = assign(*registered(), clerk=None, actor=CLERK, at=AT)
    assert kpa_clock.view(record, life)["ended"] is False
    record, life = transition(record, life, move_to(S.ZALATWIONA), actor=CLERK, at=AT)
    clock = kpa_clock.view(record, life)
    assert (clock["running"], clock["ended"], clock["due_date"]) == (False, True, "2026-04-02")
