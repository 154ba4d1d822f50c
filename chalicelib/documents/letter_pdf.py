"""A letter's readable form: an A4 PDF made with fpdf2 in DejaVu Sans (bundled in `fonts/`, Bitstream Vera
licence: the PDF's own fonts have no Polish letters), the glyphs used embedded as a subset.

fpdf2 (with Pillow and fontTools) loads on the first letter rendered, never with the app: a request that
issues no letter pays nothing for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.documents.letter import Letter

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
MARGIN_MM = 20
FOOTER = ("Pismo wydane w postaci elektronicznej i opatrzone pieczęcią elektroniczną urzędu. Oryginałem jest "
          "plik XML z pieczęcią; ten PDF jest jego wizualizacją.")


def render(letter: Letter) -> bytes:
    """The letter as PDF bytes: the same letter gives the same bytes (the file's dates are the letter's)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{letter.title} — {letter.case_sign}")
    pdf.set_author(letter.office.name)
    pdf.set_creator("e-Urząd")
    pdf.set_creation_date(datetime.combine(letter.issued_on, time(), UTC))
    pdf.set_lang("pl")
    pdf.add_page()
    _head(pdf, letter)
    _body(pdf, letter)
    _signature(pdf, letter)
    return bytes(pdf.output())


def _head(pdf: FPDF, letter: Letter) -> None:
    office = letter.office
    width = pdf.epw / 2
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(width, 5, office.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(width, 5, f"{office.street} {office.building}\n{office.postal_code} {office.city}",
                   new_x="LMARGIN", new_y="NEXT")
    below_office = pdf.get_y()  # a long office name wraps: what follows starts below it
    pdf.set_y(MARGIN_MM)
    pdf.cell(0, 5, f"{letter.place}, {letter.issued_on:%d.%m.%Y} r.", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(below_office + 6)
    pdf.cell(0, 5, f"Znak sprawy: {letter.case_sign}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_x(pdf.l_margin + width)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(width, 5, letter.party.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for line in letter.party.address:
        pdf.set_x(pdf.l_margin + width)
        pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, letter.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _body(pdf: FPDF, letter: Letter) -> None:
    for part in letter.parts:
        if part.heading:
            pdf.set_font(FAMILY, "B", 11)
            pdf.multi_cell(0, 6, part.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10.5)
        for paragraph in part.paragraphs:
            pdf.multi_cell(0, 5.5, paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        pdf.ln(2)


def _signature(pdf: FPDF, letter: Letter) -> None:
    pdf.ln(6)
    width = pdf.epw / 2
    pdf.set_x(pdf.l_margin + width)
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.multi_cell(width, 5.5, letter.signer_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(pdf.l_margin + width)
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(width, 5, letter.signer_position, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FAMILY, "", 8)
    pdf.multi_cell(0, 4, FOOTER, new_x="LMARGIN", new_y="NEXT")
