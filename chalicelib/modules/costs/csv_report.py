"""The month's cost report as CSV for Excel (`chalicelib/documents/excel_csv.py`: Polish headers, `;`, decimal
comma, UTF-8 with a BOM, formula cells escaped): one row per group, then the total, the rate used and the payment
gateway's commission in it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.documents.excel_csv import decimal_comma
from chalicelib.documents.excel_csv import render as render_csv

GROUP_LABELS = {"tenant": "JST (TERC)", "service": "Usługa", "resource": "Zasób"}  # AWS's, or the gateway's fee
USD_PLACES = 6


def columns(group_by: str) -> tuple[str, ...]:
    return ("Miesiąc", GROUP_LABELS[group_by], "Nazwa", "Zużycie (USD)", "Zużycie (zł)",
            "Udział w kosztach wspólnych (zł)", "Razem (zł)", "Żądania AWS", "Wywołania")


def _amounts(item: dict[str, Any]) -> list[object]:
    return [decimal_comma(Decimal(item["usage_usd"]), USD_PLACES), decimal_comma(Decimal(item["usage_pln"])),
            decimal_comma(Decimal(item["shared_pln"])), decimal_comma(Decimal(item["total_pln"])),
            item["aws_requests"], item["invocations"]]


def filename(report: dict[str, Any]) -> str:
    scope = report["tenant"] or "region"
    return f"koszty-{scope}-{report['month']}-{report['group_by']}.csv"


def render(report: dict[str, Any]) -> bytes:
    month = report["month"]
    rows: list[list[object]] = [[month, g["key"], g["name"], *_amounts(g)] for g in report["groups"]]
    rows.append([month, "", "Razem", *_amounts(report["totals"])])
    rate = report["rate"]
    rows.append([month, "", f"Kurs USD→PLN {decimal_comma(Decimal(rate['pln_per_usd']), 4)} z {rate['month']} "
                            f"({rate['source']})", "", "", "", "", "", ""])
    gateway, n = report["gateway"], report["gateway"]["payments"]
    rows.append([month, "", f"{gateway['label']} (wliczona do zużycia): {decimal_comma(Decimal(gateway['pln']))} zł "
                            f"od {n} {'wpłaty' if n == 1 else 'wpłat'}, wg stawek z umów JST z operatorem",
                 "", "", "", "", "", ""])
    return render_csv(columns(report["group_by"]), rows)
