"""A month's cost report: the priced metering lines grouped by JST, catalogue service or AWS resource, in USD and
in PLN at the region's rate, with each JST's share of the region's shared fixed costs. Pure (no AWS): the API,
the CSV, the budgets and the benches call `month_report`.

Exactness: every amount is a Decimal computed at 50 digits (no float anywhere); PLN amounts keep their exact
value (`*_exact`) and are shown in grosze rounded by largest remainder, so the shown rows add up exactly to the
shown total (`rounding.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Any, Protocol

from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.modules.costs import gateway_fees
from chalicelib.modules.costs.gateway_fees import GatewayFee
from chalicelib.modules.costs.model import CostLine
from chalicelib.modules.costs.rounding import apportion, grosze_half_up, zloty
from chalicelib.modules.costs.settings import ALLOCATION_LABELS, Allocation, CostSettings, UsdRate

REGION = "region"  # the tenant of work done for the whole region (chalicelib.core.metering.REGION)
SHARED_KEY = "wspolne"
GROUPINGS = ("tenant", "service", "resource")
NO_SERVICE = "-"
ZERO = Decimal(0)
PRECISION = 50
EXACT_PLACES = Decimal("1e-16")


@dataclass(frozen=True)
class TenantInfo:
    """What the report needs of a JST."""

    terc: str
    name: str
    population: int | None = None


class Priced(Protocol):
    @property
    def unit(self) -> str: ...
    @property
    def per(self) -> Decimal: ...
    @property
    def usd(self) -> Decimal: ...


class PriceLookup(Protocol):
    """The core's `prices.PriceList` (only what the report uses)."""

    @property
    def region(self) -> str: ...
    @property
    def valid_from(self) -> date: ...
    def price(self, resource: str) -> Priced: ...


class Counted(Protocol):
    """The core's `model.MeteredRow` (only its counts)."""

    @property
    def tenant(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def invocations(self) -> Decimal: ...
    @property
    def requests(self) -> Mapping[str, int]: ...


class RateMissing(Conflict):
    code = "rate_missing"
    message = "Brak kursu USD→PLN dla tego miesiąca ani żadnego wcześniejszego: wpisz go w ustawieniach kosztów."


class PriceMissing(Conflict):
    code = "price_missing"
    message = "Koszt wspólny wskazuje zasób, którego nie ma w cenniku."


def exact(amount: Decimal) -> str:
    return format(amount.quantize(EXACT_PLACES).normalize(), "f")


def _weights(settings: CostSettings, tenants: Mapping[str, TenantInfo],
             usage: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], str | None]:
    """Each JST's weight in the split of the shared costs, and a note when the rule could not be applied."""
    rule = settings.allocation
    if rule is Allocation.POPULATION:
        missing = sorted(t for t, info in tenants.items() if not info.population)
        if not missing:
            return {t: Decimal(info.population or 0) for t, info in tenants.items()}, None
        note = f"Brak liczby mieszkańców dla JST {', '.join(missing)}: koszty wspólne podzielono po równo."
        return {t: Decimal(1) for t in tenants}, note
    if rule is Allocation.USAGE:
        weights = {t: usage.get(t, ZERO) for t in tenants}
        if sum(weights.values()) > 0:
            return weights, None
        return {t: Decimal(1) for t in tenants}, "Brak zużycia w miesiącu: koszty wspólne podzielono po równo."
    return {t: Decimal(1) for t in tenants}, None


