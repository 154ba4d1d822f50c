"""The nightly month roll-up killed half-way through its writes (some JSTs rolled up again, the others not), in
the emulator: the region-wide report stays equal to the live one (it reads the day rows while no finished run
vouches for the roll-up), and the next run completes it, after which the report reads it again."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.integrations.aws import client
from chalicelib.modules.costs import reporting, rollup_store
from chalicelib.modules.costs.model import MeteredRow
from chalicelib.modules.costs.repository import DynamoMeteringReader
from chalicelib.modules.costs.rollup_worker import month_rollup
from tests.conftest import auth
from tests.integration.test_cost_rollup import LESZNOWOLA, PIASECZNO, SCHEDULED, SETTINGS, _invocation

MONTH = "2025-08"  # a month no other test meters into


@pytest.fixture(scope="module")
def metered(platform: None, api: Any) -> None:
    ok = api.http.put("/v1/finance/cost-settings", headers={**auth("finance"), "Content-Type": "application/json"},
                      body=json.dumps(SETTINGS))
    assert ok.status_code == 200, ok.body
    for day in range(1, 5):
        _invocation(PIASECZNO, f"{MONTH}-{day:02d}")
        _invocation(LESZNOWOLA, f"{MONTH}-{day:02d}", service="-", requests={"sqs:SendMessage": 2})
        _invocation("region", f"{MONTH}-{day:02d}", module="catalogue", service="-")


@pytest.fixture
def night() -> Iterator[Callable[[int], None]]:
    def at(day: int) -> None:
        set_clock(FixedClock(datetime(2025, 8, day, 2, 0, tzinfo=UTC)))  # 04:00 in Warsaw

    yield at
    set_clock(SystemClock())


class DiesAfter:
    """The DynamoDB client of a run whose Lambda is killed after `puts` items of its BatchWriteItem were stored."""

    def __init__(self, puts: int) -> None:
        self._real, self._left = client("dynamodb"), puts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:  # noqa: N803
        (table, puts), = RequestItems.items()
        self._real.batch_write_item(RequestItems={table: puts[:self._left]})
        raise SystemExit("Task timed out after 900.00 seconds")


def killed_run(monkeypatch: pytest.MonkeyPatch, *, after: int) -> None:
    with monkeypatch.context() as patched:
        dying = DiesAfter(after)
        patched.setattr(rollup_store, "client", lambda service: dying)
        with pytest.raises(SystemExit):
            month_rollup(SCHEDULED, None)


def live() -> dict[str, Any]:
    return reporting.month_costs(MONTH, rollups=lambda _month: ([], None))


def finished_days(through: str) -> dict[str, Any]:
    class Reader:
        def month(self, terc: str, month: str) -> list[MeteredRow]:
            return [r for r in DynamoMeteringReader().month(terc, month) if r.day <= through]

    return reporting.month_costs(MONTH, reader=Reader(), rollups=lambda _month: ([], None))


def stored_days() -> list[str]:
    return sorted(i["through"]["S"] for i in client("dynamodb").query(**rollup_store.rollup_query(MONTH))["Items"]
                  if i["sk"]["S"] != "#done")


def test_a_rollup_killed_half_way_leaves_the_report_right_and_the_next_run_completes_it(
        metered: None, night: Callable[[int], None], monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the first night of the month killed after one JST's item was written
    night(3)
    killed_run(monkeypatch, after=1)
    assert stored_days() == [f"{MONTH}-02"]
    # Then the region-wide report is the live one, not one JST's roll-up alone
    assert reporting.month_costs(MONTH) == live()

    # When the next run finishes, the report reads the roll-up through yesterday
    month_rollup(SCHEDULED, None)
    assert stored_days() == [f"{MONTH}-02"] * 3
    rolled = reporting.month_costs(MONTH)
    assert rolled["through"] == f"{MONTH}-02" and {**rolled, "through": None} == finished_days(f"{MONTH}-02")

    # Given the next night killed after one JST's item: one item of the 3rd beside two of the 2nd
    night(4)
    killed_run(monkeypatch, after=1)
    assert stored_days() == [f"{MONTH}-02", f"{MONTH}-02", f"{MONTH}-03"]
    # Then the report is not a mix of two days: it is the live one again
    assert reporting.month_costs(MONTH) == live()

    # When that night's run is repeated, the roll-up is whole again, through the 3rd
    month_rollup(SCHEDULED, None)
    assert stored_days() == [f"{MONTH}-03"] * 3
    rolled = reporting.month_costs(MONTH)
    assert rolled["through"] == f"{MONTH}-03" and {**rolled, "through": None} == finished_days(f"{MONTH}-03")
