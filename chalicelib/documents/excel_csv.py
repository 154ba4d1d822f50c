"""CSV the way Polish finance departments open it in Excel: a header row with Polish column names, `;` between
fields, decimal comma, CRLF line ends, UTF-8 with a byte order mark (without it Excel reads the Polish letters as
Windows-1250), and no cell that Excel would run as a formula. Shared by the payments' reconciliation and the cost
reports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel: text from outside must never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def decimal_comma(amount: Decimal | None, places: int = 2) -> str:
    """An amount with a decimal comma ("17,00"), empty when there is none."""
    if amount is None:
        return ""
    return f"{amount:.{places}f}".replace(".", ",")


def zloty(grosze: int | None) -> str:
    """Grosze as złoty with a decimal comma ("17,00"), empty when there is no amount."""
    return "" if grosze is None else decimal_comma(Decimal(grosze) / 100)


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def render(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The file's bytes: the header, then each row with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")