def split(amount: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """`amount` split by weight; the last share takes what division left over, so the shares sum to `amount`."""
    total = sum(weights.values(), ZERO)
    keys = sorted(weights)
    if not keys or total == 0:
        return {}
    shares = {k: amount * weights[k] / total for k in keys[:-1]}
    shares[keys[-1]] = amount - sum(shares.values(), ZERO)
    return shares


def shared_items(settings: CostSettings, prices: PriceLookup) -> list[dict[str, Any]]:
    items = []
    for i, item in enumerate(settings.shared):
        try:
            price = prices.price(item.resource)
        except KeyError:
            raise PriceMissing(details=[{"field": f"shared[{i}].resource", "code": "price_missing",
                                         "message": f"Cennik nie zna zasobu „{item.resource}”."}]) from None
        items.append({"name": item.name, "resource": item.resource, "quantity": item.quantity, "unit": price.unit,
                      "note": item.note, "usd": item.quantity / price.per * price.usd})
    return items


def rate_of(settings: CostSettings, month: str) -> tuple[UsdRate, dict[str, Any]]:
    rate = settings.rate_for(month)
    if rate is None:
        raise RateMissing()
    view = {"month": rate.month, "pln_per_usd": format(rate.pln_per_usd, "f"), "source": rate.source,
            "own": rate.month == month, "note": None if rate.month == month else
            f"Brak kursu dla {month}: użyto kursu z {rate.month} ({rate.source})."}
    return rate, view


@dataclass
class _Group:
    key: str
    name: str
    usd: Decimal = ZERO
    shared_usd: Decimal = ZERO
    pln: Decimal = ZERO  # costs priced in PLN already (the payment gateway's commission)
    aws_requests: int | None = 0
    invocations: int | None = 0
    quantity: Decimal | None = None
    unit: str | None = None
    rows_query: dict[str, str] | None = None


def _usage_groups(lines: Sequence[CostLine], rows: Sequence[Counted], fees: Sequence[GatewayFee], *, month: str,
                  group_by: str, tenant: str | None, names: Mapping[str, str],
                  prices: PriceLookup) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}

    def group(key: str) -> _Group:
        if key not in groups:
            query = {"month": month, **({"tenant": tenant} if tenant else {})}
            query[group_by] = key
            groups[key] = _Group(key=key, name=names.get(key, key), rows_query=query)
        return groups[key]

    for line in lines:
        g = group(getattr(line, group_by))
        g.usd += line.usd
        if group_by == "resource":
            g.quantity = (g.quantity or ZERO) + line.quantity
    for row in rows:
        if group_by == "resource":
            break
        g = group(getattr(row, group_by))
        g.aws_requests = (g.aws_requests or 0) + sum(row.requests.values())
        g.invocations = (g.invocations or 0) + int(row.invocations)
    for fee in fees:
        g = group(gateway_fees.RESOURCE if group_by == "resource" else getattr(fee, group_by))
        g.pln += fee.pln
        if group_by == "resource":
            g.quantity = (g.quantity or ZERO) + fee.payments
    for g in groups.values():
        if group_by == "resource":
            g.aws_requests = g.invocations = None
            g.unit = _unit(prices, g.key)
    if group_by == "resource" and gateway_fees.RESOURCE in groups:
        g = groups[gateway_fees.RESOURCE]
        g.name, g.unit, g.rows_query = gateway_fees.LABEL, gateway_fees.UNIT, None  # no metering rows behind it
    return groups


def _unit(prices: PriceLookup, resource: str) -> str | None:
    try:
        return prices.price(resource).unit
    except KeyError:
        return None


def month_report(lines: Iterable[CostLine], *, month: str, group_by: str, settings: CostSettings,
                 tenants: Mapping[str, TenantInfo], prices: PriceLookup, tenant: str | None = None,
                 rows: Iterable[Counted] = (), service_names: Mapping[str, str] | None = None,
                 gateway: Iterable[GatewayFee] = ()) -> dict[str, Any]:
    """The month's report (the JSON the API answers; its shape is in `costs-api` notes and the OpenAPI models).

    `lines`/`rows`: the month's priced lines and metered rows of every JST the split needs (all of them for the
    region-wide report, or when the shared costs are split by usage), the region's own (`tenant == "region"`)
    included: they are shared costs. `tenant` narrows the report to one JST. `gateway`: the payment gateway's
    commission per JST and service (PLN, `gateway_fees.py`), a usage cost of its JST and service.
    """
    if group_by not in GROUPINGS:
        raise Unprocessable(details=[{"field": "group_by", "code": "invalid_choice",
                                      "message": "Grupowanie: tenant, service albo resource."}])
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return _report(list(lines), list(rows), list(gateway), month=month, group_by=group_by, settings=settings,
                       tenants=tenants, prices=prices, tenant=tenant, service_names=service_names or {})


