"""The month roll-up in the emulator: computed by the nightly schedule from the rows the real sink wrote, read by
the region-wide report, which equals the live report over the same finished days; a rerun writes the same items;
the metering table is only Queried, never Scanned (counted by a hook where botocore sends each request)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.core import metering
from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.db.metering import DynamoUsageSink
from chalicelib.integrations.aws import client
from chalicelib.modules import tenants
from chalicelib.modules.costs import reporting, rollup_store, storage
from chalicelib.modules.costs.model import MeteredRow
from chalicelib.modules.costs.repository import DynamoMeteringReader
from chalicelib.modules.costs.rollup_worker import month_rollup
from chalicelib.resources import table_name
from tests.aws_requests import count_requests
from tests.conftest import auth

MONTH = "2025-03"  # a month no other test meters into
THROUGH = f"{MONTH}-02"
PIASECZNO, LESZNOWOLA = "1418043", "1418032"
SETTINGS = {"rates": [{"month": "2025-01", "pln_per_usd": "4.00", "source": "kurs testowy"}],
            "allocation": "usage", "shared": [{"name": "Klucz KMS platformy", "resource": "kms.keys", "quantity": "1"}]}
SCHEDULED = {"version": "0", "account": "000000000000", "region": "eu-central-1", "detail": {},
             "detail-type": "Scheduled Event", "source": "aws.events", "time": "2025-03-03T02:00:00Z", "id": "noc",
             "resources": []}
WIDE = {f"dynamodb:Operation{i:03d}": 1 for i in range(60)}  # a row of over 1 KB: its metering write is 2 WRU


def _invocation(tenant: str, day: str, *, module: str = "submissions", service: str = "pismo-ogolne",
                function: str = "eurzad-test", requests: dict[str, int] | None = None) -> None:
    usage = metering.Usage(function=function, memory_mb=512, tenant=tenant, module=module, service=service,
                           http=True, write_units=1.5)
    usage.requests.update(requests or {"s3:PutObject": 1})
    DynamoUsageSink().add(usage, duration_ms=123.4, day=day)


@pytest.fixture(scope="module")
def metered(platform: None, api: Any) -> None:
    ok = api.http.put("/v1/finance/cost-settings", headers={**auth("finance"), "Content-Type": "application/json"},
                      body=json.dumps(SETTINGS))
    assert ok.status_code == 200, ok.body
    for day in (f"{MONTH}-01", THROUGH, f"{MONTH}-03"):  # the 3rd is "today": not rolled up yet
        for _ in range(2):
            _invocation(PIASECZNO, day)
        _invocation(PIASECZNO, day, module="cases", function="eurzad-worker", requests=WIDE)
        _invocation(LESZNOWOLA, day, service="-", requests={"sqs:SendMessage": 2, "ses:SendRawEmail": 1})
        _invocation("region", day, module="catalogue", service="-", requests={"dynamodb:Query": 1})
    client("dynamodb").update_item(**storage.storage_update(PIASECZNO, THROUGH, s3_bytes=3 * 2**30,
                                                             dynamodb_bytes=Decimal(2**29)))


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    return count_requests(monkeypatch)


@pytest.fixture
def night() -> Iterator[None]:
    set_clock(FixedClock(datetime(2025, 3, 3, 2, 0, tzinfo=UTC)))  # 03:00 in Warsaw on the 3rd
    yield
    set_clock(SystemClock())


class FinishedDays:
    """The live reader, narrowed to the days the roll-up covers."""

    def month(self, terc: str, month: str) -> list[MeteredRow]:
        return [r for r in DynamoMeteringReader().month(terc, month) if r.day <= THROUGH]


def _stored() -> list[dict[str, Any]]:
    return client("dynamodb").query(**rollup_store.rollup_query(MONTH))["Items"]


def test_the_night_rolls_up_yesterday_by_queries_and_the_region_report_equals_the_live_one(
        metered: None, night: None, sent: Counter[str]) -> None:
    # Given no roll-up yet: the region-wide report reads the day rows, today's too
    live_today = reporting.month_costs(MONTH)
    assert live_today["through"] is None
    assert {g["key"]: g["invocations"] for g in live_today["groups"]}[PIASECZNO] == 9
    sent.clear()
    # When the night's schedule runs on the 3rd
    month_rollup(SCHEDULED, None)
    # Then it read each JST's and the region's day rows by one Query, never a Scan, and wrote in batches
    partitions = len(tenants.configs()) + 1
    assert sent["Query:" + table_name("metering")] == partitions
    assert sent["Scan:" + table_name("metering")] == 0  # (the JSTs' directory is read whole, as everywhere)
    assert sent["dynamodb:BatchWriteItem"] == 1
    assert sent["dynamodb:UpdateItem"] == 1  # the run's own metering row, as every invocation's
    items = _stored()
    assert sorted(i["sk"]["S"] for i in items) == ["#done", f"{LESZNOWOLA}#-", f"{PIASECZNO}#-",  # then its mark
                                                   f"{PIASECZNO}#pismo-ogolne", "region#-"]
    assert {i["through"]["S"] for i in items} == {THROUGH}
    sent.clear()
    # And the region-wide report reads the roll-up by one Query and says up to which day
    for group_by in ("tenant", "service", "resource"):
        from_rollup = reporting.month_costs(MONTH, group_by=group_by)
        live = reporting.month_costs(MONTH, group_by=group_by, reader=FinishedDays(),
                                     rollups=lambda _month: ([], None))
        assert from_rollup["through"] == THROUGH and live["through"] is None
        # equal to the live report over the same finished days, to the last digit of every amount
        assert {**from_rollup, "through": None} == live
    assert sent["Query:" + table_name("metering")] == 3 + 3 * (partitions)  # the roll-up 3x; live 3x
    # And one JST's report stays live (today included)
    one = reporting.month_costs(MONTH, tenant=PIASECZNO)
    assert one["through"] is None and one["totals"]["invocations"] == 9


def test_a_rerun_writes_the_same_items(metered: None, night: None) -> None:
    month_rollup(SCHEDULED, None)
    first = _stored()
    month_rollup(SCHEDULED, None)
    assert _stored() == first


def test_the_page_is_told_up_to_which_day(api: Any, metered: None, night: None) -> None:
    month_rollup(SCHEDULED, None)
    resp = api.http.get(f"/v1/finance/costs?month={MONTH}", headers=auth("finance"))
    assert resp.status_code == 200, resp.body
    assert json.loads(resp.body)["through"] == THROUGH
    resp = api.http.get(f"/v1/finance/costs?month={MONTH}&tenant={PIASECZNO}", headers=auth("finance"))
    assert json.loads(resp.body)["through"] is None
