"""The platform's JRWA (jednolity rzeczowy wykaz akt): the final classes a catalogue service may name, with
their archival categories, and when a closed case's documents may leave the office's archive.

Source: rozporządzenie Prezesa Rady Ministrów z dnia 18 stycznia 2011 r. w sprawie instrukcji kancelaryjnej,
jednolitych rzeczowych wykazów akt oraz instrukcji w sprawie organizacji i zakresu działania archiwów
zakładowych (Dz.U. 2011 nr 14 poz. 67 ze zm.), załącznik nr 2: JRWA organów gminy i związków międzygminnych
oraz urzędów obsługujących te organy i związki. Only the classes the catalogue uses are listed; a class added
here must be copied from that appendix with its category, and must be a final class (one the wykaz does not
divide further: the case sign takes only those). Headings are shortened. The entries were written without
the appendix's text at hand: check each symbol and category against it before production use. A powiat's
wykaz (załącznik nr 3) differs; a JST files a service under another class with its `jrwa` setting.

Shared model: pure data and dates, no AWS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# A (materiały archiwalne): kept for ever, handed to the state archive. Bn: may be destroyed n years on.
# BEn: the same term, then the state archive's expert review decides (ekspertyza).
CATEGORY_PATTERN = re.compile(r"^(A|BE?([1-9]\d?))$")


@dataclass(frozen=True)
class JrwaClass:
    symbol: str
    title: str
    category: str


# symbol -> (hasło klasyfikacyjne, kategoria archiwalna), załącznik nr 2 (gminy).
_GMINA: dict[str, tuple[str, str]] = {
    "1510": ("Skargi i wnioski", "A"),
    "3120": ("Wymiar podatków i opłat", "B5"),
    "6131": ("Ochrona przyrody – usuwanie drzew i krzewów", "B10"),
    "6624": ("Numeracja porządkowa nieruchomości", "A"),
    "7230": ("Zajęcie pasa drogowego", "B5"),
    "7340": ("Zezwolenia na sprzedaż napojów alkoholowych", "B10"),
}

WYKAZ: dict[str, JrwaClass] = {s: JrwaClass(s, title, cat) for s, (title, cat) in _GMINA.items()}


def final_class(symbol: str) -> JrwaClass | None:
    """The wykaz's final class with this symbol, or None (no such class, or one that is divided further)."""
    return WYKAZ.get(symbol)


def retention_years(category: str) -> int | None:
    """Years a category-B file is kept after its case closes; None for A (never destroyed)."""
    found = CATEGORY_PATTERN.match(category)
    if found is None:
        raise ValueError(f"Nieznana kategoria archiwalna „{category}”.")
    return None if category == "A" else int(found.group(2))


def archive_date(category: str, closed_on: date) -> date | None:
    """The first day a closed case's documents may be destroyed (Bn) or offered for review (BEn); None for A.

    The term counts in whole calendar years from 1 January of the year after the case closed, so a B5 case
    closed on any day of 2026 may go on 1 January 2032.
    """
    years = retention_years(category)
    if years is None:
        return None
    return date(closed_on.year + 1 + years, 1, 1)


def expert_review(category: str) -> bool:
    """Whether the state archive reviews the files before they may go (BEn: it may make them archival)."""
    return retention_years(category) is not None and category.startswith("BE")
