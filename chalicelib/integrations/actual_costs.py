"""The port for what AWS actually billed (Cost Explorer now; a Cost and Usage Report reader could be another adapter).

Amounts are USD as `Decimal`, never float. A line is one AWS service (Cost Explorer's SERVICE value, e.g.
"AWS Lambda") and one JST (the TERC in the cost-allocation tag) or `SHARED` for costs without the tag: the shared
Lambdas, tables, queues and buckets serve every JST, so most of the bill lands there.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

SHARED = "wspólne"  # costs whose resources carry no JST tag (the tag's value is empty)
# The cost-allocation tag holding a JST's TERC, on the resources that belong to one JST alone (its payment keys);
# activated as a cost-allocation tag in the billing console, Cost Explorer groups the bill by it.
JST_TAG = "eurzad:jst"


@dataclass(frozen=True)
class ActualCost:
    service: str  # Cost Explorer's SERVICE dimension value
    tenant: str  # the JST's TERC from the tag, or SHARED
    usd: Decimal  # UnblendedCost
    usage: Decimal  # UsageQuantity (summed over the service's usage types: mixed units, for information only)


@dataclass(frozen=True)
class MonthActuals:
    month: str  # YYYY-MM
    lines: tuple[ActualCost, ...]
    estimated: bool  # AWS has not closed the month yet: the amounts may still change


class ActualCostsUnavailable(RuntimeError):
    """The billing data could not be read; `retryable` when asking again later may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class ActualCostSource(Protocol):
    def month(self, month: str) -> MonthActuals:
        """What AWS billed in `month` (YYYY-MM) per service and JST; ActualCostsUnavailable when it cannot say."""
