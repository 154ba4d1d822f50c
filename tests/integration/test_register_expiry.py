"""Permits turning "wygasłe" in the emulator: with the platform's clock moved past a permit's last day, the public
already sees it expired; the nightly schedule finds it by a Query of the active permits by last day (never a
Scan), turns it once, by "system", with its history item and audit entry, and the search by state lists it under
"wygasłe"; a rerun writes nothing; a permit whose last day is today stays active."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.modules import tenants
from chalicelib.modules.registers import expiry
from chalicelib.resources import table_name
from tests.aws_requests import count_requests
from tests.integration.test_registers import (
    ALCOHOL,
    DG,
    GK,
    LANE,
    A,
    audit_actions,
    call,
    permit,
    search,
    token,
)

pytestmark = pytest.mark.usefixtures("platform", "demo_pki")


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    """20 November 2026, the permits' last days ahead."""
    fixed = FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    return count_requests(monkeypatch)


def run_expiry(api: Any) -> None:
    """The nightly schedule's function, invoked as EventBridge would (over every JST of the region)."""
    event = api.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                         resources=[])
    api.lambda_.invoke("permits_expiry", event)


def made(api: Any, register: str, data: dict[str, Any], clerk: dict[str, str]) -> str:
    answer = call(api, "POST", f"/v1/tenants/{A}/registers/{register}", {"data": data}, clerk)
    assert answer.status_code == 201, answer.body
    return str(answer.json_body["entry"]["entry_id"])


def found(api: Any, register: str, query: str) -> list[tuple[str, str]]:
    answer = search(api, A, register, query)
    assert answer.status_code == 200, answer.body
    return [(e["entry_id"], e["status_label"]) for e in answer.json_body["items"]]


def test_a_permit_past_its_last_day_turns_expired_once_at_night(
        api: Any, clock: FixedClock, sent: Counter[str]) -> None:
    # Given a permit ending on 30 November, one ending on 1 December and a road lane occupied until 30 November
    mark = token()
    ended = made(api, ALCOHOL, permit(f"{mark}/1", valid_from="2026-01-01", valid_to="2026-11-30"), DG)
    clock.advance(seconds=1)  # ids grow with time: the search lists the newer first
    last_day = made(api, ALCOHOL, permit(f"{mark}/2", valid_from="2026-01-01", valid_to="2026-12-01"), DG)
    lane = made(api, LANE, {"holder": {"name": "Budrem sp. z o.o.", "nip": "8567346215"},
                            "road": f"ul. Wygasła {mark}", "section": "przy nr 3", "purpose": "roboty",
                            "areas": [{"element": "chodnik", "area_m2": "4"}], "occupied_from": "2026-11-20",
                            "occupied_to": "2026-11-30"}, GK)
    assert found(api, ALCOHOL, f"status=aktywne&q={mark}") == [(last_day, "aktywne"), (ended, "aktywne")]
    # When the clock passes midnight in Warsaw (00:30 on 1 December), before the night's run
    clock.advance(days=10, hours=14, minutes=29, seconds=59)
    # Then the public already sees the ended ones expired, and the filter of active permits leaves them out
    assert api.http.get(f"/v1/tenants/{A}/registers/{ALCOHOL}/{ended}").json_body["status_label"] == "wygasłe"
    assert found(api, ALCOHOL, f"status=aktywne&q={mark}") == [(last_day, "aktywne")]
    # When the night's schedule runs
    watched = expiry.watched(tenants.configs())
    sent.clear()
    run_expiry(api)
    # Then it read each JST's permit register by one Query of its index, never a Scan
    assert sent["Query:" + table_name("registers")] == len(watched) >= 2
    assert sent["Scan:" + table_name("registers")] == 0
    # And the ended permit and the lane turned "wygasłe" by the system, with their history and audit entries
    for register, entry_id, clerk, subject in ((ALCOHOL, ended, DG, "clerk-dg"), (LANE, lane, GK, "clerk-gk")):
        history = call(api, "GET", f"/v1/tenants/{A}/registers/{register}/{entry_id}/history",
                       headers=clerk).json_body
        assert history["entry"]["status"] == "wygasle"
        assert [(h["version"], h["action"], h["by"]) for h in history["history"]] == [
            (1, "created", subject), (2, "expired", "system")]
        assert history["history"][1]["changes"] == [{"field": "status", "before": "aktywne", "after": "wygasle"}]
        assert audit_actions(A, entry_id) == ["register.created", "register.expired"]
    # And the search by state lists them under "wygasłe"; the one whose last day is today stays active
    assert found(api, ALCOHOL, f"status=wygasle&q={mark}") == [(ended, "wygasłe")]
    assert found(api, LANE, f"status=wygasle&q={mark}") == [(lane, "wygasłe")]
    assert found(api, ALCOHOL, f"status=aktywne&q={mark}") == [(last_day, "aktywne")]
    # And a rerun writes nothing
    sent.clear()
    run_expiry(api)
    assert sent["dynamodb:TransactWriteItems"] == 0
    assert len(call(api, "GET", f"/v1/tenants/{A}/registers/{ALCOHOL}/{ended}/history",
                    headers=DG).json_body["history"]) == 2
