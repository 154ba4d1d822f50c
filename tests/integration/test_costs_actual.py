"""The estimate set against the AWS bill (`GET /v1/finance/costs/actual`) on the emulator: its metering table
is real; Cost Explorer it has not, so without one the route answers 503 in words, decided by the endpoint's
refusal. With a recorded bill (tests/fixtures/cost_explorer, fed through botocore's Stubber) the route sets the
metering's estimate against it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber

from chalicelib.core import metering
from chalicelib.core.clock import WARSAW
from chalicelib.db.metering import DynamoUsageSink
from chalicelib.integrations import cost_explorer as ce
from chalicelib.modules.costs.actuals_wiring import use_source
from tests.conftest import ROOT, auth

PIASECZNO = "1418043"
FIXTURES = ROOT / "tests" / "fixtures" / "cost_explorer"
URL = "/v1/finance/costs/actual"


def test_without_cost_explorer_the_region_is_told_the_actuals_are_unavailable(api: Any) -> None:
    month = datetime.now(WARSAW).strftime("%Y-%m")
    resp = api.http.get(f"{URL}?month={month}", headers=auth("finance"))
    assert resp.status_code == 503, resp.body
    error = json.loads(resp.body)["error"]
    assert error["code"] == "actual_costs_unavailable"
    assert "Cost Explorer" in error["message"] and "niedostępne" in error["message"]
    assert error["retryable"] is False  # the emulator refuses the service outright


def test_bad_months_are_refused_on_the_field(api: Any) -> None:
    for month, code in (("2026-13", "month_invalid"), ("2999-01", "month_in_future")):
        resp = api.http.get(f"{URL}?month={month}", headers=auth("finance"))
        assert resp.status_code == 422, resp.body
        detail = json.loads(resp.body)["error"]["details"][0]
        assert (detail["field"], detail["code"]) == ("month", code) and detail["message"]


@pytest.fixture
def recorded_bill() -> Iterator[None]:
    client = botocore.session.get_session().create_client(
        "ce", region_name=ce.ENDPOINT_REGION, aws_access_key_id="test", aws_secret_access_key="test")
    stub = Stubber(client)
    pages = [json.loads((FIXTURES / f"get_cost_and_usage_2026-11_page{n}.json").read_text()) for n in (1, 2)]
    stub.add_response("get_cost_and_usage", pages[0], ce.request("2026-11", region="eu-central-1"))
    stub.add_response("get_cost_and_usage", pages[1],
                      ce.request("2026-11", region="eu-central-1", token=pages[0]["NextPageToken"]))
    with stub:
        use_source(ce.CostExplorer(client, region="eu-central-1"))
        yield
        use_source(None)


def test_the_region_sees_the_metered_estimate_against_the_recorded_bill(api: Any, recorded_bill: None) -> None:
    # Given a JST's November invocations in the real metering table
    usage = metering.Usage(function="eurzad-test", memory_mb=1024, tenant=PIASECZNO, module="payments",
                           service="pismo-ogolne", http=True, write_units=3.0)
    usage.requests.update({"dynamodb:PutItem": 3})
    for _ in range(3):
        DynamoUsageSink().add(usage, duration_ms=400.0, day="2026-11-04")

    # When the region's finance asks for November
    resp = api.http.get(f"{URL}?month=2026-11", headers=auth("finance"))

    # Then each AWS service shows the estimate against the recorded bill
    assert resp.status_code == 200, resp.body
    body = json.loads(resp.body)
    assert (body["month"], body["currency"], body["final"], body["region"]) == ("2026-11", "USD", True, "eu-central-1")
    services = {row["service"]: row for row in body["services"]}
    lambda_ = services["AWS Lambda"]
    assert lambda_["actual_usd"] == "1.842134"
    assert Decimal(lambda_["estimate_usd"]) > 0  # at least these three invocations' GB-seconds and requests
    assert Decimal(lambda_["difference_usd"]) == Decimal(lambda_["actual_usd"]) - Decimal(lambda_["estimate_usd"])
    assert Decimal(services["Amazon DynamoDB"]["estimate_usd"]) > 0
    assert services["AmazonCloudWatch"]["actual_usd"] == "0.552102"
    # And per JST only what AWS split by the tag: the JSTs' own payment secrets
    assert [(row["tenant"], row["service"], row["actual_usd"]) for row in body["tenants"]] == [
        ("1418032", "AWS Secrets Manager", "0.400000"), ("1465011", "AWS Secrets Manager", "0.405000")]
    assert body["total"]["actual_usd"] == "6.208248" and body["shared_actual_usd"] == "5.403248"


def test_a_jsts_payment_keys_carry_its_cost_allocation_tag(platform: None) -> None:
    import uuid

    import boto3

    from chalicelib.integrations.payment_gateways import secret_id, write_credentials

    name = secret_id(f"koszty-{uuid.uuid4().hex[:8]}")
    write_credentials(name, crc="a1b2c3d4e5f60718", api_key="klucz", terc=PIASECZNO)
    write_credentials(name, crc="a1b2c3d4e5f60718", api_key="nowy-klucz", terc=PIASECZNO)  # replaced keys too
    tags = boto3.client("secretsmanager").describe_secret(SecretId=name).get("Tags", [])
    assert tags == [{"Key": "eurzad:jst", "Value": PIASECZNO}]
