"""Polish identifiers and formats used across services (checksums via python-stdnum)."""

from __future__ import annotations

import re

from stdnum import iban
from stdnum.exceptions import ValidationError as StdnumError

# Voivodeship codes in TERYT: even numbers 02..32.
VOIVODESHIPS = {f"{n:02d}" for n in range(2, 33, 2)}
ADE_RE = re.compile(r"^AE:PL-\d{5}-\d{5}-[A-Z]{5}-\d{2}$")
POSTAL_CODE_RE = re.compile(r"^\d{2}-\d{3}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_nrb(value: str) -> str:
    """A Polish account number (NRB, 26 digits, or IBAN with PL) -> 26 digits; ValueError in Polish."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if compact.startswith("PL"):
        compact = compact[2:]
    if not re.fullmatch(r"\d{26}", compact):
        raise ValueError("Numer rachunku (NRB) musi mieć 26 cyfr.")
    try:
        iban.validate("PL" + compact)
    except StdnumError as exc:
        raise ValueError("Numer rachunku (NRB) ma błędną sumę kontrolną.") from exc
    return compact


def format_nrb(digits: str) -> str:
    return f"{digits[:2]} " + " ".join(digits[i : i + 4] for i in range(2, 26, 4))


def check_terc(value: str) -> str:
    """A TERYT TERC code of a JST: 2 digits (województwo), 4 (powiat) or 7 (gmina: WW PP GG R)."""
    if not re.fullmatch(r"\d{2}|\d{4}|\d{7}", value):
        raise ValueError("Kod TERC ma 2 (województwo), 4 (powiat) lub 7 cyfr (gmina).")
    if value[:2] not in VOIVODESHIPS:
        raise ValueError(f"Nieznany kod województwa „{value[:2]}” w kodzie TERC.")
    if len(value) == 7 and value[6] not in "12345":
        raise ValueError("Ostatnia cyfra kodu TERC gminy (rodzaj) musi być 1, 2 lub 3 (4, 5 dla części gminy).")
    return value
