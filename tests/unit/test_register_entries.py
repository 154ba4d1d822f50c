"""Register entries without AWS: who may keep which register, an entry prefilled from a decided case's form, the
history of what changed, and what the public sees (the view, the search text, the CSV)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from chalicelib.model.registers import RegisterKind
from chalicelib.modules.registers import logic, prefill, public
from tests.samples import tenant

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ADDRESS = {"street": "ul. Rynek", "building": "1", "postal_code": "05-500", "city": "Piaseczno"}
HOME = {"street": "ul. Domowa", "building": "7", "postal_code": "05-500", "city": "Piaseczno"}
SETTING = {"kept": [{"kind": "zezwolenia-alkoholowe", "department": "DG", "service": "zezwolenie-na-sprzedaz-alkoholu"},
                    {"kind": "ewidencja-zabytkow", "department": "GN"}]}
FORM = {"przedsiebiorca": {"name": "Sklep Pod Lipą s.c.", "nip": "8567346215", "regon": "123456785"},
        "siedziba": {**HOME, "flat": "2", "country": "PL"}, "adres_punktu": {**ADDRESS, "country": "PL"},
        "nazwa_punktu": "Pod Lipą", "rodzaj_zezwolenia": "B", "miejsce_spozycia": "w-miejscu",
        "termin_od": "2026-07-01", "termin_do": "2030-06-30", "telefon": "+48 601 234 567"}


class Store:
    def __init__(self) -> None:
        self.entries: dict[str, logic.Stored] = {}
        self.changes: list[dict[str, Any]] = []

    def get(self, terc: str, register: str, entry_id: str) -> logic.Stored | None:
        return self.entries.get(entry_id)

    def save(self, entry: dict[str, Any], *, read_version: int | None, search: str, change: dict[str, Any],
             changes: list[Any]) -> bool:
        found = self.entries.get(entry["entry_id"])
        if (found.version if found else None) != read_version:
            return False
        self.entries[entry["entry_id"]] = logic.Stored(entry, entry["version"])
        self.changes.append(change)
        return True

    def history(self, terc: str, register: str, entry_id: str) -> list[dict[str, Any]]:
        return self.changes


class Cases:
    def __init__(self, status: str = "zalatwiona", service: str = "zezwolenie-na-sprzedaz-alkoholu") -> None:
        self.record = {"case_id": "c" * 32, "case_sign": "DG.7340.3.2026", "status": status, "service": service}

    def decided(self, terc: str, case_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.record, FORM


def ports(cases: Cases | None = None) -> logic.Ports:
    departments = [{"symbol": s, "name": f"Wydział {s}"} for s in ("OR", "DG", "GN")]
    config = tenant(departments=departments, registers=SETTING)
    return logic.Ports(store=Store(), cases=cases or Cases(), tenant=lambda terc: config,
                       new_id=lambda at: f"{at:%Y%m%d%H%M%S%f}abcdef", today=lambda: date(2026, 12, 1))


DG = logic.Clerk("clerk-dg", "Dorota Gil", "DG")


def test_a_decided_cases_form_prefills_the_permit_and_its_sign_is_kept() -> None:
    p = ports()
    entry = prefill.from_case(p, "1418043", "zezwolenia-alkoholowe", "c" * 32, {"number": "7/B/2026"}, clerk=DG,
                              at=NOW)
    assert entry["case_sign"] == "DG.7340.3.2026"
    assert entry["data"]["holder"] == {"name": "Sklep Pod Lipą s.c.", "nip": "8567346215", "natural_person": False,
                                       "address": HOME}
    assert (entry["data"]["category"], entry["data"]["outlet_address"]) == ("B", ADDRESS)
    assert entry["fee"]["amount"] == 26_466  # 525 zł for 184 days of 2026


def test_without_the_clerks_number_or_from_an_undecided_case_nothing_is_entered() -> None:
    p = ports()
    with pytest.raises(Unprocessable) as missing:
        prefill.from_case(p, "1418043", "zezwolenia-alkoholowe", "c" * 32, {}, clerk=DG, at=NOW)
    assert [d["field"] for d in missing.value.details] == ["data.number"]
    with pytest.raises(Conflict) as open_case:
        prefill.from_case(ports(Cases(status="w_toku")), "1418043", "zezwolenia-alkoholowe", "c" * 32,
                          {"number": "1"}, clerk=DG, at=NOW)
    assert open_case.value.code == "case_not_decided"
    with pytest.raises(Conflict) as other:
        prefill.from_case(ports(Cases(service="pismo-ogolne")), "1418043", "zezwolenia-alkoholowe", "c" * 32,
                          {"number": "1"}, clerk=DG, at=NOW)
    assert other.value.code == "case_wrong_service"
    assert p.store.entries == {}  # type: ignore[attr-defined]


def test_only_the_keeping_department_and_only_a_kept_register() -> None:
    p = ports()
    with pytest.raises(Forbidden):
        prefill.from_case(p, "1418043", "zezwolenia-alkoholowe", "c" * 32, {"number": "1"},
                          clerk=logic.Clerk("x", None, "GN"), at=NOW)
    with pytest.raises(NotFound):
        logic.create(p, "1418043", "zajecie-pasa-drogowego", {}, clerk=DG, at=NOW)


def test_a_change_needs_a_reason_and_is_kept_field_by_field() -> None:
    p = ports()
    made = prefill.from_case(p, "1418043", "zezwolenia-alkoholowe", "c" * 32, {"number": "7/B/2026"}, clerk=DG,
                             at=NOW)
    data = {**made["data"], "outlet_address": {**ADDRESS, "building": "2"}}
    with pytest.raises(Unprocessable):
        logic.change(p, "1418043", "zezwolenia-alkoholowe", made["entry_id"], data, reason=None, clerk=DG, at=NOW)
    logic.change(p, "1418043", "zezwolenia-alkoholowe", made["entry_id"], data, reason="Zmiana numeru", clerk=DG,
                 at=NOW)
    assert p.store.changes[-1]["changes"] == [  # type: ignore[attr-defined]
        {"field": "outlet_address.building", "before": "1", "after": "2"}]
    with pytest.raises(Conflict):
        logic.change(p, "1418043", "zezwolenia-alkoholowe", made["entry_id"], data, reason="x" * 3, clerk=DG, at=NOW,
                     expected_version=1)


def test_the_public_sees_neither_the_holders_home_nor_the_sales_nor_a_natural_persons_name() -> None:
    data = {"number": "7/B", "holder": {"name": "Lipa s.c.", "nip": "8567346215", "address": HOME},
            "outlet_name": "Pod Lipą", "outlet_address": ADDRESS, "category": "B", "consumption": "w-miejscu",
            "valid_from": "2026-07-01", "valid_to": "2030-06-30", "last_year_sales": 5_000_000}
    permit = {"entry_id": "1", "register": "zezwolenia-alkoholowe", "status": "aktywne",
              "case_sign": "DG.7340.3.2026", "fee": {"amount": 70_000}, "data": data}
    shown = public.view(permit)
    assert shown["data"]["holder"] == {"name": "Lipa s.c.", "nip": "8567346215"}
    assert shown["fee"] is None and "last_year_sales" not in shown["data"]
    assert "domowa" not in public.search_text(permit)
    lane = {"entry_id": "2", "register": "zajecie-pasa-drogowego", "status": "aktywne",
            "fee": {"amount": 100, "days": 1, "basis": "art. 40"},
            "data": {"holder": {"name": "Jan Kowalski", "natural_person": True}, "road": "ul. Polna",
                     "section": "=1+1", "purpose": "roboty", "areas": [{"element": "chodnik", "area_m2": "1"}],
                     "occupied_from": "2026-12-01", "occupied_to": "2026-12-01"}}
    assert public.view(lane)["data"]["holder"] == {"name": "osoba fizyczna", "nip": None}
    assert "kowalski" not in public.search_text(lane)
    text = public.csv_bytes(RegisterKind.PAS_DROGOWY, [lane]).decode("utf-8")
    assert text.startswith("\ufeffZajmujący;NIP;Droga;")
    assert text.splitlines()[1].split(";")[:4] == ["osoba fizyczna", "", "ul. Polna", "'=1+1"]
