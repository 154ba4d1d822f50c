"""A JST's configuration is refused field by field, in Polish, when it is wrong."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.core.errors import validation_details
from chalicelib.core.identifiers import check_terc, format_nrb, normalize_nrb
from chalicelib.model.tenant import TenantConfig, UnknownDepartment
from tests.samples import TENANT, tenant


def _errors(**changes: Any) -> list[dict[str, Any]]:
    data = copy.deepcopy(TENANT)
    for path, value in changes.items():
        target = data
        *parents, leaf = path.split("__")
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        target[leaf] = value
    with pytest.raises(ValidationError) as err:
        TenantConfig.model_validate(data)
    return validation_details(err.value)


def test_sample_is_valid_and_account_is_normalised() -> None:
    config = tenant()
    assert config.bank_account == "61109010140000071219812874"
    assert format_nrb(config.bank_account) == "61 1090 1014 0000 0712 1981 2874"


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"bank_account": "61 1090 1014 0000 0712 1981 2875"}, "bank_account", "sumę kontrolną"),
        ({"bank_account": "123"}, "bank_account", "26 cyfr"),
        ({"edelivery_address": "AE:PL-1234-67890-ABCDE-12"}, "edelivery_address", "AE:PL-"),
        ({"address__postal_code": "05500"}, "address.postal_code", "00-000"),
        ({"contact__email": "urzad.piaseczno.pl"}, "contact.email", "e-mail"),
        ({"terc": "1418"}, "", "7 cyfr"),
        ({"terc": "9918043"}, "terc", "województwa"),
        ({"terc": "1418042"}, "", "nie oznacza"),
        ({"departments__1__symbol": "os"}, "departments[1].symbol", "format"),
        ({"services__0__fee": "abc"}, "services[0].fee", "kwoty"),
        ({"kind": "metropolia"}, "kind", "dozwolone"),
        ({"name": None}, "name", "tekstu"),
    ],
)
def test_wrong_values_are_named_by_field_in_polish(change: dict[str, Any], field: str, fragment: str) -> None:
    errors = _errors(**change)
    assert any(e["field"] == field and fragment in e["message"] for e in errors), errors


def test_unknown_keys_are_refused() -> None:
    errors = _errors(colour="red")
    assert errors == [{"field": "colour", "code": "extra_forbidden", "message": "Pole nie jest dozwolone."}]


def test_service_department_must_exist() -> None:
    errors = _errors(services=[{"id": "pismo-ogolne", "department": "XX"}])
    assert "services[0].department" in errors[0]["message"]


def test_duplicate_department_symbols_are_refused() -> None:
    errors = _errors(departments=[{"symbol": "FN", "name": "Finanse"}, {"symbol": "FN", "name": "Finanse 2"}])
    assert "unikalne" in errors[0]["message"]


@pytest.mark.parametrize("terc", ["14", "1418", "1418043", "1465011"])
def test_terc_shapes(terc: str) -> None:
    assert check_terc(terc) == terc


@pytest.mark.parametrize("terc", ["1", "141804", "1418046", "0118043", "14a8043"])
def test_bad_terc(terc: str) -> None:
    with pytest.raises(ValueError):
        check_terc(terc)


def test_nrb_accepts_iban_form() -> None:
    assert normalize_nrb("PL61109010140000071219812874") == "61109010140000071219812874"


def test_a_department_is_found_by_its_symbol_or_refused_in_polish() -> None:
    # The one rule every layer asks (configuration, administrator's change, registration, a clerk's inbox)
    config = tenant()
    assert config.department("FN").name == "Wydział Finansowy"
    with pytest.raises(UnknownDepartment) as err:
        config.department("ZZ")
    assert (err.value.symbol, str(err.value)) == ("ZZ", "Jednostka nie ma komórki „ZZ”.")
