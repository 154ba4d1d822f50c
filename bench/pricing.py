"""The benches' prices: the platform's one dated AWS price list (`chalicelib/modules/costs/prices/*.toml`), the
list valid in the current month, the same one the costs report prices the metering with. A bench keeps no price of
its own, so its dollars cannot drift from the report's; a resource the list lacks is added to the list (with its
AWS page as source), not to a bench.

Resources are the list's names: `dynamodb.read`, `dynamodb.write`, `sqs.requests`, `apigateway.requests`,
`lambda.requests`, `lambda.compute` (GB-s), `s3.tier1`, `s3.tier2`, `ses.messages`, `secretsmanager.requests`…
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.modules.costs import Price, PriceList

ROOT = Path(__file__).resolve().parent.parent


def this_month() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y-%m}"


@functools.cache
def price_list(month: str | None = None) -> PriceList:
    """The list valid on the first day of `month` ("YYYY-MM"; the current month when None)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from chalicelib.modules.costs import price_list as listed  # after the bench has set the app's environment

    return listed(month or this_month())


def price(resource: str) -> Price:
    return price_list().price(resource)


def cost(resource: str, quantity: Decimal) -> Decimal:
    """USD of `quantity` units of `resource`, exactly as the costs report computes it."""
    return price(resource).cost(quantity)


def usd(resource: str, quantity: float) -> float:
    """The same as `cost`, as a float for the benches' arithmetic on means and medians."""
    return float(cost(resource, Decimal(repr(float(quantity)))))


def invocation_usd(memory_mb: float, billed_ms: float, *, http: bool) -> float:
    """One Lambda invocation (its request and its GB-seconds), plus the API Gateway request when it came over HTTP."""
    gb_seconds = memory_mb / 1024.0 * billed_ms / 1000.0
    return (usd("lambda.requests", 1) + usd("lambda.compute", gb_seconds)
            + (usd("apigateway.requests", 1) if http else 0.0))


def step_usd(s: Mapping[str, Any], *, http: bool) -> float:
    """USD of one invocation as `requests_per_operation.summarize` gives it: its read and write units (the
    metering's own write too), SQS and Secrets Manager requests, the Lambda request and GB-seconds billed on the
    median wall time, and the API Gateway request when it came over HTTP."""
    sqs = sum(v for k, v in s["requests"].items() if k.startswith("sqs:"))
    secrets = s["requests"].get("secretsmanager:GetSecretValue", 0.0)
    return (usd("dynamodb.read", s["rcu"]) + usd("dynamodb.write", s["wcu"] + s["metering_wcu"])
            + usd("sqs.requests", sqs) + usd("secretsmanager.requests", secrets)
            + invocation_usd(s["memory_mb"], int(s["wall_ms"]) + 1, http=http))


def named() -> str:
    """The list as a results file names it: file, region, day it is valid from."""
    prices = price_list()
    return f"`{prices.file}` ({prices.region}, valid from {prices.valid_from.isoformat()})"


def prices_note(resources: Iterable[str]) -> str:
    """One sentence for a results file: which list priced it and the figures of the resources the bench used."""
    listed = price_list()
    figures = []
    for resource in resources:
        p = listed.price(resource)
        figures.append(f"`{resource}` ${p.usd} per {p.per:,} {p.unit}")
    return (f"Prices: the platform's price list {named()}, {listed.currency}, on demand, first tier, free tiers "
            f"ignored: {'; '.join(figures)}.")
