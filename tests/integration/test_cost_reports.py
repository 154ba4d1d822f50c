"""The cost report through the API on metering rows the sink really writes in the emulator: who sees what, exact
totals across JSTs and services, the CSV, the rows behind a figure, and the region's settings."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.core import metering
from chalicelib.db.metering import DynamoUsageSink
from tests.conftest import auth

MONTH = "2025-06"  # a month no other test meters into (the sink writes today's rows)
PIASECZNO, LESZNOWOLA = "1418043", "1418032"
REGIONAL = auth("finance")
SETTINGS = {
    "rates": [{"month": "2025-01", "pln_per_usd": "4.00", "source": "kurs testowy"}],
    "allocation": "population",
    "shared": [{"name": "Klucz KMS platformy", "resource": "kms.keys", "quantity": "1"},
               {"name": "Odpytywanie kolejek SQS", "resource": "sqs.requests", "quantity": "4536000",
                "note": "7 kolejek"}],
}


def _invocation(tenant: str, day: str, service: str, *, requests: dict[str, int], write_units: float) -> None:
    usage = metering.Usage(function="eurzad-test", memory_mb=512, tenant=tenant, module="submissions",
                           service=service, http=True, write_units=write_units)
    usage.requests.update(requests)
    DynamoUsageSink().add(usage, duration_ms=333.3, day=day)


@pytest.fixture(scope="module")
def metered(platform: None, api: Any) -> None:
    ok = api.http.put("/v1/finance/cost-settings", headers={**REGIONAL, "Content-Type": "application/json"},
                      body=json.dumps(SETTINGS))
    assert ok.status_code == 200, ok.body
    for _ in range(3):
        _invocation(PIASECZNO, f"{MONTH}-03", "pismo-ogolne", requests={"dynamodb:PutItem": 2, "s3:PutObject": 1},
                    write_units=2.5)
    _invocation(PIASECZNO, f"{MONTH}-30", "-", requests={"sqs:SendMessage": 1}, write_units=0.0)
    _invocation(LESZNOWOLA, f"{MONTH}-11", "pismo-ogolne", requests={"s3:GetObject": 7}, write_units=1.0)
    _invocation("region", f"{MONTH}-12", "-", requests={"dynamodb:Query": 1}, write_units=0.0)


def _get(api: Any, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    resp = api.http.get(path, headers=headers)
    return resp.status_code, json.loads(resp.body) if resp.body and resp.body[:1] == b"{" else resp.body


def _grosze(text: str) -> int:
    return int(Decimal(text) * 100)


def test_the_regions_finance_sees_every_jst_and_the_totals_add_up_exactly(api: Any, metered: None) -> None:
    status, by_jst = _get(api, f"/v1/finance/costs?month={MONTH}", REGIONAL)
    assert status == 200, by_jst
    groups = {g["key"]: g for g in by_jst["groups"]}
    assert {PIASECZNO, LESZNOWOLA} <= set(groups)
    assert groups[PIASECZNO]["invocations"] == 4 and groups[PIASECZNO]["aws_requests"] == 10
    assert sum(_grosze(g["total_pln"]) for g in by_jst["groups"]) == _grosze(by_jst["totals"]["total_pln"])
    assert by_jst["shared"]["region_usage"]["invocations"] == 1
    assert by_jst["rate"]["month"] == "2025-01" and by_jst["rate"]["own"] is False

    _, by_service = _get(api, f"/v1/finance/costs?month={MONTH}&group_by=service", REGIONAL)
    _, by_resource = _get(api, f"/v1/finance/costs?month={MONTH}&group_by=resource", REGIONAL)
    for other in (by_service, by_resource):
        assert other["totals"]["total_pln_exact"] == by_jst["totals"]["total_pln_exact"]
        assert other["totals"]["total_pln"] == by_jst["totals"]["total_pln"]
        assert sum(_grosze(g["total_pln"]) for g in other["groups"]) == _grosze(other["totals"]["total_pln"])

    _, one = _get(api, f"/v1/finance/costs?month={MONTH}&tenant={PIASECZNO}&group_by=service", REGIONAL)
    assert Decimal(one["totals"]["total_pln_exact"]) == Decimal(groups[PIASECZNO]["total_pln_exact"])


def test_a_jsts_finance_sees_only_its_own_and_other_roles_none(api: Any, metered: None) -> None:
    status, own = _get(api, f"/v1/finance/costs?month={MONTH}", auth("finance", PIASECZNO))
    assert status == 200 and own["tenant"] == PIASECZNO
    assert [g["key"] for g in own["groups"]] == [PIASECZNO]
    status, refused = _get(api, f"/v1/finance/costs?month={MONTH}&tenant={LESZNOWOLA}", auth("finance", PIASECZNO))
    assert (status, refused["error"]["code"]) == (403, "tenant_forbidden")
    status, refused = _get(api, f"/v1/finance/costs/rows?month={MONTH}&tenant=region", auth("finance", PIASECZNO))
    assert (status, refused["error"]["code"]) == (403, "tenant_forbidden")
    for role in ("clerk", "tenant-admin", "region-admin", "resident"):
        status, refused = _get(api, f"/v1/finance/costs?month={MONTH}", auth(role, PIASECZNO))
        assert (status, refused["error"]["code"]) == (403, "role_forbidden"), role


def test_the_rows_behind_a_figure_add_up_to_it(api: Any, metered: None) -> None:
    _, report = _get(api, f"/v1/finance/costs?month={MONTH}&group_by=service", auth("finance", PIASECZNO))
    letters = next(g for g in report["groups"] if g["key"] == "pismo-ogolne")
    query = "&".join(f"{k}={v}" for k, v in letters["rows_query"].items())
    status, rows = _get(api, f"/v1/finance/costs/rows?{query}", auth("finance", PIASECZNO))
    assert status == 200, rows
    assert rows["count"] == 1 and rows["rows"][0]["invocations"] == 3
    assert Decimal(rows["total"]["usd"]) == Decimal(letters["usage_usd"])
    assert sum(Decimal(r["usd"]) for r in rows["rows"]) == Decimal(letters["usage_usd"])
    _, by_resource = _get(api, f"/v1/finance/costs?month={MONTH}&tenant={PIASECZNO}&group_by=resource", REGIONAL)
    writes = next(g for g in by_resource["groups"] if g["key"] == "dynamodb.write")
    _, write_rows = _get(api, f"/v1/finance/costs/rows?month={MONTH}&tenant={PIASECZNO}&resource=dynamodb.write",
                         REGIONAL)
    assert Decimal(write_rows["total"]["usd"]) == Decimal(writes["usage_usd"])
    # 7.5 units the invocations' responses reported, and their 4 metering writes (rows under 1 KB: 1 unit each)
    assert writes["quantity"] == "11.5"


def test_the_report_as_csv_for_excel(api: Any, metered: None) -> None:
    for path, headers in ((f"/v1/finance/costs?month={MONTH}&format=csv", REGIONAL),
                          (f"/v1/finance/costs?month={MONTH}", {**REGIONAL, "Accept": "text/csv"})):
        resp = api.http.get(path, headers=headers)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith("text/csv")
        assert f'filename="koszty-region-{MONTH}-tenant.csv"' in resp.headers["Content-Disposition"]
        text = resp.body.decode("utf-8")
        assert text.startswith("\ufeffMiesiąc;JST (TERC);Nazwa;Zużycie (USD);Zużycie (zł);")
        assert f"{MONTH};{PIASECZNO};Gmina Piaseczno;" in text and "\r\n" in text


def test_bad_parameters_are_refused_on_their_field(api: Any, metered: None) -> None:
    for query, field in (("month=2025-13", "month"), ("group_by=day", "group_by"), ("format=xls", "format")):
        status, body = _get(api, f"/v1/finance/costs?{query}", REGIONAL)
        assert (status, body["error"]["details"][0]["field"]) == (422, field)
    status, body = _get(api, "/v1/finance/costs?month=2024-06", REGIONAL)  # before the first price list
    assert (status, body["error"]["code"]) == (404, "no_price_list")


def test_the_regions_settings_are_changed_only_whole_and_valid(api: Any, metered: None) -> None:
    status, current = _get(api, "/v1/finance/cost-settings", auth("finance", PIASECZNO))
    assert status == 200 and current["settings"]["allocation"] == "population"
    json_headers = {**REGIONAL, "Content-Type": "application/json"}
    bad = {**SETTINGS, "rates": [{"month": "2025-1", "pln_per_usd": "-4", "source": "x"}],
           "shared": [{"name": "Alarmy", "resource": "cloudwatch.alarms", "quantity": "3"}]}
    resp = api.http.put("/v1/finance/cost-settings", headers=json_headers, body=json.dumps(bad))
    assert resp.status_code == 422
    fields = {d["field"] for d in json.loads(resp.body)["error"]["details"]}
    assert {"rates[0].month", "rates[0].pln_per_usd", "rates[0].source"} <= fields
    unpriced = {**SETTINGS, "shared": [{"name": "Alarmy CloudWatch", "resource": "cloudwatch.alarms", "quantity": "3"}]}
    resp = api.http.put("/v1/finance/cost-settings", headers=json_headers, body=json.dumps(unpriced))
    assert resp.status_code == 422
    assert json.loads(resp.body)["error"]["details"][0]["field"] == "shared[0].resource"
    stale = api.http.put("/v1/finance/cost-settings", headers={**json_headers, "If-Match": '"999"'},
                         body=json.dumps(SETTINGS))
    assert stale.status_code == 409
    status, after = _get(api, "/v1/finance/cost-settings", REGIONAL)
    assert after["version"] == current["version"]  # nothing refused was written
