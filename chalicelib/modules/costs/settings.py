"""The region's cost settings: the USD→PLN rate of each month (with its source), the rule that splits the shared
fixed costs among the JSTs, and those shared fixed items. Entered by the region's finance (`PUT
/v1/finance/cost-settings`), loaded for the demo from `region/demo/koszty.yaml`. Pure: pydantic only.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(value: str) -> str:
    if not MONTH_RE.fullmatch(value):
        raise ValueError("Miesiąc ma format RRRR-MM, np. 2026-11.")
    return value


Month = Annotated[str, AfterValidator(check_month)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Allocation(str, Enum):
    """How the shared fixed costs are split among the JSTs."""

    EQUAL = "equal"
    POPULATION = "population"
    USAGE = "usage"


ALLOCATION_LABELS = {
    Allocation.EQUAL: "po równo między JST",
    Allocation.POPULATION: "proporcjonalnie do liczby mieszkańców",
    Allocation.USAGE: "proporcjonalnie do zużycia JST w miesiącu",
}


class UsdRate(Strict):
    """The PLN price of one USD for a month, as finance takes it (e.g. the NBP's table A of the month's last
    working day)."""

    month: Month
    pln_per_usd: Decimal = Field(gt=0, le=100, max_digits=10, decimal_places=6)
    source: str = Field(min_length=3, max_length=200, description="Skąd kurs, np. „NBP, tabela A nr 231/A/NBP/2026”.")


class SharedItem(Strict):
    """A fixed cost of the whole region (a KMS key, a secret, the portal's hosting…): a monthly quantity of a
    resource of the price list."""

    name: str = Field(min_length=3, max_length=200)
    resource: str = Field(pattern=r"^[a-z0-9]+\.[a-z0-9_]+$", max_length=60)
    quantity: Decimal = Field(ge=0, max_digits=18, decimal_places=6,
                              description="Ilość w miesiącu (jednostka cennika).")
    note: str | None = Field(default=None, max_length=500, description="Jak ilość oszacowano.")


class CostSettings(Strict):
    rates: list[UsdRate] = Field(default_factory=list, max_length=600)
    allocation: Allocation = Allocation.EQUAL
    shared: list[SharedItem] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _one_rate_a_month(self) -> CostSettings:
        months = [r.month for r in self.rates]
        if len(months) != len(set(months)):
            raise ValueError("Każdy miesiąc może mieć tylko jeden kurs.")
        return self

    def rate_for(self, month: str) -> UsdRate | None:
        """The month's rate, or the latest earlier one (a month without its own rate uses it); None if none."""
        earlier = [r for r in self.rates if r.month <= month]
        return max(earlier, key=lambda r: r.month) if earlier else None


def days_in_month(month: str) -> int:
    year, mon = int(month[:4]), int(month[5:7])
    first = date(year, mon, 1)
    following = date(year + (mon == 12), mon % 12 + 1, 1)
    return (following - first).days
