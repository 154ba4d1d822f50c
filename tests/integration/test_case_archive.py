"""A case's file for the archive, against the emulator: a road-lane application is registered from the real
registrations queue with its JRWA class and archival category; settled and ended, its file closes with the
day and the archive date, shown to the clerk and in the history; a forwarded case closes the sender's file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.core.clock import WARSAW, FixedClock, SystemClock, get_clock, set_clock
from chalicelib.signatures import pki
from tests import queues
from tests.conftest import auth
from tests.integration.test_submissions import A, application, call, me, submit

ROADS = auth("clerk", A, subject="clerk-gk", department="GK")
LETTERS = auth("clerk", A, subject="clerk-or", department="OR")


@pytest.fixture(autouse=True)
def _clean_queues(platform: None) -> Iterator[None]:
    queues.purge("registrations")
    queues.purge("attachment-uploads")
    yield
    set_clock(SystemClock())


def filed(api: Any, service: str, key: str) -> str:
    """A resident's application to JST A, registered by the registrations worker; its case id."""
    status, body = submit(api, A, service, application(api, A, service), key)
    assert status == 201, body
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1
    _, shown = call(api, "GET", body["links"]["self"], headers=me())
    assert shown["case_sign"], shown
    return str(body["submission_id"])  # a case is keyed by its submission


def move(api: Any, case_id: str, what: str, body: dict[str, Any], clerk: dict[str, str]) -> dict[str, Any]:
    resp = api.http.post(f"/v1/tenants/{A}/cases/{case_id}/{what}", body=json.dumps(body),
                         headers={**clerk, "Content-Type": "application/json"})
    assert resp.status_code == 200, resp.body
    return dict(resp.json_body)


def test_a_road_lane_case_is_registered_with_its_class_and_category_and_ending_it_sets_the_archive_date(
        api: Any, demo_pki: pki.DemoPki) -> None:
    # Given a road-lane occupation application (JRWA 7230, category B5), registered from the queue
    case_id = filed(api, "zajecie-pasa-drogowego", "archiwum-pas-1")
    seen = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=ROADS).json_body
    assert seen["case"]["case_sign"].startswith("GK.7230.")
    assert seen["archive"] == {"jrwa": "7230", "jrwa_title": "Zajęcie pasa drogowego", "archival_category": "B5",
                               "expert_review": False, "closed_on": None, "archive_date": None,
                               "disposed_on": None}
    # When the clerk takes it, settles it with a decision and ends it
    move(api, case_id, "assignment", {}, ROADS)
    settled = move(api, case_id, "transitions", {"to": "zalatwiona", "reason": "Wydano zezwolenie",
                                                 "document": "GK.7230.1.2026.AN"}, ROADS)
    assert settled["archive"]["closed_on"] is None  # settled is not closed
    ended = move(api, case_id, "transitions", {"to": "zakonczona", "reason": "Doręczono"}, ROADS)
    # Then the case read afresh is closed today, and its files may go on 1 January six years on
    today = get_clock().now().astimezone(WARSAW).date()
    expected = {"closed_on": today.isoformat(), "archive_date": date(today.year + 6, 1, 1).isoformat()}
    seen = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=ROADS).json_body
    for shown in (ended["archive"], seen["archive"], seen["case"], seen["history"][-1]):
        assert {k: shown[k] for k in expected} == expected, shown
    assert seen["history"][-1]["archival_category"] == "B5"
    # And the resident's view of the case shows none of it (the archive is the office's)
    mine = api.http.get(f"/v1/me/cases/{case_id}", headers=me()).json_body
    assert "archive_date" not in json.dumps(mine)


def test_forwarding_a_letter_closes_the_senders_file_and_category_a_has_no_archive_date(
        api: Any, demo_pki: pki.DemoPki) -> None:
    # Given a general letter (JRWA 1510, category A) registered on 31 December 2026 in Warsaw's evening
    case_id = filed(api, "pismo-ogolne", "archiwum-pismo-1")
    set_clock(FixedClock(datetime(2026, 12, 31, 22, 30, tzinfo=UTC)))
    move(api, case_id, "assignment", {}, LETTERS)
    # When the clerk forwards it to the competent authority (art. 65 KPA)
    forwarded = move(api, case_id, "transitions", {"to": "przekazana", "reason": "Niewłaściwy organ",
                                                   "office": "Starosta Piaseczyński"}, LETTERS)
    # Then the sender's file is closed that day (Warsaw), with category A and no date for its destruction
    assert forwarded["archive"] == {
        "jrwa": "1510", "jrwa_title": "Skargi i wnioski", "archival_category": "A", "expert_review": False,
        "closed_on": "2026-12-31", "archive_date": None, "disposed_on": None}
    assert (forwarded["history"][-1]["closed_on"], forwarded["history"][-1]["archive_date"]) == ("2026-12-31", None)
    assert forwarded["allowed"] == []
