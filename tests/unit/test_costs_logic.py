"""Who sees which costs, the report's parameters, which metering partitions it reads, and the rows behind a figure."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from chalicelib.core.errors import Forbidden, Unprocessable
from chalicelib.modules.costs import queries as logic
from chalicelib.modules.costs.model import CostLine
from chalicelib.modules.costs.settings import Allocation, CostSettings

TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Row:
    key: str
    tenant: str = "1418043"
    day: str = "2026-11-02"
    module: str = "submissions"
    service: str = "pismo-ogolne"
    function: str = "api"
    invocations: int = 2
    errors: int = 0
    requests: dict[str, int] = field(default_factory=lambda: {"dynamodb:PutItem": 3})


def test_a_jsts_finance_sees_only_its_own_jst_and_the_regions_any() -> None:
    assert logic.scope(None, own="1418043") == "1418043"
    assert logic.scope("1418043", own="1418043") == "1418043"
    with pytest.raises(Forbidden):
        logic.scope("1418032", own="1418043")
    assert logic.scope(None, own=None) is None
    assert logic.scope("1418032", own=None) == "1418032"


def test_the_query_defaults_to_this_month_by_jst_and_refuses_bad_values_on_their_field() -> None:
    query = logic.parse_query({}, accept="", today=TODAY)
    assert (query.month, query.group_by, query.tenant, query.csv) == ("2026-11", "tenant", None, False)
    assert logic.parse_query({"format": "csv"}, accept="", today=TODAY).csv
    assert logic.parse_query({}, accept="text/csv", today=TODAY).csv
    for params, field_name in (({"month": "2026-13"}, "month"), ({"group_by": "day"}, "group_by"),
                               ({"format": "xls"}, "format")):
        with pytest.raises(Unprocessable) as refused:
            logic.parse_query(params, accept="", today=TODAY)
        assert refused.value.details[0]["field"] == field_name


def test_a_jsts_report_reads_its_partition_and_the_regions_unless_the_split_needs_everyones() -> None:
    tercs = ["1418043", "1418032", "1418"]
    assert logic.partitions("1418043", tercs, CostSettings()) == ["1418043", "region"]
    assert logic.partitions("1418043", tercs, CostSettings(allocation=Allocation.USAGE)) == [
        "1418", "1418032", "1418043", "region"]
    assert logic.partitions(None, tercs, CostSettings()) == ["1418", "1418032", "1418043", "region"]


def test_partitions_are_read_a_few_at_a_time_and_come_back_in_order() -> None:
    together = threading.Barrier(2, timeout=5)  # the first two Queries must be under way at once

    def read(key: str) -> list[str]:
        if key in ("a", "b"):
            together.wait()
        return [key, key]

    assert logic.read_all(read, ["a", "b", "c", "d", "e"]) == ["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"]


def test_the_rows_behind_a_figure_sum_exactly_to_it() -> None:
    rows = [Row("r1"), Row("r2", service="-"), Row("r3", day="2026-11-01")]
    lines = [CostLine("1418043", "submissions", "pismo-ogolne", "api", "2026-11-02", "lambda.requests",
                      Decimal(2), Decimal("0.0000004"), "r1"),
             CostLine("1418043", "submissions", "pismo-ogolne", "api", "2026-11-02", "dynamodb.write",
                      Decimal(3), Decimal("0.000004575"), "r1"),
             CostLine("1418043", "submissions", "-", "api", "2026-11-02", "dynamodb.write", Decimal(1),
                      Decimal("0.001"), "r2"),
             CostLine("1418043", "submissions", "pismo-ogolne", "api", "2026-11-01", "dynamodb.write", Decimal(5),
                      Decimal("0.005"), "r3")]
    found = logic.drill_down(rows, lines, rate=Decimal("4"), service="pismo-ogolne", resource="dynamodb.write")
    assert [r["key"] for r in found["rows"]] == ["r3", "r1"]
    assert found["total"]["usd"] == "0.005004575"
    assert found["total"]["pln"] == "0.02"
    assert found["rows"][1]["lines"] == [{"resource": "dynamodb.write", "quantity": "3", "usd": "0.000004575"}]
    assert (found["total"]["invocations"], found["total"]["aws_requests"]) == (4, 6)
    assert logic.drill_down(rows, lines, rate=Decimal(4), service=None, resource=None, limit=1)["truncated"]
