"""An entry from a decided case: the case's form (as the resident filed it) prefills the entry, the clerk's data
complete or correct it, the case's sign is kept; and an alcohol permit's next fee from the declaration of last
year's sales (its own catalogue service, `oswiadczenie-sprzedaz-alkoholu`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.model.registers import RegisterKind
from chalicelib.modules.registers import logic

DECLARATION = "oswiadczenie-sprzedaz-alkoholu"
ADDRESS = ("street", "building", "postal_code", "city")


def _address(value: Any) -> dict[str, Any] | None:
    return {k: value.get(k) for k in ADDRESS if value.get(k)} if isinstance(value, dict) else None


def _person_name(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    return " ".join(p for p in (value.get("first_name"), value.get("last_name")) if p) or None


def _alcohol(values: Mapping[str, Any]) -> dict[str, Any]:
    firm = values.get("przedsiebiorca") or {}
    return {"holder": {"name": firm.get("name"), "nip": firm.get("nip"), "address": _address(values.get("siedziba"))},
            "outlet_name": values.get("nazwa_punktu"), "outlet_address": _address(values.get("adres_punktu")),
            "category": values.get("rodzaj_zezwolenia"), "consumption": values.get("miejsce_spozycia"),
            "valid_from": values.get("termin_od"), "valid_to": values.get("termin_do")}


def _road_lane(values: Mapping[str, Any]) -> dict[str, Any]:
    firm = values.get("podmiot")
    holder = ({"name": firm.get("name"), "nip": firm.get("nip")} if isinstance(firm, dict) else
              {"name": _person_name(values.get("wnioskodawca")), "natural_person": True})
    place = ", ".join(p for p in (values.get("miejscowosc"), values.get("numer_dzialki")) if p)
    # the form names "jezdnia" only: the clerk says which share of its width (its own rate) in `data.areas`
    areas = [{"element": a.get("element"), "area_m2": a.get("powierzchnia_m2")}
             for a in values.get("elementy_pasa") or [] if isinstance(a, dict)]
    return {"holder": holder, "road": values.get("nazwa_drogi"), "section": place or None,
            "purpose": values.get("cel_zajecia"), "areas": areas, "occupied_from": values.get("termin_od"),
            "occupied_to": values.get("termin_do")}


PREFILL = {RegisterKind.ALKOHOL: _alcohol, RegisterKind.PAS_DROGOWY: _road_lane}


def merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` on top of `base`: nested objects field by field, anything else (lists too) replaced."""
    out = {k: v for k, v in base.items() if v is not None}
    for key, value in over.items():
        old = out.get(key)
        out[key] = merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return out


def from_case(ports: logic.Ports, terc: str, register: str, case_id: str, data: Mapping[str, Any], *,
              clerk: logic.Clerk, at: datetime) -> dict[str, Any]:
    kind, setting = logic.register_of(ports.tenant(terc), register)
    if setting.service is None:
        raise Conflict("Do tego rejestru wpisy wprowadza się ręcznie.", code="register_without_service")
    record, values = logic.decided_case(ports, terc, case_id, setting)
    prefill = PREFILL.get(kind)
    entry_data = merged(prefill(values) if prefill else {}, data)
    return logic.create(ports, terc, register, entry_data, clerk=clerk, at=at, case=record)


def _grosze(value: Any) -> int:
    try:
        amount = Decimal(str(value).replace(",", ".")) * 100
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount != amount.to_integral_value():
        raise Unprocessable(details=[{"field": "case_id", "code": "declaration_invalid",
                                      "message": "Oświadczenie nie podaje wartości sprzedaży w złotych."}])
    return int(amount)


def declare(ports: logic.Ports, terc: str, register: str, entry_id: str, case_id: str, *, clerk: logic.Clerk,
            at: datetime) -> dict[str, Any]:
    """The permit with last year's declared sales from the declaration's case, and the fee that follows."""
    kind, setting = logic.register_of(ports.tenant(terc), register)
    if kind is not RegisterKind.ALKOHOL:
        raise Conflict("Oświadczenie o wartości sprzedaży dotyczy zezwoleń alkoholowych.", code="not_a_permit")
    found = ports.store.get(terc, kind.value, entry_id)
    if found is None:
        from chalicelib.core.errors import NotFound

        raise NotFound("Nie ma takiego wpisu w rejestrze.", code="entry_not_found")
    record, values = logic.decided_case(ports, terc, case_id, setting, service=DECLARATION)
    if str(values.get("numer_zezwolenia", "")).strip() != found.entry["data"]["number"]:
        raise Conflict("Oświadczenie dotyczy innego zezwolenia.", code="declaration_other_permit",
                       details=[{"field": "case_id", "code": "declaration_other_permit",
                                 "message": f"Oświadczenie podaje zezwolenie nr „{values.get('numer_zezwolenia')}”."}])
    year = _grosze(values.get("rok")) // 100
    data = {**found.entry["data"], "last_year_sales": _grosze(values.get("wartosc_sprzedazy")), "sales_year": year}
    reason = f"oświadczenie o wartości sprzedaży za {year} r. (sprawa {record.get('case_sign')})"
    return logic.change(ports, terc, register, entry_id, data, reason=reason, clerk=clerk, at=at,
                        expected_version=found.version)
