"""What of a register entry the law makes public, and the register as CSV.

Public: the permit's number, the business holding it (its name and NIP: a business permit's holder is public), the
point of sale, the kind, the dates and the state; a road-lane permit's road, section, areas, dates and fee, its
holder's name only when it is not a natural person; a monument's card. Never public: a PESEL (none is kept), the
holder's own address (a sole trader's seat is often their home), a natural person's name, the declared sales
(and the alcohol fee, which reveals them), the reasons written by the clerk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.model.registers import RegisterKind

K = RegisterKind
STATUSES: dict[RegisterKind, dict[str, str]] = {
    K.ALKOHOL: {"aktywne": "aktywne", "wygasle": "wygasłe", "cofniete": "cofnięte"},
    K.PAS_DROGOWY: {"aktywne": "aktywne", "wygasle": "wygasłe", "cofniete": "cofnięte"},
    K.ZABYTKI: {"w-ewidencji": "w ewidencji", "wykreslony": "wykreślony z ewidencji"},
}
FIRST = {K.ALKOHOL: "aktywne", K.PAS_DROGOWY: "aktywne", K.ZABYTKI: "w-ewidencji"}
REVOKED = {K.ALKOHOL: "cofniete", K.PAS_DROGOWY: "cofniete", K.ZABYTKI: "wykreslony"}
ACTIVE, EXPIRED = "aktywne", "wygasle"
# a permit's last day: the day after it, its active entry turns "wygasłe" (the nightly run, `expiry.py`)
LAST_DAY = {K.ALKOHOL: "valid_to", K.PAS_DROGOWY: "occupied_to"}
PRIVATE_PERSON = "osoba fizyczna"
BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel: text typed by anyone must never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _address(a: Mapping[str, Any] | None) -> str:
    if not a:
        return ""
    street = " ".join(p for p in (a.get("street"), a.get("building")) if p)
    return f"{street}, {a.get('postal_code', '')} {a.get('city', '')}".strip(", ")


def _holder(holder: Mapping[str, Any]) -> dict[str, Any]:
    if holder.get("natural_person"):
        return {"name": PRIVATE_PERSON, "nip": None}
    return {"name": holder.get("name"), "nip": holder.get("nip")}


def public_data(kind: RegisterKind, data: Mapping[str, Any]) -> dict[str, Any]:
    if kind is K.ALKOHOL:
        return {k: data.get(k) for k in ("number", "outlet_name", "outlet_address", "category", "consumption",
                                          "valid_from", "valid_to")} | {"holder": _holder(data["holder"])}
    if kind is K.PAS_DROGOWY:
        return {k: data.get(k) for k in ("road", "section", "purpose", "areas", "occupied_from", "occupied_to")} | {
            "holder": _holder(data["holder"])}
    return dict(data)


def last_day(entry: Mapping[str, Any]) -> date | None:
    """The last day of an active permit (None: not a permit, or no longer active)."""
    field = LAST_DAY.get(RegisterKind(entry["register"]))
    if field is None or entry["status"] != ACTIVE:
        return None
    return date.fromisoformat(entry["data"][field])


def status_on(entry: Mapping[str, Any], today: date | None) -> str:
    """The entry's state as of `today` (Warsaw): an active permit past its last day is "wygasle" even before the
    nightly run has written it."""
    end = last_day(entry)
    return EXPIRED if end is not None and today is not None and end < today else str(entry["status"])


def view(entry: Mapping[str, Any], photo_url: str | None = None, today: date | None = None) -> dict[str, Any]:
    kind = RegisterKind(entry["register"])
    fee = entry.get("fee") if kind is K.PAS_DROGOWY else None
    status = status_on(entry, today)
    return {"entry_id": entry["entry_id"], "register": kind.value, "status": status,
            "status_label": STATUSES[kind].get(status, status), "case_sign": entry.get("case_sign"),
            "data": public_data(kind, entry["data"]),
            "fee": {"amount": fee["amount"], "days": fee["days"], "basis": fee["basis"]} if fee else None,
            "photo": photo_url if entry.get("photo") else None}


def search_text(entry: Mapping[str, Any]) -> str:
    """The public text of the entry, lower-case: the search's `q=` never finds an entry by what is hidden."""
    shown = public_data(RegisterKind(entry["register"]), entry["data"])
    parts: list[str] = [entry.get("case_sign") or ""]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            parts.append(value)

    walk(shown)
    return " ".join(p for p in parts if p).lower()[:2000]


def _zl(grosze: int | None) -> str:
    return "" if grosze is None else f"{Decimal(grosze) / 100:.2f}".replace(".", ",")


COLUMNS: dict[RegisterKind, tuple[str, ...]] = {
    K.ALKOHOL: ("Numer zezwolenia", "Przedsiębiorca", "NIP", "Punkt sprzedaży", "Adres punktu", "Rodzaj",
                "Spożycie", "Ważne od", "Ważne do", "Stan", "Znak sprawy"),
    K.PAS_DROGOWY: ("Zajmujący", "NIP", "Droga", "Odcinek", "Cel", "Powierzchnia (m²)", "Od", "Do",
                    "Opłata (zł)", "Stan", "Znak sprawy"),
    K.ZABYTKI: ("Nazwa", "Adres", "TERYT (SIMC)", "Datowanie", "Formy ochrony", "Stan"),
}


def _row(kind: RegisterKind, entry: Mapping[str, Any], today: date | None) -> list[Any]:
    shown = view(entry, today=today)
    d, state = shown["data"], shown["status_label"]
    if kind is K.ALKOHOL:
        return [d["number"], d["holder"]["name"], d["holder"]["nip"], d["outlet_name"],
                _address(d["outlet_address"]), d["category"], d["consumption"], d["valid_from"], d["valid_to"], state,
                shown["case_sign"]]
    if kind is K.PAS_DROGOWY:
        area = sum(Decimal(str(a["area_m2"])) for a in d["areas"])
        return [d["holder"]["name"], d["holder"]["nip"], d["road"], d["section"], d["purpose"],
                str(area).replace(".", ","), d["occupied_from"], d["occupied_to"],
                _zl(shown["fee"]["amount"] if shown["fee"] else None), state, shown["case_sign"]]
    return [d["name"], _address(d["address"]), d["teryt"], d["dating"], ", ".join(d["protection"]), state]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_bytes(kind: RegisterKind, entries: Iterable[Mapping[str, Any]], today: date | None = None) -> bytes:
    """As Polish offices open it in Excel: Polish headers, `;`, CRLF, UTF-8 with a BOM, formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS[kind])
    for entry in entries:
        writer.writerow([_cell(v) for v in _row(kind, entry, today)])
    return (BOM + buffer.getvalue()).encode("utf-8")
