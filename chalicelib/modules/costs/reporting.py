"""The month's cost report and its drill-down read from AWS: the region's settings, the JSTs, the price list and
the metering partitions (one Query each, a few at once), then the pure report (`report.py`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.core.errors import Forbidden, Unprocessable
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules import catalogue, payments, tenants
from chalicelib.modules.costs import gateway_fees, logic, queries, report
from chalicelib.modules.costs.fees_vs_costs import Fees
from chalicelib.modules.costs.gateway_fees import GatewayFee
from chalicelib.modules.costs.model import CostLine, MeteredRow, cost_lines
from chalicelib.modules.costs.prices import PriceList
from chalicelib.modules.costs.report import REGION, RateMissing, TenantInfo
from chalicelib.modules.costs.report_wiring import cost_settings
from chalicelib.modules.costs.repository import MeteringReader
from chalicelib.modules.costs.settings import CostSettings
from chalicelib.modules.costs.wiring import metering_reader


def region_settings() -> CostSettings:
    stored = cost_settings().get()
    return stored.settings if stored else CostSettings()


def tenant_infos(configs: Sequence[TenantConfig] | None = None) -> dict[str, TenantInfo]:
    chosen = tenants.configs() if configs is None else configs
    return {c.terc: TenantInfo(c.terc, c.name, c.population) for c in chosen}


def _service_names() -> dict[str, str]:
    return {d.id: d.name for d in catalogue.definitions().latest_all()}


RollupReader = Callable[[str], tuple[list[MeteredRow], str | None]]


Paid = Mapping[str, Mapping[str, Fees]]  # a JST's payments verified in the month: Warsaw day -> service -> sums


def payments_of(month: str, tercs: Sequence[str]) -> dict[str, Paid]:
    """The JSTs' payments verified in the month per Warsaw day and service (one Query each, a few at once)."""
    return dict(queries.read_all(lambda terc: [(terc, payments.fees_of_month_by_day(terc, month))], tercs))


def gateway_fees_of(month: str, tenant: str | None, configs: Sequence[TenantConfig],
                    paid: Mapping[str, Paid] | None = None) -> list[GatewayFee]:
    """The payment gateway's commission of the month per JST, Warsaw day and service: each JST with a contract
    rate, its payments verified in the month (`paid`, or read here for the rated JSTs) at that rate."""
    rates = {c.terc: c.payments.commission for c in configs
             if c.payments is not None and c.payments.commission is not None and tenant in (None, c.terc)}
    read = payments_of(month, sorted(rates)) if paid is None else paid
    return [fee for terc in sorted(rates) for fee in gateway_fees.of_days(terc, rates[terc], read.get(terc, {}))]


@dataclass(frozen=True)
class MonthInputs:
    """What a month's report is made of, read once: the region's settings, prices and JSTs, the metered rows and
    their priced lines (of every partition the report needs), the gateway's commission; `through`: the day a
    roll-up was read up to (None: the day rows, live)."""

    month: str
    settings: CostSettings
    prices: PriceList
    infos: dict[str, TenantInfo]
    rows: list[MeteredRow]
    lines: list[CostLine]
    gateway: list[GatewayFee]
    through: str | None = None
    paid: Mapping[str, Paid] = field(default_factory=dict)  # every JST's payments, when asked for (fees-vs-costs)


def month_inputs(month: str, *, tenant: str | None = None, reader: MeteringReader | None = None,
                 rollups: RollupReader | None = None, live: bool = False, all_paid: bool = False) -> MonthInputs:
    """The month's inputs for one JST's report or the region's (every JST's partition). Region-wide and not
    `live`, a month with a roll-up is read from it (one Query); otherwise from the day rows, one Query per
    partition, a few at once. The payments of the JSTs with a contract rate are read for the commission, of every
    JST in the report (`paid`) with `all_paid`: one Query per JST either way."""
    if tenant is not None:
        tenants.config(tenant)  # an unknown JST is 404
    settings = region_settings()
    prices = logic.prices_of(month)
    configs = tenants.configs()
    infos = tenant_infos(configs)
    rows, through = (rollups or _stored_rollup)(month) if tenant is None and not live else ([], None)
    if through is None:
        read = reader or metering_reader()
        rows = queries.read_all(lambda terc: read.month(terc, month), queries.partitions(tenant, infos, settings))
    paid = payments_of(month, [tenant] if tenant else sorted(infos)) if all_paid else None
    return MonthInputs(month=month, settings=settings, prices=prices, infos=infos, rows=rows,
                       lines=cost_lines(rows, prices), gateway=gateway_fees_of(month, tenant, configs, paid),
                       through=through, paid=paid or {})


def report_of(inputs: MonthInputs, *, tenant: str | None, group_by: str,
              service_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The month's report (JSON shape: report_models.CostReport) from its inputs, region-wide or for one JST."""
    return report.month_report(inputs.lines, month=inputs.month, group_by=group_by, settings=inputs.settings,
                               tenants=inputs.infos, prices=inputs.prices, tenant=tenant, rows=inputs.rows,
                               service_names=service_names, gateway=inputs.gateway)


def month_costs(month: str, *, tenant: str | None = None, group_by: str = "tenant",
                reader: MeteringReader | None = None, rollups: RollupReader | None = None) -> dict[str, Any]:
    """The month's report, region-wide or for one JST: what `GET /v1/finance/costs` answers. Region-wide, a month
    with a roll-up is read from it (`through` says up to which day)."""
    inputs = month_inputs(month, tenant=tenant, reader=reader, rollups=rollups)
    return {**report_of(inputs, tenant=tenant, group_by=group_by, service_names=_service_names()),
            "through": inputs.through}


def _stored_rollup(month: str) -> tuple[list[MeteredRow], str | None]:
    from chalicelib.modules.costs import rollup_store

    return rollup_store.month_rollup(month)


def rows_behind(month: str, *, tenant: str | None, service: str | None, resource: str | None,
                regional: bool) -> dict[str, Any]:
    """The metered rows behind a figure: one JST's (or the region's own work, for the region's finance), or every
    JST's when no JST is named."""
    if tenant == REGION and not regional:
        raise Forbidden("Pracę wykonaną dla całego regionu widzą finanse regionu.", code="tenant_forbidden")
    if tenant not in (None, REGION):
        tenants.config(tenant)
    settings = region_settings()
    rate = settings.rate_for(month)
    if rate is None:
        raise RateMissing()
    prices = logic.prices_of(month)
    keys = [tenant] if tenant else sorted(tenant_infos())
    read = metering_reader()
    rows = queries.read_all(lambda terc: read.month(terc, month), keys)
    found = queries.drill_down(rows, cost_lines(rows, prices), rate=rate.pln_per_usd, service=service,
                               resource=resource)
    _, rate_view = report.rate_of(settings, month)
    return {"month": month, "tenant": tenant, "service": service, "resource": resource, "rate": rate_view, **found}


def check_shared_prices(settings: CostSettings, month: str) -> None:
    """Every shared item names a resource of the current price list (422 at `shared[i].resource`)."""
    try:
        report.shared_items(settings, logic.prices_of(month))
    except report.PriceMissing as exc:
        raise Unprocessable(details=exc.details) from None
