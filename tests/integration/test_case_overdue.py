"""Overdue cases (art. 36-37 KPA) against the emulator, with the clock moved: the daily sweep tells the party
once and flags the case in its department's inbox; the clerk names a new date, the party is told; when that
date passes too, a second notice. And the inbox by due date, paged on its index (no scan)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pynamodb.connection.base import Connection

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.models import Plan
from chalicelib.modules.cases.repository import DynamoCases
from tests.conftest import auth
from tests.integration.test_case_life import CLERK, START, _mails_to, post, registered
from tests.integration.test_case_signs import A, accepted, filing

RESIDENT_OF = "/v1/me/cases/{}"


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(START)
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


def run_sweep(api: Any) -> None:
    """The daily schedule's function, invoked as EventBridge would (over every JST of the region)."""
    event = api.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                         resources=[])
    api.lambda_.invoke("overdue_sweeper", event)


def inbox(api: Any, query: str) -> dict[str, Any]:
    answer = api.http.get(f"/v1/tenants/{A}/inbox?department=FN&{query}", headers=CLERK)
    assert answer.status_code == 200, answer.body
    return dict(answer.json_body)


def overdue_ids(api: Any) -> set[str]:
    page, ids = inbox(api, "overdue=1&limit=100"), set()
    while True:
        ids |= {i["case_id"] for i in page["items"]}
        if not page["next"]:
            return ids
        page = inbox(api, f"overdue=1&limit=100&next={page['next']}")


def test_an_overdue_case_is_noticed_once_then_a_new_date_and_a_second_notice(api: Any, clock: FixedClock) -> None:
    # Given a one-month case taken by its clerk (due Wednesday 2031-04-02), whose party gave an address
    address = f"strona-{uuid.uuid4().hex[:8]}@example.pl"
    case_id = registered(email=address)
    assert post(api, case_id, "assignment", {}, CLERK).status_code == 200
    assert len(_mails_to(address)) == 1  # "w toku"
    # When the night after the due date the sweep runs
    clock.advance(days=32, hours=-5)  # 2031-04-03 04:00 UTC
    run_sweep(api)
    # Then the party got the art. 36 notice with the right to a ponaglenie, once
    mails = _mails_to(address)
    assert len(mails) == 2 and "art. 36" in mails[1] and "ponaglenie (art. 37" in mails[1]
    # and the clerks see the case flagged overdue in the department's inbox, and under ?overdue=1
    assert case_id in overdue_ids(api)
    case = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK).json_body
    assert case["case"]["overdue_notice_for"] == "2031-04-02"
    assert case["history"][-1]["kind"] == "overdue"
    # A second sweep the same day, and one the next day, send nothing
    run_sweep(api)
    clock.advance(days=1)
    run_sweep(api)
    assert len(_mails_to(address)) == 2
    # When the clerk names a Saturday, it is 422 and nothing is written
    version = case["version"]
    saturday = post(api, case_id, "deadline", {"due_date": "2031-04-19", "reason": "Opinia"}, CLERK)
    assert (saturday.status_code, saturday.json_body["error"]["details"][0]["code"]) == (422, "not_working_day")
    # and then a working day with the reason of the delay
    moved = post(api, case_id, "deadline", {"due_date": "2031-04-15", "reason": "Czekamy na opinię biegłego."},
                 CLERK, version=version)
    assert moved.status_code == 200, moved.body
    assert moved.json_body["version"] == version + 1
    assert (moved.json_body["clock"]["due_date"], moved.json_body["clock"]["extensions"][0]["basis"]) == (
        "2031-04-15", "art. 36 § 1 KPA")
    # Then the party is mailed the reason, the new date and the ponaglenie; the case leaves the overdue list
    mails = _mails_to(address)
    assert len(mails) == 3 and "Czekamy na opinię biegłego." in mails[2] and "15.04.2031" in mails[2]
    assert case_id not in overdue_ids(api)
    owner = moved.json_body["case"]["owner"]
    mine = api.http.get(RESIDENT_OF.format(case_id), headers=auth("resident", subject=owner)).json_body
    assert mine["due_date"] == "2031-04-15" and mine["extensions"][0]["reason"] == "Czekamy na opinię biegłego."
    # The sweep stays quiet until the new date passes, then sends the second notice
    clock.advance(days=11)  # 2031-04-15
    run_sweep(api)
    assert len(_mails_to(address)) == 3
    clock.advance(days=1)
    run_sweep(api)
    assert len(_mails_to(address)) == 4 and case_id in overdue_ids(api)


def registered_due(due: date) -> str:
    submission = accepted(2042)
    plan = Plan(terc=A, department="FN", department_name="Wydział Finansowy", jrwa="3120", year=2042,
                deadline_kind=DeadlineKind.SIEDEM_DNI, started_on=due - timedelta(days=7), due_date=due)
    case = DynamoCases().register(plan, replace(filing(submission)), at=datetime.now(UTC), notify=False)
    assert case is not None
    return case.case_id


def test_the_inbox_by_due_date_is_paged_on_its_index(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given three cases due before any other test's (the earliest due come first)
    first, second, third = (registered_due(date(1999, 1, d)) for d in (4, 5, 6))
    settled = registered_due(date(1999, 1, 7))
    assert post(api, settled, "assignment", {}, CLERK).status_code == 200
    assert post(api, settled, "transitions", {"to": "zalatwiona", "reason": "x", "document": "FN.1"},
                CLERK).status_code == 200
    queries: list[str] = []
    real_query = Connection.query

    def query(self: Connection, table_name: str, hash_key: str, *args: Any, **kwargs: Any) -> Any:
        queries.append(kwargs.get("index_name") or "table")
        return real_query(self, table_name, hash_key, *args, **kwargs)

    def scan(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the inbox scanned the table")

    monkeypatch.setattr(Connection, "query", query)
    monkeypatch.setattr(Connection, "scan", scan)
    # When a clerk pages the inbox by due date, two at a time
    one = inbox(api, "order=due&limit=2")
    two = inbox(api, f"order=due&limit=2&next={one['next']}")
    # Then earliest due first, the settled case left out, each page one query on the due-date index
    assert [i["case_id"] for i in one["items"]] == [first, second]
    assert two["items"][0]["case_id"] == third and settled not in {i["case_id"] for i in two["items"]}
    assert all(i["overdue"] for i in one["items"])
    assert queries == ["by-due", "by-due"]
    # A page token of another order is refused
    assert api.http.get(f"/v1/tenants/{A}/inbox?order=due&next=QyMx", headers=CLERK).status_code == 400
    assert json.loads(json.dumps(two))["department"] == "FN"
