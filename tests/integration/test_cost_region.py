"""A region-wide cost report reads the metering table by Queries only: one per JST partition (and the region's
own), never a Scan. Over a small region generated as the costs bench generates 314 JSTs (bench/cost_region.py),
counted by the test's own hook where botocore sends each HTTP request. The JST list is given (the API takes it
from the tenants' directory, which the bench measures apart)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from bench import cost_region
from chalicelib.core.metering import REGION
from chalicelib.modules.costs import queries
from chalicelib.modules.costs.model import cost_lines, sum_by, total
from chalicelib.modules.costs.prices import price_list
from chalicelib.modules.costs.report import TenantInfo, month_report
from chalicelib.modules.costs.repository import DynamoMeteringReader
from chalicelib.modules.costs.settings import CostSettings, UsdRate
from tests.aws_requests import count_requests

MONTH = "2025-02"  # a month no other test meters in (the price lists start in 2025)
DAYS, SERVICES = 3, 4


@pytest.fixture(scope="module")
def generated(platform: None) -> list[cost_region.Jst]:
    """Two powiaty and six gminy (TERC 1401…, 1402…: not the demo region's), metering rows only."""
    jsts = cost_region.region(powiaty=2, gminy=6)
    written = cost_region.write_region(jsts, MONTH, days=DAYS, services=SERVICES, with_tenants=False)
    assert written["rows"] == len(jsts) * DAYS * SERVICES
    return jsts


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    return count_requests(monkeypatch)


def test_a_region_report_reads_one_query_per_partition_and_never_scans(
        generated: list[cost_region.Jst], sent: Counter[str]) -> None:
    # Given the region's JSTs and its settings
    infos = {j.terc: TenantInfo(j.terc, j.name) for j in generated}
    settings = CostSettings(rates=[UsdRate(month=MONTH, pln_per_usd=Decimal("4"), source="test: kurs przykładowy")])
    prices = price_list(MONTH)
    reader = DynamoMeteringReader()
    # When the region's month is reported (the partitions read a few at once, priced, grouped per JST)
    keys = queries.partitions(None, sorted(infos), settings)
    rows = queries.read_all(lambda terc: reader.month(terc, MONTH), keys)
    lines = cost_lines(rows, prices)
    report = month_report(lines, month=MONTH, group_by="tenant", settings=settings, tenants=infos, prices=prices,
                          rows=rows)
    # Then the metering table was read by one Query per JST and the region's own, and nothing else
    assert keys == [*sorted(infos), REGION]
    assert {k: n for k, n in sent.items() if ":" in k and k.split(":")[0].islower()} == {
        "dynamodb:Query": len(generated) + 1}  # one Query per partition, and nothing else: no Scan
    # And every generated row is in it, each JST a group whose usage is its lines' exact sum
    assert len(rows) == len(generated) * DAYS * SERVICES
    per_jst = sum_by(lines, "tenant")
    assert {g["key"]: Decimal(g["usage_usd"]) for g in report["groups"]} == per_jst
    assert Decimal(report["totals"]["usage_usd"]) == total(lines)
