"""The Cost Explorer adapter on recorded GetCostAndUsage answers (tests/fixtures/cost_explorer), fed through
botocore's Stubber: every request and answer is checked against botocore's model of the `ce` service."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from chalicelib.integrations import cost_explorer as ce
from chalicelib.integrations.actual_costs import SHARED, ActualCost, ActualCostsUnavailable
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "cost_explorer"


def recorded(name: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return answer


@pytest.fixture
def client() -> Iterator[Any]:
    made = botocore.session.get_session().create_client(
        "ce", region_name=ce.ENDPOINT_REGION, aws_access_key_id="test", aws_secret_access_key="test")
    yield made


def test_a_month_is_read_page_by_page_grouped_by_service_and_jst_in_decimal(client: Any) -> None:
    with Stubber(client) as stub:
        stub.add_response("get_cost_and_usage", recorded("get_cost_and_usage_2026-11_page1.json"),
                          ce.request("2026-11", region="eu-central-1"))
        token = recorded("get_cost_and_usage_2026-11_page1.json")["NextPageToken"]
        stub.add_response("get_cost_and_usage", recorded("get_cost_and_usage_2026-11_page2.json"),
                          ce.request("2026-11", region="eu-central-1", token=token))
        actuals = ce.CostExplorer(client, region="eu-central-1").month("2026-11")
        stub.assert_no_pending_responses()
    assert actuals.month == "2026-11" and actuals.estimated is False
    by_key = {(line.service, line.tenant): line for line in actuals.lines}
    assert len(by_key) == 10
    assert by_key[("AWS Lambda", SHARED)] == ActualCost(service="AWS Lambda", tenant=SHARED,
                                                         usd=Decimal("1.8421337012"), usage=Decimal("2951234.5021"))
    # The JSTs' own payment secrets carry their tag; the office seal's secret is shared.
    assert by_key[("AWS Secrets Manager", "1418032")].usd == Decimal("0.4000000000")
    assert by_key[("AWS Secrets Manager", "1465011")].usd == Decimal("0.4049999999")
    assert by_key[("AWS Secrets Manager", SHARED)].usd == Decimal("0.4000000000")
    assert sum((line.usd for line in actuals.lines), Decimal(0)) == Decimal("6.2082478901")


def test_the_request_is_one_month_monthly_in_the_region_grouped_by_service_and_the_jst_tag() -> None:
    assert ce.request("2026-12", region="eu-central-1") == {
        "TimePeriod": {"Start": "2026-12-01", "End": "2027-01-01"},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost", "UsageQuantity"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "TAG", "Key": "eurzad:jst"}],
        "Filter": {"Dimensions": {"Key": "REGION", "Values": ["eu-central-1"]}},
    }


def test_a_running_month_is_marked_estimated(client: Any) -> None:
    with Stubber(client) as stub:
        stub.add_response("get_cost_and_usage", recorded("get_cost_and_usage_2026-12_estimated.json"),
                          ce.request("2026-12", region="eu-central-1"))
        actuals = ce.CostExplorer(client, region="eu-central-1").month("2026-12")
    assert actuals.estimated is True
    assert actuals.lines == (ActualCost("AWS Lambda", SHARED, Decimal("0.0412"), Decimal("60211")),)


@pytest.mark.parametrize(("code", "status", "retryable"), [
    ("LimitExceededException", 400, True),
    ("RequestChangedException", 400, True),
    ("DataUnavailableException", 400, False),
    ("BillExpirationException", 400, False),
    ("AccessDeniedException", 400, False),
    ("InternalFailure", 500, True),
    ("400", 400, False),  # the local emulator's answer: it has no Cost Explorer
])
def test_refusals_become_one_error_saying_whether_asking_again_may_help(
        client: Any, code: str, status: int, retryable: bool) -> None:
    with Stubber(client) as stub:
        stub.add_client_error("get_cost_and_usage", service_error_code=code, service_message="nope",
                              http_status_code=status)
        with pytest.raises(ActualCostsUnavailable) as caught:
            ce.CostExplorer(client, region="eu-central-1").month("2026-11")
    assert caught.value.retryable is retryable
    assert code in str(caught.value)


def test_an_unreachable_endpoint_is_retryable() -> None:
    class Down:
        def get_cost_and_usage(self, **_: Any) -> Any:
            raise EndpointConnectionError(endpoint_url="https://ce.us-east-1.amazonaws.com/")

    with pytest.raises(ActualCostsUnavailable) as caught:
        ce.CostExplorer(Down(), region="eu-central-1").month("2026-11")
    assert caught.value.retryable is True


def test_an_amount_in_another_currency_is_refused(client: Any) -> None:
    answer = recorded("get_cost_and_usage_2026-12_estimated.json")
    answer["ResultsByTime"][0]["Groups"][0]["Metrics"]["UnblendedCost"]["Unit"] = "EUR"
    with Stubber(client) as stub:
        stub.add_response("get_cost_and_usage", answer, ce.request("2026-12", region="eu-central-1"))
        with pytest.raises(ActualCostsUnavailable, match="EUR"):
            ce.CostExplorer(client, region="eu-central-1").month("2026-12")


def test_the_client_is_made_for_the_only_cost_explorer_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert ce.ce_client().meta.endpoint_url == "https://ce.us-east-1.amazonaws.com"
