"""The costs' reader on rows the metering sink really writes in the emulator: a JST's month and nothing else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.core import metering
from chalicelib.db.metering import DynamoUsageSink
from chalicelib.modules.costs import cost_lines, metering_reader, price_list, total

JST = "1499999"  # a TERC no demo JST has: its partition holds only this test's rows


def _invocation(day: str, service: str, *, http: bool, requests: dict[str, int], write_units: float) -> None:
    usage = metering.Usage(function="eurzad-test", memory_mb=1024, tenant=JST, module="submissions",
                           service=service, http=http, write_units=write_units)
    usage.requests.update(requests)
    DynamoUsageSink().add(usage, duration_ms=500.0, day=day)


def test_a_month_reads_back_what_the_sink_added_and_prices_it(platform: Any) -> None:
    # Given two invocations on one day and service, one on another service, and one on each neighbouring month
    for _ in range(2):
        _invocation("2026-11-03", "pismo-ogolne", http=True, requests={"dynamodb:PutItem": 2, "sqs:SendMessage": 1},
                    write_units=2.0)
    _invocation("2026-11-30", "zaswiadczenie", http=False, requests={"s3:PutObject": 1}, write_units=0.0)
    _invocation("2026-10-31", "pismo-ogolne", http=True, requests={"s3:GetObject": 9}, write_units=0.0)
    _invocation("2026-12-01", "pismo-ogolne", http=True, requests={"s3:GetObject": 9}, write_units=0.0)

    # When November is read
    rows = metering_reader().month(JST, "2026-11")

    # Then it holds the month's two rows, with the sink's sums
    assert sorted((r.day, r.service) for r in rows) == [("2026-11-03", "pismo-ogolne"), ("2026-11-30", "zaswiadczenie")]
    letters = next(r for r in rows if r.service == "pismo-ogolne")
    assert (letters.invocations, letters.api_requests, letters.write_units) == (2, 2, 4)
    assert letters.requests == {"dynamodb:PutItem": 4, "sqs:SendMessage": 2}
    assert letters.gb_seconds == Decimal("1")  # 1 GB x 0.5 s, twice
    assert letters.memory_mb == 1024 and letters.key.startswith(f"T#{JST}|D#2026-11-03#")
    lines = cost_lines(rows, price_list("2026-11"))
    by_resource = {(line.service, line.resource): line.quantity for line in lines}
    assert by_resource[("pismo-ogolne", "apigateway.requests")] == 2
    assert by_resource[("zaswiadczenie", "s3.tier1")] == 1
    assert ("zaswiadczenie", "apigateway.requests") not in by_resource  # an event, not an API request
    assert total(lines) > 0


def test_finance_reads_the_prices_a_month_is_priced_with(api: Any) -> None:
    import json

    from tests.conftest import auth

    ok = api.http.get("/v1/finance/prices?month=2026-11", headers=auth("finance", "1418043"))
    assert ok.status_code == 200
    body = json.loads(ok.body)
    prices = {p["resource"]: p for p in body["prices"]}
    assert body["valid_from"] <= "2026-11-01" and body["currency"] == "USD"
    assert prices["lambda.requests"]["usd"] == "0.20" and prices["lambda.requests"]["per"] == "1000000"
    assert prices["dynamodb.write"]["source"].startswith("https://aws.amazon.com/dynamodb/pricing")
    assert "lambda.requests" in body["unconfirmed"]
    bad = api.http.get("/v1/finance/prices?month=2026-13", headers=auth("finance"))
    assert bad.status_code == 422 and json.loads(bad.body)["error"]["details"][0]["field"] == "month"
    before = api.http.get("/v1/finance/prices?month=1999-01", headers=auth("finance"))
    assert before.status_code == 404 and json.loads(before.body)["error"]["code"] == "no_price_list"
