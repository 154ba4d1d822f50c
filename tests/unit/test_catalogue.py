"""Catalogue rules: search, a JST's overrides, form export, immutability of published versions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.core.errors import Conflict, NotFound
from chalicelib.model.service import Category, DeadlineKind, ServiceDefinition
from chalicelib.modules.catalogue import logic
from tests.samples import SERVICE, service, tenant

TREES = service(id="zezwolenie-na-usuniecie-drzew", name="Zezwolenie na usunięcie drzew lub krzewów",
                category="srodowisko", fee=None, jrwa="6131", department="OS",
                purpose="Zgoda na wycięcie drzew rosnących na nieruchomości.", keywords=["wycinka"],
                deadline={"kind": "1-miesiac", "description": "Do miesiąca."})
LETTER = service(id="pismo-ogolne", name="Pismo ogólne do urzędu", category="sprawy-ogolne", fee=None,
                 purpose="Dowolna sprawa, dla której nie ma osobnego formularza.", keywords=[])
ALL = [service(), TREES, LETTER]


class Reader:
    def __init__(self, defs: list[ServiceDefinition]) -> None:
        self.defs = defs

    def latest_all(self) -> list[ServiceDefinition]:
        return self.defs

    def get(self, service_id: str, version: int | None = None) -> ServiceDefinition | None:
        return next((d for d in self.defs if d.id == service_id and version in (None, d.version)), None)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("drzew", ["zezwolenie-na-usuniecie-drzew"]),
        ("USUNIECIE drzew", ["zezwolenie-na-usuniecie-drzew"]),  # no diacritics, any case
        ("wycinka", ["zezwolenie-na-usuniecie-drzew"]),  # keyword
        ("zaległości", ["zaswiadczenie-o-niezaleganiu"]),
        ("zaleglosci", ["zaswiadczenie-o-niezaleganiu"]),
        ("pismo drzew", []),  # every word must match
        (None, ["pismo-ogolne", "zaswiadczenie-o-niezaleganiu", "zezwolenie-na-usuniecie-drzew"]),
    ],
)
def test_search_is_accent_and_case_insensitive(q: str | None, expected: list[str]) -> None:
    found = logic.search(ALL, q=q, category=None, tenant=None)
    assert sorted(e.id for e in found) == expected


def test_search_by_category() -> None:
    found = logic.search(ALL, q=None, category=Category.SRODOWISKO, tenant=None)
    assert [e.id for e in found] == ["zezwolenie-na-usuniecie-drzew"]


def test_tenant_view_lists_only_enabled_services_with_overrides() -> None:
    found = {e.id: e for e in logic.search(ALL, q=None, category=None, tenant=tenant())}
    assert set(found) == {"zaswiadczenie-o-niezaleganiu", "zezwolenie-na-usuniecie-drzew"}  # pismo disabled
    trees = found["zezwolenie-na-usuniecie-drzew"]
    assert trees.deadline.kind is DeadlineKind.DWA_MIESIACE and "2 miesięcy" in trees.deadline.description
    assert trees.tenant == "1418043" and trees.bank_account == "61 1090 1014 0000 0712 1981 2874"


def test_fee_and_department_overrides() -> None:
    config = tenant(services=[{"id": "zaswiadczenie-o-niezaleganiu", "fee": "25.50", "department": "OS"}])
    e = logic.entry(service(), config)
    assert e.fee is not None and e.fee.amount == Decimal("25.50") and e.fee.title == SERVICE["fee"]["title"]
    assert e.department == "OS"


def test_a_tenant_may_charge_for_a_service_the_catalogue_lists_as_free() -> None:
    config = tenant(services=[{"id": "zezwolenie-na-usuniecie-drzew", "fee": "40.00"}])
    e = logic.entry(TREES, config)
    assert e.fee is not None and e.fee.amount == Decimal("40.00") and "jednostkę" in e.fee.title
    assert logic.entry(TREES, tenant()).fee is None


def test_disabled_service_is_not_found_for_that_tenant() -> None:
    with pytest.raises(NotFound) as err:
        logic.tenant_service(Reader(ALL), tenant(), "pismo-ogolne")
    assert err.value.code == "service_not_enabled"


def test_unknown_service_and_version() -> None:
    with pytest.raises(NotFound):
        logic.require(Reader(ALL), "nie-ma-takiej")
    with pytest.raises(NotFound):
        logic.require(Reader(ALL), "pismo-ogolne", 7)


def test_form_schema_carries_required_conditional_and_ui_order() -> None:
    form = logic.form_schema(service())
    schema = form.json_schema
    assert schema["required"] == ["wnioskodawca", "cel"]  # cel_inny only when visible
    assert schema["allOf"] == [{"if": {"properties": {"cel": {"const": "inny"}}, "required": ["cel"]},
                                "then": {"required": ["cel_inny"]}}]
    assert schema["properties"]["wnioskodawca"]["properties"]["pesel"]["pattern"] == r"^\d{11}$"
    assert schema["properties"]["cel"]["enum"] == ["bank", "inny"]
    assert form.ui["order"] == ["wnioskodawca", "cel", "cel_inny"]
    assert form.ui["fields"]["cel_inny"]["visible_when"] == {"cel": "inny"}
    assert form.model_dump(by_alias=True)["schema"]["$id"] == "urn:eurzad:form:zaswiadczenie-o-niezaleganiu:v1"


def test_condition_on_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="nieznanego pola"):
        service(form={"title": "Wniosek", "fields": [
            {"name": "a", "type": "text", "label": "A", "visible_when": {"b": "x"}}]})


def test_published_version_is_immutable() -> None:
    published = logic.fingerprint(service())
    assert logic.check_republish(service(), None) is True
    assert logic.check_republish(service(), published) is False  # same content: nothing to do
    with pytest.raises(Conflict) as err:
        logic.check_republish(service(name="Zaświadczenie o niezaleganiu (nowa nazwa)"), published)
    assert err.value.code == "published_version_immutable"