def _names(group_by: str, tenants: Mapping[str, TenantInfo], service_names: Mapping[str, str]) -> dict[str, str]:
    if group_by == "tenant":
        return {t: info.name for t, info in tenants.items()}
    if group_by == "service":
        return {NO_SERVICE: "bez usługi (platforma)", **service_names}
    return {}


def _with_shares(groups: dict[str, _Group], shares: Mapping[str, Decimal], *, month: str, group_by: str,
                 tenant: str | None, tenants: Mapping[str, TenantInfo], rate: Decimal) -> list[_Group]:
    """The groups with the shared costs: each JST its share (by JST), or the selection's share as its own row."""
    if group_by == "tenant":
        for terc in [t for t in (tenants if tenant is None else [tenant]) if t in tenants]:
            g = groups.setdefault(terc, _Group(key=terc, name=tenants[terc].name,
                                               rows_query={"month": month, "tenant": terc}))
            g.shared_usd = shares.get(terc, ZERO)
    else:
        selection = shares.get(tenant, ZERO) if tenant else sum(shares.values(), ZERO)
        if selection:
            groups[SHARED_KEY] = _Group(key=SHARED_KEY, name="Koszty wspólne regionu (udział)",
                                        shared_usd=selection, aws_requests=None, invocations=None)
    return sorted(groups.values(), key=lambda g: (g.key == SHARED_KEY, -((g.usd + g.shared_usd) * rate + g.pln),
                                                  g.key))


def _report(lines: list[CostLine], rows: list[Counted], gateway: list[GatewayFee], *, month: str, group_by: str,
            settings: CostSettings, tenants: Mapping[str, TenantInfo], prices: PriceLookup, tenant: str | None,
            service_names: Mapping[str, str]) -> dict[str, Any]:
    rate, rate_view = rate_of(settings, month)
    jst_usage: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        jst_usage[line.tenant] += line.usd
    region_usd = jst_usage.pop(REGION, ZERO)
    items = shared_items(settings, prices)
    shared_usd = sum((i["usd"] for i in items), ZERO) + region_usd
    weights, note = _weights(settings, tenants, jst_usage)
    shares = split(shared_usd, weights)
    chosen = [line for line in lines if line.tenant != REGION and (tenant is None or line.tenant == tenant)]
    counted = [r for r in rows if r.tenant != REGION and (tenant is None or r.tenant == tenant)]
    fees = _selected(gateway, tenant)
    groups = _usage_groups(chosen, counted, fees, month=month, group_by=group_by, tenant=tenant,
                           names=_names(group_by, tenants, service_names), prices=prices)
    ordered = _with_shares(groups, shares, month=month, group_by=group_by, tenant=tenant, tenants=tenants,
                           rate=rate.pln_per_usd)
    body = _amounts(ordered, rate.pln_per_usd)
    shown = body["totals"].pop("shared_grosze")
    region_rows = [r for r in rows if r.tenant == REGION]
    shared_block = _shared_block(items, region_usd=region_usd, region_rows=region_rows, shared_usd=shared_usd,
                                 rate=rate.pln_per_usd, target=shown if tenant is None and shares else None,
                                 month=month)
    return {
        "month": month, "group_by": group_by, "tenant": tenant, "currency": "PLN",
        "rate": rate_view,
        "prices": {"region": prices.region, "valid_from": prices.valid_from.isoformat(), "currency": "USD"},
        "allocation": {"rule": settings.allocation.value, "label": ALLOCATION_LABELS[settings.allocation],
                       "note": note},
        **body,
        "shared": shared_block,
        "gateway": _gateway_block(fees),
    }


