"""Estimate against actual: the metering's priced lines set against recorded Cost Explorer answers
(tests/fixtures/cost_explorer), per AWS service for the region and per JST where AWS split the cost by tag."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from chalicelib.core.errors import Unprocessable
from chalicelib.integrations import cost_explorer as ce
from chalicelib.integrations.actual_costs import SHARED, ActualCost, ActualCostsUnavailable, MonthActuals
from chalicelib.modules.costs import CostLine, actuals
from chalicelib.modules.costs.actuals_wiring import CachedActuals
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "cost_explorer"


def line(tenant: str, resource: str, usd: Decimal) -> CostLine:
    return CostLine(tenant=tenant, module="payments", service="-", function="eurzad-APIHandler", day="2026-11-03",
                    resource=resource, quantity=Decimal(1), usd=usd, row=f"T#{tenant}|D#2026-11-03")


def recorded_month() -> MonthActuals:
    lines = []
    for page in ("get_cost_and_usage_2026-11_page1.json", "get_cost_and_usage_2026-11_page2.json"):
        found, _ = ce.parse_page(json.loads((FIXTURES / page).read_text(encoding="utf-8")))
        lines.extend(found)
    return MonthActuals(month="2026-11", lines=ce.merge(lines), estimated=False)


ESTIMATE = [
    line("1418032", "lambda.requests", Decimal("0.20")),
    line("1418032", "lambda.compute", Decimal("1.00")),
    line("1465011", "lambda.compute", Decimal("0.40")),
    line("region", "apigateway.requests", Decimal("0.35")),
    line("1418032", "dynamodb.read", Decimal("0.3")),
    line("1418032", "dynamodb.write", Decimal("0.3")),
    line("1418032", "secretsmanager.requests", Decimal("0.0001")),
    line("1465011", "other.requests", Decimal("0")),
]


def test_each_aws_service_of_the_region_shows_estimate_actual_difference_and_ratio() -> None:
    result = actuals.compare(ESTIMATE, recorded_month())
    by_service = {c.service: c for c in result.services}
    lambda_ = by_service["AWS Lambda"]
    assert (lambda_.estimate, lambda_.actual) == (Decimal("1.60"), Decimal("1.8421337012"))
    assert lambda_.difference == Decimal("0.2421337012")
    assert lambda_.ratio == Decimal("1.15")
    dynamo = by_service["Amazon DynamoDB"]
    assert (dynamo.estimate, dynamo.actual, dynamo.ratio) == (Decimal("0.6"), Decimal("0.9312004118"), Decimal("1.55"))
    # Billed but not estimated (the log ingestion the metering does not see): no ratio, all of it difference.
    logs = by_service["AmazonCloudWatch"]
    assert (logs.estimate, logs.ratio, logs.difference) == (Decimal(0), None, Decimal("0.5521020001"))
    # Secrets Manager: the region's bill is the shared seal plus each JST's tagged payment secret.
    assert by_service["AWS Secrets Manager"].actual == Decimal("1.2049999999")
    assert by_service["Inne"].actual == Decimal(0)
    assert result.total.actual == Decimal("6.2082478901")
    assert result.total.estimate == Decimal("2.5501")
    assert result.final is True and result.month == "2026-11"


def test_per_jst_only_where_aws_split_the_cost_by_the_jst_tag() -> None:
    result = actuals.compare(ESTIMATE, recorded_month())
    assert [(c.tenant, c.service, c.estimate, c.actual) for c in result.tenants] == [
        ("1418032", "AWS Secrets Manager", Decimal("0.0001"), Decimal("0.4000000000")),
        ("1465011", "AWS Secrets Manager", Decimal(0), Decimal("0.4049999999")),
    ]
    assert result.shared_actual == Decimal("5.4032478902")


def test_the_view_gives_decimal_strings_and_a_null_ratio_where_nothing_was_estimated() -> None:
    result = actuals.compare(ESTIMATE, recorded_month())
    body = actuals.view(result, prices_valid_from="2026-01-01", region="eu-central-1")
    assert body["currency"] == "USD" and body["final"] is True
    services = {r["service"]: r for r in body["services"]}  # type: ignore[attr-defined]
    assert services["AWS Lambda"] == {"service": "AWS Lambda", "estimate_usd": "1.600000",
                                      "actual_usd": "1.842134", "difference_usd": "0.242134", "ratio": "1.15"}
    assert services["AmazonCloudWatch"]["ratio"] is None
    assert body["tenants"][0]["tenant"] == "1418032"  # type: ignore[index]


def test_price_list_resources_map_to_cost_explorer_services() -> None:
    assert actuals.aws_service("lambda.compute") == "AWS Lambda"
    assert actuals.aws_service("s3.tier2") == "Amazon Simple Storage Service"
    assert actuals.aws_service("logs.ingestion") == "AmazonCloudWatch"
    assert actuals.aws_service("other.requests") == actuals.OTHER


def test_the_month_is_the_current_one_by_default_and_never_a_future_one() -> None:
    today = date(2026, 12, 1)
    assert actuals.parse_month(None, today=today) == "2026-12"
    assert actuals.parse_month("2026-11", today=today) == "2026-11"
    with pytest.raises(Unprocessable) as caught:
        actuals.parse_month("2027-01", today=today)
    assert caught.value.details[0]["field"] == "month" and caught.value.details[0]["code"] == "month_in_future"
    with pytest.raises(Unprocessable):
        actuals.parse_month("2026-13", today=today)


class Counting:
    def __init__(self, *answers: MonthActuals | Exception) -> None:
        self.answers = list(answers)
        self.asked = 0

    def month(self, month: str) -> MonthActuals:
        self.asked += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_a_months_answer_is_kept_for_a_while_and_a_refusal_is_not() -> None:
    answer = MonthActuals("2026-11", (ActualCost("AWS Lambda", SHARED, Decimal(1), Decimal(1)),), estimated=False)
    source = Counting(ActualCostsUnavailable("throttled", retryable=True), answer, answer)
    now = [0.0]
    cached = CachedActuals(source, ttl_seconds=3600, clock=lambda: now[0])
    with pytest.raises(ActualCostsUnavailable):
        cached.month("2026-11")
    assert cached.month("2026-11") is answer
    now[0] = 3599.0
    assert cached.month("2026-11") is answer and source.asked == 2  # each Cost Explorer request costs USD 0.01
    now[0] = 3600.0
    cached.month("2026-11")
    assert source.asked == 3
