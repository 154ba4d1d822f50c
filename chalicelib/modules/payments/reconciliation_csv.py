"""A day's reconciliation as CSV the way Polish finance departments open it in Excel: a header row with Polish
column names, `;` between fields, decimal comma, CRLF line ends, UTF-8 with a byte order mark (without it Excel
reads the Polish letters as Windows-1250). One row per payment line, mismatches first."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from chalicelib.modules.payments.reconciliation import Line, Reconciliation

BOM = "\ufeff"
COLUMNS = ("Dzień", "JST (TERC)", "Zlecenie", "Znak sprawy", "Sesja operatora", "Transakcja operatora",
           "Kwota w systemie (zł)", "Kwota u operatora (zł)", "Prowizja operatora (zł)", "Wynik", "Opis")
# A cell starting with one of these is a formula to Excel: text from the gateway must never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def zloty(grosze: int | None) -> str:
    """Grosze as złoty with a decimal comma ("17,00"), empty when there is no amount."""
    if grosze is None:
        return ""
    return f"{Decimal(grosze) / 100:.2f}".replace(".", ",")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _row(reconciliation: Reconciliation, line: Line) -> list[str]:
    return [_cell(v) for v in (
        reconciliation.day.isoformat(), reconciliation.terc, line.order_id, line.case_sign, line.session_id,
        line.gateway_order_id, zloty(line.our_amount), zloty(line.gateway_amount), zloty(line.commission),
        line.outcome.value, line.description)]


def filename(reconciliation: Reconciliation) -> str:
    return f"rozliczenie-{reconciliation.terc}-{reconciliation.day.isoformat()}.csv"


def render(reconciliation: Reconciliation) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for line in (*reconciliation.mismatches, *reconciliation.matched):
        writer.writerow(_row(reconciliation, line))
    return (BOM + buffer.getvalue()).encode("utf-8")
