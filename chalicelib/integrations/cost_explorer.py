"""AWS Cost Explorer (GetCostAndUsage) behind the actual-costs port.

Cost Explorer has a single endpoint, in us-east-1 (ce.us-east-1.amazonaws.com), whatever region the platform runs
in: the client is made for us-east-1 and the region's costs are picked with a REGION filter. One month, MONTHLY,
UnblendedCost and UsageQuantity, grouped by SERVICE and by the JST cost-allocation tag; the answer is paged on
NextPageToken. Every request costs USD 0.01, so the caller keeps the answer for a while (see `wiring`).
Locally `AWS_ENDPOINT_URL` points every client at the emulator, which has no Cost Explorer: its refusal is
mapped like any other to ActualCostsUnavailable, so the platform learns it from the endpoint's answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.integrations.actual_costs import JST_TAG, SHARED, ActualCost, ActualCostsUnavailable, MonthActuals

ENDPOINT_REGION = "us-east-1"  # the only region Cost Explorer answers in
METRICS = ("UnblendedCost", "UsageQuantity")
MAX_PAGES = 20  # a month of ~10 services x a few hundred JSTs fits in far fewer; a runaway loop costs money
# Cost Explorer's errors worth asking again for later (quota, a changed request while paging, AWS's own faults).
RETRYABLE = frozenset({"LimitExceededException", "RequestChangedException", "InvalidNextTokenException",
                       "ThrottlingException", "ServiceUnavailableException", "InternalServerException"})


def month_period(month: str) -> dict[str, str]:
    """The month as Cost Explorer's TimePeriod: the first day, inclusive, to the next month's first, exclusive."""
    start = date.fromisoformat(f"{month}-01")
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return {"Start": start.isoformat(), "End": end.isoformat()}


def request(month: str, *, region: str, tag_key: str = JST_TAG, token: str | None = None) -> dict[str, Any]:
    """The GetCostAndUsage parameters of one page of the month."""
    params: dict[str, Any] = {
        "TimePeriod": month_period(month),
        "Granularity": "MONTHLY",
        "Metrics": list(METRICS),
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "TAG", "Key": tag_key}],
        "Filter": {"Dimensions": {"Key": "REGION", "Values": [region]}},
    }
    if token:
        params["NextPageToken"] = token
    return params


def tenant_of(keys: Iterable[str], tag_key: str) -> tuple[str, str]:
    """(service, tenant) of a group's keys: the tag's key is `<tag>$<value>`, an empty value is SHARED."""
    service, tenant = "", SHARED
    for key in keys:
        if key.startswith(f"{tag_key}$"):
            tenant = key[len(tag_key) + 1:] or SHARED
        else:
            service = key
    return service, tenant


def _amount(metrics: Mapping[str, Any], name: str, *, currency: str | None) -> Decimal:
    metric = metrics.get(name) or {}
    if currency is not None and metric.get("Unit", currency) != currency:
        raise ActualCostsUnavailable(f"Cost Explorer answered {name} in {metric.get('Unit')}, not {currency}",
                                     retryable=False)
    try:
        return Decimal(str(metric.get("Amount", "0")))
    except InvalidOperation as exc:
        raise ActualCostsUnavailable(f"Cost Explorer answered {name} {metric.get('Amount')!r}",
                                     retryable=False) from exc


def parse_page(page: Mapping[str, Any], tag_key: str = JST_TAG) -> tuple[list[ActualCost], bool]:
    """One page's lines and whether AWS marks any of it estimated."""
    lines: list[ActualCost] = []
    estimated = False
    for result in page.get("ResultsByTime", []):
        estimated = estimated or bool(result.get("Estimated", False))
        for group in result.get("Groups", []):
            service, tenant = tenant_of(group.get("Keys", []), tag_key)
            metrics = group.get("Metrics", {})
            lines.append(ActualCost(service=service, tenant=tenant,
                                    usd=_amount(metrics, "UnblendedCost", currency="USD"),
                                    usage=_amount(metrics, "UsageQuantity", currency=None)))
    return lines, estimated


def merge(lines: Iterable[ActualCost]) -> tuple[ActualCost, ...]:
    """One line per service and JST (a group may continue on the next page), sorted."""
    sums: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for line in lines:
        usd, usage = sums.get((line.service, line.tenant), (Decimal(0), Decimal(0)))
        sums[(line.service, line.tenant)] = (usd + line.usd, usage + line.usage)
    return tuple(ActualCost(service=s, tenant=t, usd=u, usage=q) for (s, t), (u, q) in sorted(sums.items()))


def unavailable(exc: Exception) -> ActualCostsUnavailable:
    """The port's error for what botocore raised: retryable for quotas, timeouts and AWS's own faults."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        retryable = code in RETRYABLE or status >= 500
        return ActualCostsUnavailable(f"Cost Explorer refused: {code} {error.get('Message', '')}".strip(),
                                      retryable=retryable)
    retryable = isinstance(exc, ConnectionError | HTTPClientError)  # unreachable, timed out, cut off
    return ActualCostsUnavailable(f"Cost Explorer unreachable: {exc}", retryable=retryable)


def ce_client() -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)
    return boto3.session.Session(region_name=ENDPOINT_REGION).client("ce", config=config)


class CostExplorer:
    """ActualCostSource over a Cost Explorer client (made for us-east-1; tests pass a stubbed one)."""

    def __init__(self, client: Any, *, region: str, tag_key: str = JST_TAG) -> None:
        self._client = client
        self._region = region
        self._tag_key = tag_key

    def month(self, month: str) -> MonthActuals:
        from botocore.exceptions import BotoCoreError, ClientError

        lines: list[ActualCost] = []
        estimated = False
        token: str | None = None
        for _ in range(MAX_PAGES):
            try:
                page = self._client.get_cost_and_usage(**request(month, region=self._region,
                                                                 tag_key=self._tag_key, token=token))
            except (ClientError, BotoCoreError) as exc:
                raise unavailable(exc) from exc
            found, page_estimated = parse_page(page, self._tag_key)
            lines.extend(found)
            estimated = estimated or page_estimated
            token = page.get("NextPageToken") or None
            if token is None:
                return MonthActuals(month=month, lines=merge(lines), estimated=estimated)
        raise ActualCostsUnavailable(f"Cost Explorer still paging after {MAX_PAGES} pages", retryable=False)
