"""The payment gateway's commission in the month's cost report: the JST's contract rate on each payment verified
online, a PLN cost (no USD rate) of its JST and service, and shown grosze that still add up exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.model.tenant import GatewayCommission, TenantConfig
from chalicelib.modules.costs import csv_report, gateway_fees
from chalicelib.modules.costs.gateway_fees import GatewayFee
from chalicelib.modules.costs.report import TenantInfo, month_report
from chalicelib.modules.costs.settings import Allocation, CostSettings, SharedItem, UsdRate
from chalicelib.modules.payments.logic import ServiceFees
from tests.unit.test_cost_report import (
    KMS,
    LESZNOWOLA,
    PIASECZNO,
    TENANTS,
    Prices,
    assert_grosze_add_up,
    costs,
    line,
)

SANDBOX = GatewayCommission(percent=Decimal("1.2"), fixed_grosze=30, contract="umowa demonstracyjna")
ROAD = "zajecie-pasa-drogowego"


def fee(tenant: str, service: str, pln: str, payments: int = 1) -> GatewayFee:
    return GatewayFee(tenant=tenant, service=service, payments=payments, pln=Decimal(pln))


def test_the_contract_rate_is_a_percent_of_each_payment_plus_a_fixed_fee_per_payment() -> None:
    # 1.2 % of 17 zł = 0.204 zł, + 0.30 zł
    assert gateway_fees.commission(SANDBOX, 1, 1700) == Decimal("0.504")
    fees = {ROAD: ServiceFees(ROAD, 3, 30_000, 2_500), "pismo-ogolne": ServiceFees("pismo-ogolne", 0, 0, 0)}
    # 1.2 % of 300 zł = 3.60 zł, + 3 x 0.30 zł; the refund does not lower it; a service with no payment has none
    assert gateway_fees.of_tenant(PIASECZNO, SANDBOX, fees) == [GatewayFee(PIASECZNO, ROAD, 3, Decimal("4.5"))]


def test_a_contract_rate_out_of_range_is_refused_and_the_demo_jsts_have_the_sandboxs() -> None:
    with pytest.raises(ValidationError):
        GatewayCommission(percent=Decimal("12"), fixed_grosze=30, contract="umowa")
    with pytest.raises(ValidationError):
        GatewayCommission(percent=Decimal("1.2"), fixed_grosze=-1, contract="umowa")
    demo = Path(__file__).parents[2] / "region" / "demo" / "1418043-piaseczno.yaml"
    config = TenantConfig.model_validate(yaml.safe_load(demo.read_text(encoding="utf-8")))
    assert config.payments is not None and config.payments.commission is not None
    rate = config.payments.commission
    assert (rate.percent, rate.fixed_grosze) == (Decimal("1.2"), 30) and "demonstracyjna" in rate.contract


def test_the_commission_is_a_pln_cost_of_its_jst_and_service_beside_aws() -> None:
    lines = [line(PIASECZNO, "0.50"), line(LESZNOWOLA, "0.25")]
    gateway = [fee(PIASECZNO, ROAD, "4.5", 3), fee(LESZNOWOLA, "pismo-ogolne", "0.504")]
    by_jst = month_report(lines, month="2026-11", group_by="tenant", settings=costs(shared=(KMS,)),
                          tenants=TENANTS, prices=Prices(), gateway=gateway)
    rows = {g["key"]: g for g in by_jst["groups"]}
    # AWS $0.50 at 4.0 = 2.00 zł, + 4.50 zł commission (no USD rate applied to it); half of the $1 KMS key
    assert (rows[PIASECZNO]["usage_usd"], rows[PIASECZNO]["usage_pln"], rows[PIASECZNO]["total_pln"]) == \
        ("0.5", "6.50", "8.50")
    assert rows[LESZNOWOLA]["usage_pln_exact"] == "1.504"
    assert by_jst["totals"]["total_pln_exact"] == "12.004" and by_jst["totals"]["total_pln"] == "12.00"
    assert by_jst["gateway"] == {"resource": "payment_gateway.commission", "label": "Prowizja operatora płatności",
                                 "source": "contract", "note": gateway_fees.NOTE, "payments": 4,
                                 "pln_exact": "5.004", "pln": "5.00"}

    by_service = month_report(lines, month="2026-11", group_by="service", settings=costs(), tenants=TENANTS,
                              prices=Prices(), tenant=PIASECZNO, gateway=gateway, service_names={ROAD: "Zajęcie"})
    assert [(g["key"], g["usage_pln"]) for g in by_service["groups"]] == [(ROAD, "4.50"), ("pismo-ogolne", "2.00")]
    assert by_service["gateway"]["payments"] == 3 and by_service["gateway"]["pln"] == "4.50"

    by_resource = month_report(lines, month="2026-11", group_by="resource", settings=costs(), tenants=TENANTS,
                               prices=Prices(), gateway=gateway)
    row = next(g for g in by_resource["groups"] if g["key"] == "payment_gateway.commission")
    assert (row["name"], row["usage_usd"], row["usage_pln_exact"], row["quantity"], row["unit"]) == \
        ("Prowizja operatora płatności", "0", "5.004", "4", "płatność")
    assert row["rows_query"] is None  # no metering rows behind it
    assert by_resource["groups"][0] is row  # the largest cost first, in złoty


def test_the_csv_says_how_much_commission_the_usage_includes() -> None:
    report = month_report([line(PIASECZNO, "0.5")], month="2026-10", group_by="resource", settings=costs(),
                          tenants=TENANTS, prices=Prices(), gateway=[fee(PIASECZNO, ROAD, "4.5", 3)])
    text = csv_report.render(report).decode("utf-8")
    assert text.startswith("\ufeffMiesiąc;Zasób;Nazwa;")
    lines = text.split("\r\n")
    assert lines[1] == "2026-10;payment_gateway.commission;Prowizja operatora płatności;0,000000;4,50;0,00;4,50;;"
    assert "Prowizja operatora płatności (wliczona do zużycia): 4,50 zł od 3 wpłat" in lines[-2]


amounts = st.decimals(min_value=0, max_value=Decimal("50"), places=10, allow_nan=False, allow_infinity=False)
pln = st.decimals(min_value=0, max_value=Decimal("500"), places=6, allow_nan=False, allow_infinity=False)
jsts = st.sampled_from([PIASECZNO, LESZNOWOLA, "1418023", "region"])
services = st.sampled_from(["a", "b", "-"])


@settings(max_examples=150, deadline=None)
@given(usd=st.lists(st.tuples(jsts, services, amounts), max_size=20),
       commissions=st.lists(st.tuples(jsts.filter(lambda t: t != "region"), services, pln,
                                      st.integers(1, 50)), max_size=10),
       rate=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("9"), places=6),
       rule=st.sampled_from(list(Allocation)), group_by=st.sampled_from(["tenant", "service", "resource"]),
       tenant=st.sampled_from([None, PIASECZNO, "1418023"]))
def test_with_the_commission_shown_grosze_still_add_up_exactly(
        usd: list[tuple[str, str, Decimal]], commissions: list[tuple[str, str, Decimal, int]], rate: Decimal,
        rule: Allocation, group_by: str, tenant: str | None) -> None:
    tenants = {**TENANTS, "1418023": TenantInfo("1418023", "Gmina Konstancin-Jeziorna", 24_000)}
    setting = CostSettings(rates=[UsdRate(month="2026-10", pln_per_usd=rate, source="test")], allocation=rule,
                           shared=[SharedItem(name="Klucze KMS", resource="kms.keys", quantity=Decimal(1))])
    gateway = [GatewayFee(t, s, n, p) for t, s, p, n in commissions]
    report = month_report([line(t, str(a), service=s) for t, s, a in usd], month="2026-10", group_by=group_by,
                          settings=setting, tenants=tenants, prices=Prices(), tenant=tenant, gateway=gateway)
    groups, totals = report["groups"], report["totals"]
    assert_grosze_add_up(report)
    chosen = [f for f in gateway if tenant in (None, f.tenant)]
    aws = sum((a for t, _, a in usd if t != "region" and tenant in (None, t)), Decimal(0)) * rate
    # the commission enters at its PLN value, untouched by the USD rate
    assert abs(Decimal(totals["usage_pln_exact"]) - aws - sum((f.pln for f in chosen), Decimal(0))) < Decimal("1e-14")
    assert report["gateway"]["payments"] == sum(f.payments for f in chosen)
    if group_by == "resource" and chosen:
        row = next(g for g in groups if g["key"] == gateway_fees.RESOURCE)
        assert Decimal(row["usage_pln_exact"]) == sum((f.pln for f in chosen), Decimal(0))
