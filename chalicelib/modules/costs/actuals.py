"""The estimate (metering x prices, `model.cost_lines`) set against what AWS billed (Cost Explorer), per AWS
service for the region and per JST where the cost-allocation tag allows (pure; see README "Actual costs").

Only resources that carry the JST tag are split per JST by AWS: on this architecture, the JSTs' own payment
secrets. The shared Lambdas, tables, queues, buckets and the key serve every JST and are billed untagged
(`SHARED`), which is why the estimate from metering exists at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from chalicelib.core.errors import ApiError, Unprocessable
from chalicelib.integrations.actual_costs import SHARED, MonthActuals
from chalicelib.modules.costs import logic

# The prices' resource families (`<family>.<what>`) under Cost Explorer's SERVICE names, as they appear in
# public GetCostAndUsage responses grouped by SERVICE (cloudscape-design/components
# pages/line-chart/popover-drilldown-sample-data.ts, kyopark2014/llm-streamlit cost_analysis.md; API Gateway's
# and SES's only in public scripts that read such responses): see README "Actual costs".
AWS_SERVICES = {
    "lambda": "AWS Lambda",
    "apigateway": "Amazon API Gateway",
    "dynamodb": "Amazon DynamoDB",
    "s3": "Amazon Simple Storage Service",
    "sqs": "Amazon Simple Queue Service",
    "ses": "Amazon Simple Email Service",
    "kms": "AWS Key Management Service",
    "secretsmanager": "AWS Secrets Manager",
    "logs": "AmazonCloudWatch",
}
OTHER = "Inne"  # resources the price list keeps visible at 0 (other.requests) and anything not mapped above
USD_PLACES = Decimal("0.000001")
RATIO_PLACES = Decimal("0.01")


class PricedLine(Protocol):
    """What the comparison needs of a `model.CostLine`."""

    @property
    def tenant(self) -> str: ...
    @property
    def resource(self) -> str: ...
    @property
    def usd(self) -> Decimal: ...


@dataclass(frozen=True)
class Compared:
    service: str
    estimate: Decimal
    actual: Decimal
    tenant: str | None = None

    @property
    def difference(self) -> Decimal:
        """Actual minus estimate: positive when AWS billed more than the metering accounts for."""
        return self.actual - self.estimate

    @property
    def ratio(self) -> Decimal | None:
        """Actual / estimate, None where nothing was estimated."""
        return (self.actual / self.estimate).quantize(RATIO_PLACES, ROUND_HALF_UP) if self.estimate else None


@dataclass(frozen=True)
class Comparison:
    month: str
    final: bool  # AWS closed the month; otherwise its amounts may still change
    services: tuple[Compared, ...]  # the region, one per AWS service found on either side
    tenants: tuple[Compared, ...]  # a JST and a service, only where AWS split the cost by the JST's tag
    total: Compared
    shared_actual: Decimal  # what AWS billed without the JST tag


def aws_service(resource: str) -> str:
    """Cost Explorer's SERVICE of a price list resource (`lambda.compute` -> "AWS Lambda")."""
    return AWS_SERVICES.get(resource.split(".", 1)[0], OTHER)


def compare(lines: Iterable[PricedLine], actuals: MonthActuals) -> Comparison:
    estimate: dict[str, Decimal] = defaultdict(Decimal)
    estimate_of_jst: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        service = aws_service(line.resource)
        estimate[service] += line.usd
        estimate_of_jst[(line.tenant, service)] += line.usd
    actual: dict[str, Decimal] = defaultdict(Decimal)
    actual_of_jst: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for cost in actuals.lines:
        actual[cost.service] += cost.usd
        if cost.tenant != SHARED:
            actual_of_jst[(cost.tenant, cost.service)] += cost.usd
    services = tuple(Compared(service=s, estimate=estimate.get(s, Decimal(0)), actual=actual.get(s, Decimal(0)))
                     for s in sorted(set(estimate) | set(actual)))
    tenants = tuple(Compared(service=s, tenant=t, estimate=estimate_of_jst.get((t, s), Decimal(0)), actual=a)
                    for (t, s), a in sorted(actual_of_jst.items()))
    total = Compared(service="razem", estimate=sum(estimate.values(), Decimal(0)),
                     actual=sum(actual.values(), Decimal(0)))
    shared = sum((c.usd for c in actuals.lines if c.tenant == SHARED), Decimal(0))
    return Comparison(month=actuals.month, final=not actuals.estimated, services=services, tenants=tenants,
                      total=total, shared_actual=shared)


def usd(amount: Decimal) -> str:
    return str(amount.quantize(USD_PLACES, ROUND_HALF_UP))


def row(compared: Compared) -> dict[str, object]:
    out: dict[str, object] = {"service": compared.service, "estimate_usd": usd(compared.estimate),
                              "actual_usd": usd(compared.actual), "difference_usd": usd(compared.difference),
                              "ratio": None if compared.ratio is None else str(compared.ratio)}
    if compared.tenant is not None:
        out = {"tenant": compared.tenant, **out}
    return out


def view(comparison: Comparison, *, prices_valid_from: str, region: str) -> dict[str, object]:
    """The API's answer (amounts as decimal strings in USD, 6 places; the ratio 2 places or null)."""
    return {
        "month": comparison.month,
        "region": region,
        "currency": "USD",
        "final": comparison.final,
        "prices_valid_from": prices_valid_from,
        "services": [row(c) for c in comparison.services],
        "tenants": [row(c) for c in comparison.tenants],
        "total": row(comparison.total),
        "shared_actual_usd": usd(comparison.shared_actual),
    }


class ActualCostsUnavailable(ApiError):
    status = 503
    code = "actual_costs_unavailable"
    message = ("Rzeczywiste koszty z AWS Cost Explorer są teraz niedostępne (lokalnie nie ma tej usługi; w AWS: "
               "brak danych za ten miesiąc, uprawnień albo odpowiedzi). Szacunek kosztów jest w raporcie kosztów.")


def parse_month(raw: str | None, *, today: date) -> str:
    """The `month` query parameter as the other cost routes read it (YYYY-MM, the current month when left out),
    and not after the current month: AWS has no bill for it (422 at `month`)."""
    month = logic.parse_month(raw, today=today)
    if month > today.strftime("%Y-%m"):
        raise Unprocessable(details=[{"field": "month", "code": "month_in_future",
                                      "message": "Ten miesiąc jeszcze się nie zaczął: AWS nie ma za niego rachunku."}])
    return month
