"""The platform's JRWA (jednolity rzeczowy wykaz akt): the final classes a catalogue service may name, with
their archival categories, and when a closed case's documents may leave the office's archive.

Source: rozporządzenie Prezesa Rady Ministrów z dnia 18 stycznia 2011 r. w sprawie instrukcji kancelaryjnej,
jednolitych rzeczowych wykazów akt oraz instrukcji w sprawie organizacji i zakresu działania archiwów
zakładowych (Dz.U. 2011 nr 14 poz. 67 ze zm.), załącznik nr 2: JRWA organów gminy i związków międzygminnych
oraz urzędów obsługujących te organy i związki. Only the classes the catalogue uses are listed; a class added
here must be copied from that appendix with its category, and must be a final class (one the wykaz does not
divide further: the case sign takes only those). Headings are shortened.

What was checked, and against what (public pages, read 2026-12-01):
- The act and its scope: one regulation for the organs of gminy, powiaty, samorząd województwa and the
  zespolona administracja rządowa, each with its own wykaz, and one instrukcja archiwalna for all
  (arch.net.pl/2011/02/08/polska-normatywy-kancelaryjno-archiwalne-dla-polskiej-administracji/;
  prawo.pl/samorzad/jest-instrukcja-kancelaryjna,75641.html); załącznik nr 2 is the gminy's wykaz
  (blog.habrowski.pl/dokumentacja-archiwalna-a-niearchiwalna/, which also quotes 3162 "Windykacja należności"
  B5 from it: class 3 holds the finances). So a powiat's wykaz is not a separate regulation but another
  appendix of the same one; its classes differ, and a powiat files a service under its own class with the
  JST's `jrwa` setting.
- 6624: a gmina's service card names it as the symbol of the case "wydanie zaświadczenia o numerze
  porządkowym nieruchomości" (ostrzeszow.nowoczesnagmina.pl/?a=15580). Its category is not confirmed there.
- 1510, 3120, 6131, 7230, 7340 and every category below: NOT confirmed against the appendix's text (no copy
  of it was at hand); they stay as the catalogue first named them, and each must be checked against
  załącznik nr 2 before production use. None was contradicted by what was found.
- The retention count (`archive_date`): see there.

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


# symbol -> (hasło klasyfikacyjne, kategoria archiwalna), załącznik nr 2 (gminy). The evidence for each entry
# is in the module's docstring: only 6624's symbol is confirmed by a source.
_GMINA: dict[str, tuple[str, str]] = {
    "1510": ("Skargi i wnioski", "A"),  # unconfirmed
    "3120": ("Wymiar podatków i opłat", "B5"),  # unconfirmed (class 3: finances, per habrowski.pl)
    "6131": ("Ochrona przyrody – usuwanie drzew i krzewów", "B10"),  # unconfirmed
    "6624": ("Numeracja porządkowa nieruchomości", "A"),  # symbol confirmed (Ostrzeszów); category unconfirmed
    "7230": ("Zajęcie pasa drogowego", "B5"),  # unconfirmed
    "7340": ("Zezwolenia na sprzedaż napojów alkoholowych", "B10"),  # unconfirmed
}

WYKAZ: dict[str, JrwaClass] = {s: JrwaClass(s, title, cat) for s, (title, cat) in _GMINA.items()}


def final_class(symbol: str) -> JrwaClass | None:
    """The wykaz's final class with this symbol, or None (no such class, or one that is divided further)."""
    return WYKAZ.get(symbol)


def category_of(symbol: str) -> str | None:
    """The archival category of the wykaz's final class `symbol`; None if it names no such class (a group an
    old catalogue version named, or a JST's own symbol): then nobody may compute when its files may go."""
    found = WYKAZ.get(symbol)
    return found.category if found else None


def retention_years(category: str) -> int | None:
    """Years a category-B file is kept after its case closes; None for A (never destroyed)."""
    found = CATEGORY_PATTERN.match(category)
    if found is None:
        raise ValueError(f"Nieznana kategoria archiwalna „{category}”.")
    return None if category == "A" else int(found.group(2))


def archive_date(category: str, closed_on: date) -> date | None:
    """The first day a closed case's documents may be destroyed (Bn) or offered for review (BEn); None for A.

    The term counts in whole calendar years from 1 January of the year after the case closed, so a B5 case
    closed on any day of 2026 may go on 1 January 2032. That is how the archives count it ("w pełnych latach
    kalendarzowych, poczynając od 1 stycznia roku następnego po roku, w którym nastąpiło ostateczne
    zakończenie spraw": rp.pl, 19.06.2014, "Jak długo przechowywać dokumenty, które nie muszą być
    archiwizowane", after the rozporządzenie Ministra Kultury z 16 września 2002 r., Dz.U. 2002 nr 167
    poz. 1375). The paragraph of the 2011 instrukcja archiwalna that says the same was not found: cite it here
    once checked. BEn may go only after the state archive's review (`expert_review`).
    """
    years = retention_years(category)
    if years is None:
        return None
    return date(closed_on.year + 1 + years, 1, 1)


def expert_review(category: str) -> bool:
    """Whether the state archive reviews the files before they may go (BEn: it may make them archival)."""
    return retention_years(category) is not None and category.startswith("BE")
