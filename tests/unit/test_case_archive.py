"""A case's file for the archive: the JRWA class and archival category it is registered with, and the day it
closes with the day its documents may go (category B) or never (category A), in the record, the history and
the clerk's view. Pure; no AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.modules.cases import handling, logic
from chalicelib.modules.cases.lifecycle import CLOSING, TRANSITIONS, Actor, Move, State, new_life, transition
from chalicelib.modules.cases.models import Filing, StoredCase
from tests import samples
from tests.unit.test_registration_logic import LETTER, TREES, Inbox, facts, filing, message, submission

S = State
CLERK = Actor(subject="clerk-1")
CLOSED_AT = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)  # 23:30 on New Year's Eve in Warsaw: still 2026


def case(status: State, *, jrwa: str = "7230", category: str | None = "B5") -> tuple[dict[str, Any], dict[str, Any]]:
    record = {"case_id": "c" * 32, "status": status.value, "jrwa": jrwa, "archival_category": category,
              "closed_on": None, "archive_date": None, "deadline_kind": "1-miesiac", "started_on": "2026-11-02",
              "due_date": "2026-12-02", "assignee": "clerk-1"}
    if category is None:
        del record["archival_category"]  # a case registered before the record carried it
    life = new_life()
    if status is S.WEZWANIE:  # a summons whose term has passed
        life["summonses"].append({"issued_on": "2026-11-02", "gaps": ["podpis"], "term_days": 7,
                                  "term_until": "2026-11-09", "answered_on": None})
    return record, life


def close(record: dict[str, Any], life: dict[str, Any], to: State) -> tuple[dict[str, Any], dict[str, Any]]:
    move = Move(to=to, reason="koniec", document="GK.7230.1.2026", office="Starosta Piaseczyński")
    return transition(record, life, move, actor=CLERK, at=CLOSED_AT)


CLOSINGS = [(a, b) for a in State for b in CLOSING if b in TRANSITIONS[a]]


@pytest.mark.parametrize(("state", "to"), CLOSINGS, ids=[f"{a.value}->{b.value}" for a, b in CLOSINGS])
def test_closing_a_b5_case_sets_the_day_and_its_archive_date_in_the_record_and_the_history(
        state: State, to: State) -> None:
    # Given a road-lane case (B5) in `state`
    record, life = case(state)
    # When it closes on the last evening of 2026 (Warsaw)
    after, life_after = close(record, life, to)
    # Then its file closed that day, and may go on 1 January of the year after closing plus five years
    closed = {"archival_category": "B5", "closed_on": "2026-12-31", "archive_date": "2032-01-01"}
    assert {k: after[k] for k in closed} == closed
    entry = life_after["history"][-1]
    assert {k: entry[k] for k in closed} == closed
    # and the record read was not changed in place
    assert record["closed_on"] is None


def test_closing_a_category_a_case_sets_no_archive_date() -> None:
    # Given a case under a class whose files are archival material (A)
    record, life = case(S.ZALATWIONA, jrwa="6624", category="A")
    # When it ends
    after, life_after = close(record, life, S.ZAKONCZONA)
    # Then it has its closing day and no archive date: category A is never destroyed
    assert (after["closed_on"], after["archive_date"], after["archival_category"]) == ("2026-12-31", None, "A")
    assert life_after["history"][-1]["archive_date"] is None


def test_a_case_registered_without_its_category_takes_its_classs_category_on_closing() -> None:
    # Given a tree-removal case registered before the record carried the category (class 6131, B10)
    record, life = case(S.W_TOKU, jrwa="6131", category=None)
    # When it is discontinued
    after, _ = close(record, life, S.UMORZONA)
    # Then the wykaz's category for its class gives the date: ten years from 1 January 2027
    assert (after["archival_category"], after["archive_date"]) == ("B10", "2037-01-01")


def test_a_case_under_a_class_outside_the_wykaz_closes_with_no_category_and_no_date() -> None:
    # Given a case a JST filed under its own symbol, which the platform's wykaz does not know
    record, life = case(S.ZALATWIONA, jrwa="0150", category=None)
    # When it ends
    after, _ = close(record, life, S.ZAKONCZONA)
    # Then its closing day is kept, but nobody can say when its files may go: no date (the retention job keeps it)
    assert (after["closed_on"], after["archival_category"], after["archive_date"]) == ("2026-12-31", None, None)


def test_settling_a_case_does_not_close_its_file_ending_it_does() -> None:
    # Given a case being worked
    record, life = case(S.W_TOKU)
    # When the clerk settles it (the decision issued), its file stays open: no closing day, no archive date
    settled, life = transition(record, life, Move(to=S.ZALATWIONA, reason="decyzja", document="GK.7230.1.2026"),
                               actor=CLERK, at=datetime(2026, 12, 15, 10, tzinfo=UTC))
    assert (settled["closed_on"], settled["archive_date"]) == (None, None)
    assert "closed_on" not in life["history"][-1]
    # Then ending it closes the file
    ended, _ = close(settled, life, S.ZAKONCZONA)
    assert (ended["closed_on"], ended["archive_date"]) == ("2026-12-31", "2032-01-01")


# --- registration --------------------------------------------------------------------------------------

def test_a_registered_case_carries_its_jrwa_class_and_archival_category() -> None:
    # Given a tree-removal request (class 6131, B10 in the catalogue), whose intake message carries both
    assert (facts(submission(TREES)).jrwa, facts(submission(TREES)).archival_category) == ("6131", "B10")
    inbox = Inbox(submission(TREES))
    # When it is registered
    inbox.register()
    # Then the case record names the class and its category, and is not closed
    record = inbox.cases.cases[0].record()
    assert (record["jrwa"], record["archival_category"]) == ("6131", "B10")
    assert (record["closed_on"], record["archive_date"]) == (None, None)


def test_a_message_queued_without_the_category_takes_the_wykazs() -> None:
    # Given the intake's message from before the facts carried the category
    sent = message(submission(TREES))
    assert sent.facts is not None
    old = sent.facts.model_copy(update={"archival_category": None})
    # When its registration is planned
    plan = logic.plan(Filing(submission_id=sent.submission_id, owner=sent.owner, terc=sent.terc,
                             service=sent.service, facts=old))
    # Then the category is the wykaz's for the class it was accepted under
    assert (plan.jrwa, plan.archival_category) == ("6131", "B10")


def test_a_jst_class_outside_the_wykaz_is_registered_with_no_category() -> None:
    tenant = samples.tenant(services=[{"id": LETTER, "department": "FN", "jrwa": "0150"}])
    plan = logic.plan(filing(submission(LETTER, tenant=tenant), tenant))
    assert (plan.jrwa, plan.archival_category) == ("0150", None)


# --- the clerk's view ----------------------------------------------------------------------------------

def test_the_clerks_view_shows_the_class_category_closing_day_and_archive_date() -> None:
    record, life = close(*case(S.ZALATWIONA, jrwa="7230", category="B5"), S.ZAKONCZONA)
    shown = handling.view(StoredCase(pk="p", sk="s", record=record, life=life, version=3))
    assert shown["archive"] == {"jrwa": "7230", "jrwa_title": "Zajęcie pasa drogowego", "archival_category": "B5",
                                "expert_review": False, "closed_on": "2026-12-31", "archive_date": "2032-01-01",
                                "disposed_on": None}
    assert shown["case"]["archive_date"] == "2032-01-01"
