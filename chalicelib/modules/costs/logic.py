"""The costs' request rules: which month a report is for, and the price list shown for it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from chalicelib.core.errors import NotFound, Unprocessable
from chalicelib.modules.costs.prices import NoPriceList, PriceList, price_list

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def parse_month(text: str | None, *, today: date) -> str:
    """A month from the query (YYYY-MM), the current Warsaw month when left out; 422 at `month` otherwise."""
    if text is None:
        return today.strftime("%Y-%m")
    if MONTH.match(text):
        return text
    raise Unprocessable(details=[{"field": "month", "code": "month_invalid",
                                  "message": "Podaj miesiąc w postaci RRRR-MM, np. 2026-11."}])


def prices_of(month: str) -> PriceList:
    try:
        return price_list(month)
    except NoPriceList:
        raise NotFound(f"Brak cennika AWS dla miesiąca {month}: platforma nie wycenia okresu sprzed cennika.",
                       code="no_price_list") from None


def price_list_view(prices: PriceList, month: str) -> dict[str, Any]:
    return {
        "month": month, "region": prices.region, "valid_from": prices.valid_from, "currency": prices.currency,
        "file": prices.file, "unconfirmed": prices.unconfirmed(),
        "prices": [{"resource": p.resource, "unit": p.unit, "per": str(p.per), "usd": str(p.usd),
                    "source": p.source, "checked_on": p.checked_on, "confirmed": p.confirmed,
                    "evidence": p.evidence}
                   for p in prices.prices.values()],
    }