def _selected(gateway: list[GatewayFee], tenant: str | None) -> list[GatewayFee]:
    return [f for f in gateway if f.tenant != REGION and (tenant is None or f.tenant == tenant)]


def _gateway_block(fees: list[GatewayFee]) -> dict[str, Any]:
    total = sum((f.pln for f in fees), ZERO)
    return gateway_fees.block(fees, exact=exact(total), shown=zloty(grosze_half_up(total)))


def _amounts(groups: list[_Group], rate: Decimal) -> dict[str, Any]:
    usage = [g.usd * rate + g.pln for g in groups]
    shared = [g.shared_usd * rate for g in groups]
    usage_total, shared_total = sum(usage, ZERO), sum(shared, ZERO)
    total = grosze_half_up(usage_total + shared_total)
    usage_g, shared_g = apportion([usage_total, shared_total], total)
    usage_cells, shared_cells = apportion(usage, usage_g), apportion(shared, shared_g)
    out = []
    for g, u, s, ug, sg in zip(groups, usage, shared, usage_cells, shared_cells, strict=True):
        out.append({
            "key": g.key, "name": g.name, "kind": "shared" if g.key == SHARED_KEY else "usage",
            "usage_usd": exact(g.usd), "usage_pln_exact": exact(u), "usage_pln": zloty(ug),
            "shared_usd": exact(g.shared_usd), "shared_pln_exact": exact(s), "shared_pln": zloty(sg),
            "total_pln_exact": exact(u + s), "total_pln": zloty(ug + sg),
            "aws_requests": g.aws_requests, "invocations": g.invocations,
            "quantity": None if g.quantity is None else exact(g.quantity), "unit": g.unit,
            "rows_query": g.rows_query,
        })
    counts = [g for g in groups if g.aws_requests is not None]
    return {"groups": out, "totals": {
        "usage_usd": exact(sum((g.usd for g in groups), ZERO)), "usage_pln_exact": exact(usage_total),
        "usage_pln": zloty(usage_g), "shared_usd": exact(sum((g.shared_usd for g in groups), ZERO)),
        "shared_pln_exact": exact(shared_total), "shared_pln": zloty(shared_g),
        "total_pln_exact": exact(usage_total + shared_total), "total_pln": zloty(total),
        "aws_requests": sum(g.aws_requests or 0 for g in counts) if counts else None,
        "invocations": sum(g.invocations or 0 for g in counts) if counts else None,
        "shared_grosze": shared_g,
    }}


def _shared_block(items: list[dict[str, Any]], *, region_usd: Decimal, region_rows: list[Counted],
                  shared_usd: Decimal, rate: Decimal, target: int | None, month: str) -> dict[str, Any]:
    """The region's shared costs in full: the fixed items, then the region's own metered work."""
    pln = [i["usd"] * rate for i in items] + [region_usd * rate]
    total = sum(pln, ZERO)
    shown = apportion(pln, grosze_half_up(total) if target is None else target)
    listed = [{**{k: v for k, v in i.items() if k not in ("usd", "quantity")}, "quantity": exact(i["quantity"]),
               "usd": exact(i["usd"]), "pln_exact": exact(p), "pln": zloty(g)}
              for i, p, g in zip(items, pln[:-1], shown[:-1], strict=True)]
    return {
        "items": listed,
        "region_usage": {"usd": exact(region_usd), "pln_exact": exact(pln[-1]), "pln": zloty(shown[-1]),
                         "aws_requests": sum(sum(r.requests.values()) for r in region_rows),
                         "invocations": sum(int(r.invocations) for r in region_rows),
                         "rows_query": {"month": month, "tenant": REGION} if region_usd or region_rows else None},
        "usd": exact(shared_usd), "pln_exact": exact(total), "pln": zloty(sum(shown)),
    }
