"""A day's reconciliation as CSV for Excel (`chalicelib/documents/excel_csv.py`: Polish headers, `;`, decimal
comma, CRLF, UTF-8 with a BOM, formula cells escaped). One row per payment line, mismatches first."""

from __future__ import annotations

from chalicelib.documents.excel_csv import render as render_csv
from chalicelib.documents.excel_csv import zloty
from chalicelib.modules.payments.reconciliation import Line, Reconciliation

COLUMNS = ("Dzień", "JST (TERC)", "Zlecenie", "Znak sprawy", "Sesja operatora", "Transakcja operatora",
           "Kwota w systemie (zł)", "Kwota u operatora (zł)", "Prowizja operatora (zł)", "Wynik", "Opis")


def _row(reconciliation: Reconciliation, line: Line) -> list[object]:
    return [reconciliation.day.isoformat(), reconciliation.terc, line.order_id, line.case_sign, line.session_id,
            line.gateway_order_id, zloty(line.our_amount), zloty(line.gateway_amount), zloty(line.commission),
            line.outcome.value, line.description]


def filename(reconciliation: Reconciliation) -> str:
    return f"rozliczenie-{reconciliation.terc}-{reconciliation.day.isoformat()}.csv"


def render(reconciliation: Reconciliation) -> bytes:
    lines = (*reconciliation.mismatches, *reconciliation.matched)
    return render_csv(COLUMNS, (_row(reconciliation, line) for line in lines))
