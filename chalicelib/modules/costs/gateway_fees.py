"""The payment gateway's commission as a running cost: per JST and catalogue service, the month's payments
verified online (the payments module's `fees_of_month`) at the JST's contract rate (`PaymentsSetting.commission`:
a percent of each payment plus a fixed amount per payment). Pure: no AWS.

Why the contract rate and not the gateway's own figure: the gateway states its commission only in its day report,
which the platform reads live for a day's reconciliation and does not keep; a month's cost report cannot ask the
gateway for every day of every JST. The amounts are PLN already (no USD rate) and kept exact (Decimal); the report
rounds them to grosze with the AWS amounts, so its totals still add up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

RESOURCE = "payment_gateway.commission"
LABEL = "Prowizja operatora płatności"
UNIT = "płatność"
SOURCE = "contract"  # the JST's contract rate applied to each verified payment
NOTE = ("Prowizja wyliczona ze stawek z umów JST z operatorem płatności (procent od każdej wpłaty potwierdzonej "
        "w miesiącu i stała opłata za wpłatę); zwrot wpłaty nie zmniejsza prowizji.")
HUNDRED = Decimal(100)


class Rate(Protocol):
    """A JST's contract rate (`chalicelib.model.tenant.GatewayCommission`)."""

    @property
    def percent(self) -> Decimal: ...
    @property
    def fixed_grosze(self) -> int: ...


class Fees(Protocol):
    """A service's fees paid online in the month (the payments module's `ServiceFees`)."""

    @property
    def count(self) -> int: ...
    @property
    def paid(self) -> int: ...


@dataclass(frozen=True)
class GatewayFee:
    """One JST's commission for one catalogue service in a month, or on one Warsaw day of it (exact PLN)."""

    tenant: str
    service: str
    payments: int
    pln: Decimal
    day: str | None = None  # the Warsaw day of the payments (the budgets' days need it), None: the whole month


def commission(rate: Rate, payments: int, paid_grosze: int) -> Decimal:
    """The exact commission in złoty on `payments` payments of `paid_grosze` in all."""
    return (Decimal(paid_grosze) * rate.percent / HUNDRED + payments * rate.fixed_grosze) / HUNDRED


def of_tenant(terc: str, rate: Rate, fees: Mapping[str, Fees]) -> list[GatewayFee]:
    """The JST's commission per service of the month's payments."""
    return [GatewayFee(terc, service, f.count, commission(rate, f.count, f.paid))
            for service, f in sorted(fees.items()) if f.count]


def of_days(terc: str, rate: Rate, days: Mapping[str, Mapping[str, Fees]]) -> list[GatewayFee]:
    """The JST's commission per day and service (the rate is linear, so the days sum to the month's exactly)."""
    return [GatewayFee(terc, fee.service, fee.payments, fee.pln, day)
            for day, fees in sorted(days.items()) for fee in of_tenant(terc, rate, fees)]


def block(fees: list[GatewayFee], *, exact: str, shown: str) -> dict[str, Any]:
    """What the report says of the commission of its selection: how much, on how many payments, from where."""
    return {"resource": RESOURCE, "label": LABEL, "source": SOURCE, "note": NOTE,
            "payments": sum(f.payments for f in fees), "pln_exact": exact, "pln": shown}
