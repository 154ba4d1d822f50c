"""The hybrid service's print file of a paper delivery: the address sheet (a window envelope's A4 page with the
return receipt's data) followed by the letter's PDF, packed as one ZIP the office downloads and sends to print.

No Chalice, no boto3; fpdf2 renders the sheet (the letters' own fonts, Polish characters).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from chalicelib.documents.letter_pdf import FONTS


def address_sheet(record: dict[str, Any]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 9)
    pdf.set_xy(20, 15)
    pdf.multi_cell(80, 4.5, "Nadawca:\n" + record["sender"]["name"])
    pdf.set_xy(110, 50)  # the window of a C5/DL envelope
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(85, 6, "\n".join([record["recipient"]["name"], *record["recipient"]["address"]]))
    pdf.set_xy(20, 110)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(170, 5.5, "\n".join([
        "Przesyłka za potwierdzeniem odbioru (art. 39 i 42-44 KPA)",
        f"Znak sprawy: {record['case_sign']}",
        f"Pismo: {record['title']}",
        f"Identyfikator doręczenia: {record['delivery_id']}",
        "Zwrotne potwierdzenie odbioru wraca do urzędu; datę doręczenia i skan wprowadza urzędnik prowadzący sprawę.",
    ]))
    return bytes(pdf.output())


def print_file(record: dict[str, Any], letter_pdf: bytes) -> bytes:
    """The ZIP for the hybrid service: the address sheet first, then the letter."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("01-arkusz-adresowy.pdf", address_sheet(record))
        package.writestr(f"02-{record['letter_kind']}.pdf", letter_pdf)
    return out.getvalue()
