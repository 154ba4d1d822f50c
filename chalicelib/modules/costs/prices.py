"""AWS unit prices as dated data: one TOML file per price list under `prices/`, each price with its public source
and the day it was read. A month is priced by the list valid on its first day, so a price change never rewrites
a closed month."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

PRICES_DIR = Path(__file__).with_name("prices")


class NoPriceList(LookupError):
    """No price list was valid on the month's first day (a month before the first list)."""


@dataclass(frozen=True)
class Price:
    resource: str
    unit: str
    per: Decimal  # the price is for this many units
    usd: Decimal
    source: str
    checked_on: date
    confirmed: bool
    # What a public source said of the figure when it was compared (a URL or repo/path and the figure), "" when no
    # source was found. Not a confirmation: `confirmed` stays for a comparison with the live AWS page.
    evidence: str = ""

    def cost(self, quantity: Decimal) -> Decimal:
        return quantity * self.usd / self.per


@dataclass(frozen=True)
class PriceList:
    region: str
    valid_from: date
    currency: str
    prices: dict[str, Price]
    file: str

    def price(self, resource: str) -> Price:
        try:
            return self.prices[resource]
        except KeyError:
            raise KeyError(f"no price for {resource!r} in {self.file}") from None

    def unconfirmed(self) -> list[str]:
        return sorted(r for r, p in self.prices.items() if not p.confirmed)


def parse(text: str, *, file: str) -> PriceList:
    data = tomllib.loads(text)
    prices = {name: _price(name, entry) for name, entry in data["prices"].items()}
    return PriceList(region=data["region"], valid_from=data["valid_from"], currency=data["currency"],
                     prices=prices, file=file)


def _price(name: str, entry: dict[str, Any]) -> Price:
    usd = Decimal(str(entry["usd"]))  # a string in the file: no float ever holds a price
    per = Decimal(str(entry["per"]))
    if usd < 0 or per <= 0:
        raise ValueError(f"price {name!r}: usd must be >= 0 and per > 0")
    evidence = entry.get("evidence", "")
    if not isinstance(evidence, str):
        raise ValueError(f"price {name!r}: evidence must be a string")
    return Price(resource=name, unit=entry["unit"], per=per, usd=usd, source=entry["source"],
                 checked_on=entry["checked_on"], confirmed=bool(entry["confirmed"]), evidence=evidence)


@lru_cache(maxsize=1)
def _lists() -> tuple[PriceList, ...]:
    lists = [parse(p.read_text(encoding="utf-8"), file=p.name) for p in sorted(PRICES_DIR.glob("*.toml"))]
    return tuple(sorted(lists, key=lambda pl: pl.valid_from))


def price_list(month: str) -> PriceList:
    """The price list valid on the first day of `month` ("YYYY-MM")."""
    first = date.fromisoformat(f"{month}-01")
    valid = [pl for pl in _lists() if pl.valid_from <= first]
    if not valid:
        raise NoPriceList(month)
    return valid[-1]
