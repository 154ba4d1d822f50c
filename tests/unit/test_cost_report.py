"""The month's cost report: USD→PLN at the region's rate, the shared costs split by the region's rule, and
shown grosze that add up exactly to the shown totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.modules.costs.model import CostLine
from chalicelib.modules.costs.report import RateMissing, TenantInfo, month_report
from chalicelib.modules.costs.rounding import apportion, grosze_half_up
from chalicelib.modules.costs.settings import Allocation, CostSettings, SharedItem, UsdRate


@dataclass(frozen=True)
class Price:
    unit: str
    per: Decimal
    usd: Decimal


@dataclass(frozen=True)
class Prices:
    region: str = "eu-central-1"
    valid_from: date = date(2026, 1, 1)
    table: dict[str, Price] = field(default_factory=lambda: {
        "lambda.requests": Price("request", Decimal(1_000_000), Decimal("0.20")),
        "kms.keys": Price("key-month", Decimal(1), Decimal("1.00")),
        "secretsmanager.secrets": Price("secret-month", Decimal(1), Decimal("0.40")),
        "dynamodb.write": Price("WRU", Decimal(1_000_000), Decimal("1.525")),
    })

    def price(self, resource: str) -> Price:
        return self.table[resource]


@dataclass(frozen=True)
class Row:
    tenant: str
    service: str
    invocations: int
    requests: dict[str, int]


PIASECZNO, LESZNOWOLA = "1418043", "1418032"
TENANTS = {PIASECZNO: TenantInfo(PIASECZNO, "Gmina Piaseczno", 88_000),
           LESZNOWOLA: TenantInfo(LESZNOWOLA, "Gmina Lesznowola", 32_000)}
RATE = UsdRate(month="2026-10", pln_per_usd=Decimal("4.0"), source="NBP, tabela A (demo)")


def line(tenant: str, usd: str, *, service: str = "pismo-ogolne", resource: str = "lambda.requests",
         quantity: str = "1") -> CostLine:
    return CostLine(tenant=tenant, module="submissions", service=service, function="api", day="2026-11-03",
                    resource=resource, quantity=Decimal(quantity), usd=Decimal(usd), row=f"T#{tenant}|D#…")


def costs(allocation: Allocation = Allocation.EQUAL, *, shared: tuple[SharedItem, ...] = ()) -> CostSettings:
    return CostSettings(rates=[RATE], allocation=allocation, shared=list(shared))


KMS = SharedItem(name="Klucz KMS platformy", resource="kms.keys", quantity=Decimal(1))


def test_each_jst_pays_its_usage_and_an_equal_share_of_the_shared_costs_in_pln() -> None:
    report = month_report([line(PIASECZNO, "0.50"), line(LESZNOWOLA, "0.25"), line("region", "0.10")],
                          month="2026-11", group_by="tenant", settings=costs(shared=(KMS,)), tenants=TENANTS,
                          prices=Prices())
    rows = {g["key"]: g for g in report["groups"]}
    # shared: KMS key $1.00 + the region's own work $0.10 = $1.10, half each, at 4.0 PLN/USD
    assert (rows[PIASECZNO]["usage_pln"], rows[PIASECZNO]["shared_pln"], rows[PIASECZNO]["total_pln"]) == \
        ("2.00", "2.20", "4.20")
    assert (rows[LESZNOWOLA]["usage_pln"], rows[LESZNOWOLA]["total_pln"]) == ("1.00", "3.20")
    assert report["totals"]["total_pln"] == "7.40"
    assert report["shared"]["pln"] == "4.40"
    assert [i["pln"] for i in report["shared"]["items"]] == ["4.00"]
    assert report["shared"]["region_usage"]["pln"] == "0.40"
    assert report["rate"]["note"] == "Brak kursu dla 2026-11: użyto kursu z 2026-10 (NBP, tabela A (demo))."
    assert rows[PIASECZNO]["rows_query"] == {"month": "2026-11", "tenant": PIASECZNO}


def test_the_shared_costs_split_by_population_or_by_usage() -> None:
    lines = [line(PIASECZNO, "3"), line(LESZNOWOLA, "1")]
    by_people = month_report(lines, month="2026-10", group_by="tenant", settings=costs(Allocation.POPULATION,
                             shared=(KMS,)), tenants=TENANTS, prices=Prices())
    assert {g["key"]: g["shared_pln"] for g in by_people["groups"]} == {PIASECZNO: "2.93", LESZNOWOLA: "1.07"}
    by_usage = month_report(lines, month="2026-10", group_by="tenant", settings=costs(Allocation.USAGE,
                            shared=(KMS,)), tenants=TENANTS, prices=Prices())
    assert {g["key"]: g["shared_pln"] for g in by_usage["groups"]} == {PIASECZNO: "3.00", LESZNOWOLA: "1.00"}


def test_a_jst_without_its_population_makes_the_split_equal_and_says_so() -> None:
    tenants = {**TENANTS, LESZNOWOLA: TenantInfo(LESZNOWOLA, "Gmina Lesznowola", None)}
    report = month_report([], month="2026-10", group_by="tenant", settings=costs(Allocation.POPULATION,
                          shared=(KMS,)), tenants=tenants, prices=Prices())
    assert {g["key"]: g["shared_pln"] for g in report["groups"]} == {PIASECZNO: "2.00", LESZNOWOLA: "2.00"}
    assert "1418032" in report["allocation"]["note"]


def test_one_jst_by_service_shows_its_services_and_its_share_as_a_row() -> None:
    lines = [line(PIASECZNO, "0.50"), line(PIASECZNO, "0.25", service="-"), line(LESZNOWOLA, "9")]
    rows = [Row(PIASECZNO, "pismo-ogolne", 3, {"dynamodb:PutItem": 5}), Row(LESZNOWOLA, "pismo-ogolne", 7, {})]
    report = month_report(lines, month="2026-10", group_by="service", settings=costs(shared=(KMS,)),
                          tenants=TENANTS, prices=Prices(), tenant=PIASECZNO, rows=rows,
                          service_names={"pismo-ogolne": "Pismo ogólne"})
    assert [(g["key"], g["name"], g["total_pln"]) for g in report["groups"]] == [
        ("pismo-ogolne", "Pismo ogólne", "2.00"), ("-", "bez usługi (platforma)", "1.00"),
        ("wspolne", "Koszty wspólne regionu (udział)", "2.00")]
    assert (report["groups"][0]["invocations"], report["groups"][0]["aws_requests"]) == (3, 5)
    assert report["groups"][0]["rows_query"] == {"month": "2026-10", "tenant": PIASECZNO, "service": "pismo-ogolne"}
    assert report["totals"]["total_pln"] == "5.00"


def test_by_resource_gives_quantities_in_the_price_list_unit() -> None:
    report = month_report([line(PIASECZNO, "0.20", quantity="1000000")], month="2026-10", group_by="resource",
                          settings=costs(), tenants=TENANTS, prices=Prices())
    assert (report["groups"][0]["quantity"], report["groups"][0]["unit"]) == ("1000000", "request")


def test_no_rate_for_the_month_or_before_is_a_conflict_naming_it() -> None:
    with pytest.raises(RateMissing):
        month_report([], month="2026-09", group_by="tenant", settings=costs(), tenants=TENANTS, prices=Prices())


def test_apportion_gives_the_lost_grosze_to_the_largest_remainders() -> None:
    thirds = [Decimal(1) / 3] * 3
    assert apportion(thirds, 100) == [34, 33, 33]
    assert apportion([Decimal("0.005"), Decimal("0.004"), Decimal("0.001")], 1) == [1, 0, 0]


def grosze(text: str) -> int:
    return int(Decimal(text) * 100)


def assert_grosze_add_up(report: dict[str, Any]) -> None:
    """The report's shown grosze add up exactly: groups to totals, usage and shared to each group's total, each
    shown figure within a grosz of its exact value, the exact totals to the exact total."""
    groups, totals = report["groups"], report["totals"]
    assert sum(grosze(g["total_pln"]) for g in groups) == grosze(totals["total_pln"])
    assert grosze(totals["total_pln"]) == grosze_half_up(Decimal(totals["total_pln_exact"]))
    assert sum(grosze(g["usage_pln"]) for g in groups) == grosze(totals["usage_pln"])
    assert sum(grosze(g["shared_pln"]) for g in groups) == grosze(totals["shared_pln"])
    for g in groups:
        assert grosze(g["total_pln"]) == grosze(g["usage_pln"]) + grosze(g["shared_pln"])
        for cell in ("usage_pln", "shared_pln"):
            exact = Decimal(g[f"{cell}_exact"]) * 100
            assert exact.to_integral_value(ROUND_FLOOR) <= grosze(g[cell]) <= exact.to_integral_value(ROUND_CEILING)
    assert abs(sum(Decimal(g["total_pln_exact"]) for g in groups) - Decimal(totals["total_pln_exact"])) < Decimal(
        "1e-14")


amounts = st.decimals(min_value=0, max_value=Decimal("50"), places=10, allow_nan=False, allow_infinity=False)
tercs = st.sampled_from([PIASECZNO, LESZNOWOLA, "1418023", "1418", "region"])


@settings(max_examples=150, deadline=None)
@given(usd=st.lists(st.tuples(tercs, st.sampled_from(["a", "b", "-"]), amounts), max_size=30),
       rate=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("9"), places=6),
       kms=st.decimals(min_value=0, max_value=Decimal("20"), places=6),
       rule=st.sampled_from(list(Allocation)), group_by=st.sampled_from(["tenant", "service", "resource"]),
       tenant=st.sampled_from([None, PIASECZNO, "1418023"]))
def test_shown_grosze_add_up_exactly_to_the_shown_totals(usd: list[tuple[str, str, Decimal]], rate: Decimal,
                                                         kms: Decimal, rule: Allocation, group_by: str,
                                                         tenant: str | None) -> None:
    tenants = {**TENANTS, "1418023": TenantInfo("1418023", "Gmina Konstancin-Jeziorna", 24_000)}
    lines = [line(t, str(a), service=s) for t, s, a in usd]
    shared = (SharedItem(name="Klucze KMS", resource="kms.keys", quantity=kms),)
    setting = CostSettings(rates=[UsdRate(month="2026-10", pln_per_usd=rate, source="test")], allocation=rule,
                           shared=list(shared))
    report = month_report(lines, month="2026-10", group_by=group_by, settings=setting, tenants=tenants,
                          prices=Prices(), tenant=tenant)
    assert_grosze_add_up(report)
    if tenant is None:
        block = report["shared"]
        assert sum(grosze(i["pln"]) for i in block["items"]) + grosze(block["region_usage"]["pln"]) == grosze(
            block["pln"]) == grosze(report["totals"]["shared_pln"])


def test_the_csv_is_for_excel_with_polish_headers_decimal_comma_and_safe_cells() -> None:
    from chalicelib.modules.costs import csv_report

    tenants = {PIASECZNO: TenantInfo(PIASECZNO, "=HYPERLINK(\"x\")", 1)}
    report = month_report([line(PIASECZNO, "0.5")], month="2026-10", group_by="tenant", settings=costs(),
                          tenants=tenants, prices=Prices())
    text = csv_report.render(report).decode("utf-8")
    assert text.startswith("\ufeffMiesiąc;JST (TERC);Nazwa;Zużycie (USD);Zużycie (zł);")
    lines = text.split("\r\n")
    assert lines[1] == "2026-10;1418043;\"'=HYPERLINK(\"\"x\"\")\";0,500000;2,00;0,00;2,00;0;0"
    assert lines[2].startswith("2026-10;;Razem;0,500000;2,00;0,00;2,00")
    assert "Kurs USD→PLN 4,0000 z 2026-10" in lines[3]
