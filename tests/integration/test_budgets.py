"""Budgets and their alerts against the emulator, with the platform's clock moved into a month no other test
meters: finance sets a JST's budget (422 per field, an audit entry), reads the month so far with the forecast, the
hourly schedule alerts each threshold once (repeated and concurrent runs), a new month re-arms them; the fees paid
online beside the running costs, with who may see which JST."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from chalicelib.core import metering
from chalicelib.core.clock import WARSAW, FixedClock, SystemClock, set_clock
from chalicelib.db.metering import DynamoUsageSink
from chalicelib.db.tables import table_name
from chalicelib.modules.costs.settings import CostSettings, UsdRate
from tests.aws_requests import count_requests
from tests.conftest import auth
from tests.emulator import sent_emails
from tests.payments import paid_order

A, B = "1418043", "1418032"
ROAD = "zajecie-pasa-drogowego"
YEAR = random.randint(2040, 2099)  # a year no other test's clock reaches, nor this file's previous runs
MONTH, NEXT = f"{YEAR}-03", f"{YEAR}-04"


@pytest.fixture
def clock(platform: None) -> Iterator[FixedClock]:
    """The clock on 10 March (10 of 31 days elapsed in Warsaw); the region's stored settings: a rate of 4 zł a
    dollar from January of that year on, split equally, no shared fixed items, whatever another test stored
    before (the settings as they were are put back afterwards)."""
    from chalicelib.modules.costs.settings_store import DynamoCostSettings

    store, now = DynamoCostSettings(), datetime.now(UTC)
    before = store.get()
    settings = before.settings if before else CostSettings()
    rate = UsdRate(month=f"{YEAR}-01", pln_per_usd=Decimal(4), source="test: kurs umowny")
    version = store.save(CostSettings(rates=[rate]), expected_version=None, at=now, actor="test-budgets")
    fixed = FixedClock(datetime(YEAR, 3, 10, 9, tzinfo=UTC))
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())
    store.save(settings, expected_version=version, at=now, actor="test-budgets")


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    return count_requests(monkeypatch)


def used(day: str, gb_seconds: int, *, terc: str = A, service: str = "pismo-ogolne") -> None:
    """Lambda work metered to the JST as the sink writes it (10 GB for `gb_seconds` / 10 seconds)."""
    usage = metering.Usage(function="eurzad-test", memory_mb=10240, tenant=terc, module="submissions",
                           service=service)
    DynamoUsageSink().add(usage, duration_ms=gb_seconds * 100.0, day=day)


def grosze(pln: Decimal) -> int:
    return int((pln * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def finance(terc: str | None = A) -> dict[str, str]:
    return auth("finance", terc)


def put_budget(api: Any, body: dict[str, Any], who: dict[str, str] | None = None, terc: str = A) -> Any:
    return api.http.put(f"/v1/finance/budgets/{terc}", body=json.dumps(body),
                        headers={"Content-Type": "application/json", **(who or finance())})


def view(api: Any, month: str = MONTH) -> dict[str, Any]:
    resp = api.http.get(f"/v1/finance/budgets/{A}?month={month}", headers=finance())
    assert resp.status_code == 200, resp.body
    return dict(json.loads(resp.body))


def mails_to(address: str) -> list[dict[str, Any]]:
    return [m for m in sent_emails() if address in m["To"]]


def run_schedule() -> int:
    from chalicelib.modules.costs import budget_alerts

    return budget_alerts.evaluate_all()


def test_a_budget_is_checked_per_field_and_audited(api: Any, clock: FixedClock) -> None:
    from chalicelib.modules.audit.wiring import chain

    bad = put_budget(api, {"amount": 0, "services": {"nie-ma-takiej": 5}, "email": "nie-email"})
    assert bad.status_code == 422
    assert {d["field"] for d in json.loads(bad.body)["error"]["details"]} == {"amount", "email"}
    unknown = put_budget(api, {"amount": 500, "services": {"nie-ma-takiej": 5, "pismo-ogolne": 501}})
    assert unknown.status_code == 422
    assert [(d["field"], d["code"]) for d in json.loads(unknown.body)["error"]["details"]] == [
        ("services.nie-ma-takiej", "unknown_service"), ("services.pismo-ogolne", "service_budget_invalid")]
    other = put_budget(api, {"amount": 500}, who=finance(B))
    assert other.status_code == 403

    head = chain().stored_head(A)
    ok = put_budget(api, {"amount": 12_345, "services": {"pismo-ogolne": 5000}}, who=finance(None))
    assert ok.status_code == 200, ok.body
    assert json.loads(ok.body)["budget"]["amount"] == 12_345
    entries = [e for _, e in chain().entries(A, after=head.seq if head else 0)]
    assert any(e["action"] == "budget.set" and e["details"]["amount"] == 12_345 for e in entries)
    assert view(api)["budget"]["services"] == {"pismo-ogolne": 5000}


def test_each_threshold_is_alerted_once_a_month_and_a_new_month_rearms_it(api: Any, clock: FixedClock) -> None:
    address = f"finanse-{uuid.uuid4().hex[:8]}@piaseczno.demo.eurzad.pl"
    # Given 10 days of March metered for the JST
    for day in range(1, 11):
        used(f"{MONTH}-{day:02d}", 60_000)
    so_far = view(api)
    assert (so_far["days_elapsed"], so_far["days_in_month"]) == (10, 31) and "liniowo" in so_far["method"]
    assert so_far["actual"] > 0 and abs(so_far["forecast"] - so_far["actual"] * 31 / 10) <= 1
    assert so_far["days"][-1]["cumulative"] == so_far["actual"]
    # and a budget the month so far has used 85 % of (the forecast: 263 %)
    budget = int(so_far["actual"] / Decimal("0.85"))
    assert put_budget(api, {"amount": budget, "email": address}).status_code == 200

    # When the schedule runs four times at once, then again
    with ThreadPoolExecutor(max_workers=4) as pool:
        raised = sum(pool.map(lambda _: run_schedule(), range(4)))
    run_schedule()

    # Then each threshold reached is one alert and one e-mail
    alerts = view(api)["alerts"]
    assert sorted((a["scope"], a["threshold"], a["kind"]) for a in alerts) == [
        ("razem", 80, "actual"), ("razem", 80, "forecast"), ("razem", 100, "forecast")]
    assert raised == 3
    mails = mails_to(address)
    assert len(mails) == 3 and all(a["mailed_at"] for a in alerts)
    assert sorted(m["Subject"].split(":")[1].split("%")[0].strip() for m in mails) == ["100", "80", "80"]

    # When the month goes past its budget: only the actual's 100 % is new
    used(f"{MONTH}-10", 150_000)
    assert run_schedule() >= 1
    assert sorted((a["threshold"], a["kind"]) for a in view(api)["alerts"]) == [
        (80, "actual"), (80, "forecast"), (100, "actual"), (100, "forecast")]
    assert len(mails_to(address)) == 4

    # When April begins with the same pace: its thresholds are alerted again, March's stay as they were
    clock.advance(days=23)
    used(f"{NEXT}-02", 800_000)
    run_schedule()
    april = view(api, NEXT)["alerts"]
    assert sorted((a["threshold"], a["kind"]) for a in april) == [(80, "actual"), (80, "forecast"), (100, "actual"),
                                                                  (100, "forecast")]
    assert len(mails_to(address)) == 8 and len(view(api)["alerts"]) == 4


def test_fees_received_beside_running_costs(api: Any, clock: FixedClock, sent: Counter[str]) -> None:
    # Given two fees paid in March (one partly refunded), one in February, and March's metered work, at a JST
    # whose contract with the gateway is 1.2 % of each payment + 0.30 zł (the demo's)
    paid_order(A, ROAD, 10_000, datetime(YEAR, 3, 2, 10, tzinfo=UTC), refunded=2_500)
    paid_order(A, ROAD, 10_000, datetime(YEAR, 3, 9, 22, 30, tzinfo=UTC))  # 9 March, Warsaw
    march_first = datetime(YEAR, 3, 1, 0, 30, tzinfo=WARSAW)  # 23:30 UTC the day before
    paid_order(A, ROAD, 10_000, march_first)
    paid_order(A, ROAD, 10_000, march_first - timedelta(hours=1))  # February's last day
    used(f"{MONTH}-03", 6_000, service=ROAD)

    resp = api.http.get(f"/v1/finance/fees-vs-costs?month={MONTH}&tenant={A}", headers=finance(None))
    assert resp.status_code == 200, resp.body
    body = json.loads(resp.body)
    (jst,) = body["tenants"]
    row = next(r for r in jst["rows"] if r["service"] == ROAD)
    assert (row["payments"], row["fees_paid"], row["refunded"], row["fees_net"]) == (3, 30_000, 2_500, 27_500)
    assert row["difference"] == 27_500 - row["cost"]
    assert jst["totals"]["cost"] == sum(r["cost"] for r in jst["rows"]) == body["totals"]["cost"]
    # and its cost is the costs report's: the metered work and the gateway's commission on the 3 payments
    # (1.2 % of 300 zł + 3 x 0.30 zł = 4.50 zł; the refund does not lower it)
    costs = api.http.get(f"/v1/finance/costs?month={MONTH}&tenant={A}&group_by=service", headers=finance(None))
    report = json.loads(costs.body)
    assert (report["gateway"]["payments"], report["gateway"]["pln_exact"]) == (3, "4.5")
    road = Decimal(next(g["usage_pln_exact"] for g in report["groups"] if g["key"] == ROAD))
    assert road > Decimal("4.5") and row["cost"] == grosze(road)
    # and so does the budget: the road permits' budget sees the same cost so far, and its forecast over 31 days;
    # the JST's days so far add up to its month so far, the commission on the days of the payments
    assert put_budget(api, {"amount": 1_000_000, "services": {ROAD: 500_000}}).status_code == 200
    shown = view(api)
    scopes = {s["scope"]: s for s in shown["scopes"]}
    assert (scopes[ROAD]["actual"], scopes[ROAD]["forecast"]) == (grosze(road), grosze(road * 31 / 10))
    assert shown["days"][-1]["cumulative"] == shown["actual"] == scopes["razem"]["actual"]

    # A JST's finance sees its own JST only; the region's sees every JST
    own = api.http.get(f"/v1/finance/fees-vs-costs?month={MONTH}", headers=finance(A))
    assert [t["terc"] for t in json.loads(own.body)["tenants"]] == [A]
    other = api.http.get(f"/v1/finance/fees-vs-costs?month={MONTH}&tenant={A}", headers=finance(B))
    assert other.status_code == 403 and json.loads(other.body)["error"]["code"] == "tenant_forbidden"
    sent.clear()
    region = api.http.get(f"/v1/finance/fees-vs-costs?month={MONTH}", headers=finance(None))
    shown = len(json.loads(region.body)["tenants"])
    assert shown >= 4
    # each JST's metering and payments read by one Query each (its fees and its commission from the same read),
    # and the region's own metering; neither table scanned
    assert (sent["Query:" + table_name("metering")], sent["Query:" + table_name("payment-orders")]) == \
        (shown + 1, shown)
    assert not sent["Scan:" + table_name("metering")] and not sent["Scan:" + table_name("payment-orders")]
    bad = api.http.get("/v1/finance/fees-vs-costs?month=2031-3", headers=finance(None))
    assert bad.status_code == 422
    assert json.loads(bad.body)["error"]["details"][0]["field"] == "month"
