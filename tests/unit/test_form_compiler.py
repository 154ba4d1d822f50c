"""Form definitions compiled into validators of residents' form data (chalicelib.forms)."""

from __future__ import annotations

import copy
import hashlib
from functools import cache
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from chalicelib.cli import load_definitions
from chalicelib.core.errors import validation_details
from chalicelib.forms import CompiledForm, FileRef, FormData, Party, compile_form
from chalicelib.forms.compiler import FormInvalid
from chalicelib.model.service import ServiceDefinition
from chalicelib.modules.catalogue.logic import form_schema
from tests.formdata import ADDRESS, ADE, FIRM, NIP, NRB, PERSON, REGON, REGON_14, valid_data, with_value, without
from tests.samples import SERVICE


def attachment_id(path: str) -> str:
    return hashlib.md5(path.encode(), usedforsecurity=False).hexdigest()


@cache
def catalogue() -> dict[str, ServiceDefinition]:
    return {d.id: d for d in load_definitions()}


def form(service_id: str) -> CompiledForm:
    return compile_form(catalogue()[service_id])


def valid(service_id: str) -> dict[str, Any]:
    return valid_data(catalogue()[service_id], attachment_id)


def errors(compiled: CompiledForm, data: object) -> dict[str, dict[str, str]]:
    """The details of the rejection, by field path."""
    with pytest.raises(FormInvalid) as exc:
        compiled.validate(data)
    details = exc.value.details
    for d in details:
        assert d["message"] and "Input should" not in d["message"] and "Value error" not in d["message"], d
    return {d["field"]: {"code": d["code"], "message": d["message"]} for d in details}


# A form with every field type the catalogue does not exercise on its own (bank account, files in groups).
TEST_FORM: dict[str, Any] = {
    "title": "Formularz testowy",
    "fields": [
        {"name": "wnioskodawca", "type": "person", "label": "Wnioskodawca", "required": True},
        {"name": "konto", "type": "bank-account", "label": "Rachunek do zwrotu"},
        {"name": "kwota", "type": "money", "label": "Kwota", "max": 1000},
        {"name": "liczba", "type": "number", "label": "Liczba", "min": 1, "max": 10},
        {"name": "termin", "type": "date", "label": "Termin"},
        {"name": "kontakt", "type": "email", "label": "E-mail"},
        {"name": "zalaczniki", "type": "file", "label": "Załączniki", "repeatable": True},
        {"name": "drzewa", "type": "group", "label": "Drzewa", "repeatable": True, "fields": [
            {"name": "gatunek", "type": "text", "label": "Gatunek", "required": True, "max_length": 20},
            {"name": "zdjecie", "type": "file", "label": "Zdjęcie"},
            {"name": "inne", "type": "checkbox", "label": "Inny gatunek"},
            {"name": "opis", "type": "text", "label": "Opis", "visible_when": {"inne": True},
             "required_when": {"inne": True}},
        ]},
        {"name": "zgoda", "type": "checkbox", "label": "Oświadczam, że dane są prawdziwe.", "required": True},
    ],
}


def custom_service(**form_changes: Any) -> ServiceDefinition:
    data = copy.deepcopy(SERVICE)
    data["id"] = "formularz-testowy"
    data["form"] = {**copy.deepcopy(TEST_FORM), **form_changes}
    return ServiceDefinition.model_validate(data)


def custom_form() -> CompiledForm:
    return compile_form(custom_service())


TEST_VALID: dict[str, Any] = {"wnioskodawca": PERSON, "zgoda": True}


# --- the catalogue ---------------------------------------------------------------------------------


def test_every_catalogue_definition_compiles_once() -> None:
    # Given every service definition in forms/
    definitions = load_definitions()
    assert definitions

    for defn in definitions:
        # When the form is compiled twice
        first, second = compile_form(defn), compile_form(defn)

        # Then it is compiled once, into a pydantic model, for that service version
        assert first is second
        assert issubclass(first.model, BaseModel)
        assert (first.service, first.version, first.definition) == (defn.id, defn.version, defn)


@pytest.mark.parametrize("service_id", sorted(catalogue()))
def test_generated_valid_data_passes_every_catalogue_form(service_id: str) -> None:
    # Given valid data generated for the service's form
    data = valid(service_id)

    # When it is validated
    result = form(service_id).validate(data)

    # Then it passes, the cleaned values validate again unchanged, and the exported JSON Schema agrees
    assert isinstance(result, FormData)
    assert form(service_id).validate(result.values).values == result.values
    schema = form_schema(catalogue()[service_id]).json_schema
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(data)] == []
    assert result.applicant is not None
    assert all(f.attachment_id == attachment_id(f.field) for f in result.files)


def test_generated_valid_data_fills_required_conditional_fields_and_files() -> None:
    # Given the tree removal form (a person applicant by the first option; required files)
    data = valid("zezwolenie-na-usuniecie-drzew")

    # Then the person required by the chosen option is there, the hidden firm is not, declarations are ticked
    assert data["rodzaj_wnioskodawcy"] == "osoba-fizyczna"
    assert data["wnioskodawca"]["pesel"] == "44051401359"
    assert "podmiot" not in data
    assert data["oswiadczenie_odpowiedzialnosc"] is True
    assert data["przez_pelnomocnika"] is False
    assert data["mapka"] == attachment_id("mapka")


# --- identifiers -----------------------------------------------------------------------------------

BAD_IDENTIFIERS = [
    # (path in the alcohol licence form, bad value, expected code, a word the Polish message carries)
    ("osoba_reprezentujaca.pesel", "44051401358", "pesel_invalid", "PESEL"),
    ("osoba_reprezentujaca.pesel", "4405140135", "pesel_invalid", "11 cyfr"),
    ("przedsiebiorca.nip", "8567346216", "nip_invalid", "NIP"),
    ("przedsiebiorca.regon", "123456786", "regon_invalid", "REGON"),
    ("przedsiebiorca.regon", "12345678512348", "regon_invalid", "REGON"),  # valid 9-digit prefix, wrong check
    ("przedsiebiorca.krs", "12345", "krs_invalid", "KRS"),
    ("siedziba.postal_code", "05500", "postal_code_invalid", "Kod pocztowy ma format 00-000."),
    ("siedziba.teryt_simc", "12345", "teryt_invalid", "SIMC"),
    ("siedziba.teryt_ulic", "1234567", "teryt_invalid", "ULIC"),
    ("adres_do_doreczen", "AE:PL-12345-67890-ABCDE-1", "edelivery_address_invalid", "doręczeń"),
    ("email", "jan.kowalski(at)example.pl", "email_invalid", "e-mail"),
    ("telefon", "12-34", "phone_invalid", "telefonu"),
    ("tytul_prawny_lokalu", "../../etc/passwd", "attachment_id_invalid", "załącznika"),
]


@pytest.mark.parametrize(("path", "value", "code", "word"), BAD_IDENTIFIERS)
def test_bad_identifier_is_reported_at_its_path_with_its_code(path: str, value: str, code: str, word: str) -> None:
    # Given valid alcohol licence data with one identifier broken
    data = with_value(valid("zezwolenie-na-sprzedaz-alkoholu"), path, value)

    # When it is validated
    found = errors(form("zezwolenie-na-sprzedaz-alkoholu"), data)

    # Then exactly that field is reported, with our code and a Polish message
    assert list(found) == [f"data.{path}"]
    assert found[f"data.{path}"]["code"] == code
    assert word in found[f"data.{path}"]["message"]


def test_invalid_nrb_is_reported_with_the_polish_reason() -> None:
    # Given an account number with a wrong check digit
    data = {**TEST_VALID, "konto": "61 1090 1014 0000 0712 1981 2875"}

    # When it is validated
    found = errors(custom_form(), data)

    # Then
    assert found == {"data.konto": {"code": "nrb_invalid", "message": "Numer rachunku (NRB) ma błędną sumę kontrolną."}}


def test_pesel_must_agree_with_birth_date_and_sex() -> None:
    # Given a PESEL of a man born 1944-05-14, with another birth date and the female sex
    data = with_value(valid("zezwolenie-na-sprzedaz-alkoholu"), "osoba_reprezentujaca.birth_date", "1944-05-15")
    data = with_value(data, "osoba_reprezentujaca.sex", "K")

    # When it is validated
    found = errors(form("zezwolenie-na-sprzedaz-alkoholu"), data)

    # Then both disagreements are reported, each at its own field, naming what the PESEL says
    birth = found["data.osoba_reprezentujaca.birth_date"]
    sex = found["data.osoba_reprezentujaca.sex"]
    assert birth["code"] == "pesel_birth_date_mismatch" and "14.05.1944" in birth["message"]
    assert sex["code"] == "pesel_sex_mismatch" and "mężczyzna" in sex["message"]
    assert len(found) == 2


def test_identifiers_are_cleaned() -> None:
    # Given identifiers as people write them
    data = with_value(valid("zezwolenie-na-sprzedaz-alkoholu"), "przedsiebiorca",
                      {"name": " Zielony Ogród sp. z o.o. ", "nip": "856-734-62-15", "regon": REGON_14,
                       "krs": "0000123456"})
    data = with_value(data, "adres_do_doreczen", "ae:pl-12345-67890-abcde-12")

    # When validated
    values = form("zezwolenie-na-sprzedaz-alkoholu").validate(data).values

    # Then they come out in their canonical form
    assert values["przedsiebiorca"] == {"name": "Zielony Ogród sp. z o.o.", "nip": NIP, "regon": REGON_14,
                                        "krs": "0000123456"}
    assert values["adres_do_doreczen"] == ADE
    assert values["siedziba"] == {**ADDRESS, "country": "PL"}


def test_account_number_is_cleaned_to_26_digits() -> None:
    # Given an NRB written with spaces and the PL prefix
    result = custom_form().validate({**TEST_VALID, "konto": "PL" + NRB})

    # Then
    assert result.values["konto"] == NRB.replace(" ", "")


def test_foreign_address_has_a_free_postal_code() -> None:
    # Given a seat abroad with a German postal code
    data = with_value(valid("zezwolenie-na-sprzedaz-alkoholu"), "siedziba",
                      {"street": "Unter den Linden", "building": "1", "postal_code": "10117", "city": "Berlin",
                       "country": "de"})

    # When validated, Then it passes with the country code in capitals
    values = form("zezwolenie-na-sprzedaz-alkoholu").validate(data).values
    assert values["siedziba"]["country"] == "DE"
    assert values["siedziba"]["postal_code"] == "10117"


# --- conditional logic -----------------------------------------------------------------------------


def test_missing_required_conditional_field() -> None:
    # Given a letter that supplements a case, without the case reference
    data = with_value(valid("pismo-ogolne"), "rodzaj_pisma", "uzupelnienie")

    # When it is validated
    found = errors(form("pismo-ogolne"), data)

    # Then the case reference is reported missing
    assert found == {"data.znak_sprawy": {"code": "missing", "message": "Pole jest wymagane."}}

    # And with the reference given, the letter passes and keeps it
    values = form("pismo-ogolne").validate(with_value(data, "znak_sprawy", " FN.3120.15.2026 ")).values
    assert values["znak_sprawy"] == "FN.3120.15.2026"


def test_hidden_fields_are_dropped_even_when_invalid() -> None:
    # Given a request (not a supplement) that still carries a case reference, and a person sender with firm data
    data = with_value(valid("pismo-ogolne"), "znak_sprawy", "FN.3120.15.2026")
    data = with_value(data, "podmiot", {"name": "", "nip": "nie wiem", "foo": 1})
    assert data["rodzaj_pisma"] == "wniosek"

    # When it is validated
    result = form("pismo-ogolne").validate(data)

    # Then it passes and the hidden values are gone
    assert "znak_sprawy" not in result.values
    assert "podmiot" not in result.values
    assert result.applicant is not None and result.applicant.kind == "person"


def test_condition_on_a_later_field_and_on_a_checkbox_written_as_text() -> None:
    # Given works in the road lane (the works manager is defined before the purpose that requires him)
    data = without(with_value(valid("zajecie-pasa-drogowego"), "cel_zajecia", "roboty"), "kierownik_robot")
    # and a farm certificate that is to cover the spouse ("true" as read back from XML)
    farm = with_value(valid("zaswiadczenie-o-powierzchni-gospodarstwa"), "obejmuje_wspolmalzonka", "true")

    # When validated
    road_errors = errors(form("zajecie-pasa-drogowego"), data)
    farm_errors = errors(form("zaswiadczenie-o-powierzchni-gospodarstwa"), farm)

    # Then the fields their conditions require are reported missing
    assert road_errors == {"data.kierownik_robot": {"code": "missing", "message": "Pole jest wymagane."}}
    assert farm_errors == {"data.wspolmalzonek": {"code": "missing", "message": "Pole jest wymagane."}}


def test_an_invalid_sibling_does_not_make_its_dependants_missing() -> None:
    # Given an unknown kind of letter
    data = with_value(valid("pismo-ogolne"), "rodzaj_pisma", "skarga-na-wojta")

    # When validated
    found = errors(form("pismo-ogolne"), data)

    # Then only the choice is reported (not the case reference, whose condition cannot be judged)
    assert list(found) == ["data.rodzaj_pisma"]
    assert found["data.rodzaj_pisma"]["code"] == "literal_error"
    assert "„uzupelnienie”" in found["data.rodzaj_pisma"]["message"]


@pytest.mark.parametrize("value", [False, "false", None])
def test_required_checkbox_must_be_ticked(value: object) -> None:
    # Given a declaration left unticked (or absent)
    data = with_value(valid("zezwolenie-na-usuniecie-drzew"), "oswiadczenie_odpowiedzialnosc", value)

    # When validated
    found = errors(form("zezwolenie-na-usuniecie-drzew"), data)

    # Then
    assert found == {"data.oswiadczenie_odpowiedzialnosc": {"code": "must_be_checked",
                                                            "message": "To oświadczenie jest wymagane."}}


def test_absent_optional_checkbox_is_false() -> None:
    # Given the declaration about a proxy left out
    data = without(valid("zezwolenie-na-usuniecie-drzew"), "przez_pelnomocnika")

    # Then it reads as unticked
    assert form("zezwolenie-na-usuniecie-drzew").validate(data).values["przez_pelnomocnika"] is False


# --- repeatable fields and groups ------------------------------------------------------------------


def test_error_in_a_repeatable_group_item_names_the_item() -> None:
    # Given two trees, the first with a zero circumference, the second without one
    data = with_value(valid("zezwolenie-na-usuniecie-drzew"), "drzewa",
                      [{"gatunek": "Dąb", "obwod_130": 0, "lokalizacja": "A"},
                       {"gatunek": "Lipa", "lokalizacja": "B"}])

    # When validated
    found = errors(form("zezwolenie-na-usuniecie-drzew"), data)

    # Then
    assert found == {
        "data.drzewa[0].obwod_130": {"code": "greater_than_equal", "message": "Wartość musi być nie mniejsza niż 1."},
        "data.drzewa[1].obwod_130": {"code": "missing", "message": "Pole jest wymagane."},
    }


def test_required_repeatable_needs_an_item_and_has_a_cap() -> None:
    # Given the property tax form with no property, and with 101 of them
    empty = with_value(valid("informacja-podatek-od-nieruchomosci"), "przedmioty", [])
    item = {"adres_nieruchomosci": ADDRESS}
    too_many = with_value(empty, "przedmioty", [item] * 101)

    # When validated, Then
    assert errors(form("informacja-podatek-od-nieruchomosci"), empty)["data.przedmioty"]["code"] == "too_short"
    assert errors(form("informacja-podatek-od-nieruchomosci"), without(empty, "przedmioty")) == {
        "data.przedmioty": {"code": "missing", "message": "Pole jest wymagane."}}
    found = errors(form("informacja-podatek-od-nieruchomosci"), too_many)
    assert found == {"data.przedmioty": {"code": "too_long", "message": "Za dużo elementów (maksimum 100)."}}


def test_conditions_inside_a_group_refer_to_the_group_fields() -> None:
    # Given a tree marked as "other species" without a description
    data = {**TEST_VALID, "drzewa": [{"gatunek": "Dąb", "inne": True}, {"gatunek": "Lipa", "opis": "ukryty"}]}

    # When validated
    found = errors(custom_form(), data)

    # Then the first item misses its description, and the second item's hidden description is not an error
    assert found == {"data.drzewa[0].opis": {"code": "missing", "message": "Pole jest wymagane."}}
    values = custom_form().validate(with_value(data, "drzewa[0].opis", "Dąb czerwony")).values
    assert values["drzewa"] == [{"gatunek": "Dąb", "inne": True, "opis": "Dąb czerwony"},
                                {"gatunek": "Lipa", "inne": False}]


def test_empty_item_of_a_repeatable_file_is_reported() -> None:
    found = errors(custom_form(), {**TEST_VALID, "zalaczniki": [attachment_id("a"), None]})
    assert found == {"data.zalaczniki[1]": {"code": "missing", "message": "Pole jest wymagane."}}


# --- value shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "given", "cleaned"), [
    ("liczba", "2.5", 2.5),
    ("liczba", 3.0, 3),
    ("liczba", "7", 7),
    ("kwota", 17, "17.00"),
    ("kwota", "17,5", "17.50"),
    ("kwota", " 999.99 ", "999.99"),
    ("termin", "2026-12-01", "2026-12-01"),
])
def test_values_are_cleaned(field: str, given: object, cleaned: object) -> None:
    values = custom_form().validate({**TEST_VALID, field: given}).values
    assert values[field] == cleaned
    assert type(values[field]) is type(cleaned)


@pytest.mark.parametrize(("field", "given", "code"), [
    ("liczba", 0, "greater_than_equal"),
    ("liczba", 11, "less_than_equal"),
    ("liczba", "dużo", "float_parsing"),
    ("liczba", True, "float_type"),
    ("liczba", "1e999999", "float_parsing"),
    ("kwota", "17.555", "decimal_max_places"),
    ("kwota", -1, "greater_than_equal"),
    ("kwota", 1000.01, "less_than_equal"),
    ("kwota", "NaN", "decimal_parsing"),
    ("termin", "2026-02-30", "date_parsing"),
    ("termin", "01.12.2026", "date_parsing"),
    ("zgoda", "tak", "bool_parsing"),
    ("zalaczniki", "a" * 32, "list_type"),
    ("wnioskodawca", "Jan Kowalski", "model_type"),
])
def test_wrong_values_get_pydantic_codes_in_polish(field: str, given: object, code: str) -> None:
    found = errors(custom_form(), {**TEST_VALID, field: given})
    assert list(found) == [f"data.{field}"]
    assert found[f"data.{field}"]["code"] == code


def test_text_is_stripped_blank_is_absent_and_length_is_checked() -> None:
    # Given a tree with a blank species and one with too long a species
    data = {**TEST_VALID, "drzewa": [{"gatunek": "   "}, {"gatunek": "x" * 21}, {"gatunek": " Dąb "}]}

    # When validated
    found = errors(custom_form(), data)

    # Then
    assert found == {
        "data.drzewa[0].gatunek": {"code": "missing", "message": "Pole jest wymagane."},
        "data.drzewa[1].gatunek": {"code": "string_too_long", "message": "Tekst jest za długi (maksimum 20 znaków)."},
    }


def test_unknown_keys_are_refused_at_every_level() -> None:
    data = with_value({**TEST_VALID, "foo": 1}, "wnioskodawca.drugie_imie", "Adam")
    data = with_value(data, "drzewa[0]", {"gatunek": "Dąb", "wiek": 100})

    found = errors(custom_form(), data)

    assert found == {
        "data.foo": {"code": "extra_forbidden", "message": "Pole nie jest dozwolone."},
        "data.wnioskodawca.drugie_imie": {"code": "extra_forbidden", "message": "Pole nie jest dozwolone."},
        "data.drzewa[0].wiek": {"code": "extra_forbidden", "message": "Pole nie jest dozwolone."},
    }


def test_data_must_be_an_object() -> None:
    assert errors(custom_form(), ["x"]) == {"data": {"code": "model_type", "message": "Oczekiwano obiektu."}}


def test_all_errors_of_the_form_are_reported_together() -> None:
    # Given the tree removal form with several unrelated mistakes
    data = valid("zezwolenie-na-usuniecie-drzew")
    data = with_value(data, "wnioskodawca.pesel", "12345678901")
    data = without(data, "obreb")
    data = with_value(data, "termin_usuniecia", "jutro")
    data = with_value(data, "adres.postal_code", "5-500")
    data = with_value(data, "oswiadczenie_odpowiedzialnosc", False)
    data = with_value(data, "drzewa[0]", {"gatunek": "Dąb", "lokalizacja": "A"})
    data["nieznane"] = "x"

    # When validated
    found = errors(form("zezwolenie-na-usuniecie-drzew"), data)

    # Then every mistake is reported in the one response
    assert {field: e["code"] for field, e in found.items()} == {
        "data.wnioskodawca.pesel": "pesel_invalid",
        "data.adres.postal_code": "postal_code_invalid",
        "data.obreb": "missing",
        "data.drzewa[0].obwod_130": "missing",
        "data.termin_usuniecia": "date_parsing",
        "data.oswiadczenie_odpowiedzialnosc": "must_be_checked",
        "data.nieznane": "extra_forbidden",
    }


# --- what the platform reads out of the data -------------------------------------------------------


def test_person_applicant_email_and_files_in_definition_order() -> None:
    # Given a test form with an applicant, a contact e-mail, attachments and a photo of a tree
    data = {**TEST_VALID, "kontakt": "jan.kowalski@example.pl",
            "zalaczniki": [attachment_id("z0"), attachment_id("z1")],
            "drzewa": [{"gatunek": "Dąb"}, {"gatunek": "Lipa", "zdjecie": attachment_id("d1")}]}

    # When validated
    result = custom_form().validate(data)

    # Then
    assert result.applicant == Party(kind="person", name="Jan Kowalski", pesel="44051401359", nip=None, regon=None)
    assert result.email == "jan.kowalski@example.pl"
    assert result.files == [
        FileRef("zalaczniki[0]", attachment_id("z0")),
        FileRef("zalaczniki[1]", attachment_id("z1")),
        FileRef("drzewa[1].zdjecie", attachment_id("d1")),
    ]


def test_firm_applicant_is_the_first_party_with_a_value() -> None:
    # Given the alcohol licence: the firm comes before the representing person
    result = form("zezwolenie-na-sprzedaz-alkoholu").validate(valid("zezwolenie-na-sprzedaz-alkoholu"))
    assert result.applicant == Party(kind="firm", name=FIRM["name"], pesel=None, nip=NIP, regon=REGON)
    assert result.email == "jan.kowalski@example.pl"
    assert [f.field for f in result.files] == ["tytul_prawny_lokalu", "decyzja_sanepid"]

    # Given a letter from a firm (the person sender is hidden)
    data = with_value(valid("pismo-ogolne"), "rodzaj_nadawcy", "podmiot")
    data = with_value(without(data, "nadawca"), "podmiot", {"name": "Fundacja Las", "nip": NIP})
    result = form("pismo-ogolne").validate(with_value(data, "nadawca", PERSON))
    assert result.applicant == Party(kind="firm", name="Fundacja Las", pesel=None, nip=NIP, regon=None)
    assert result.email is None
    assert "nadawca" not in result.values


def test_the_partys_ade_is_read_out_of_the_form_for_the_case() -> None:
    # the e-delivery address the resident gives is what the office's letters go to; none given: None
    data = valid("pismo-ogolne")
    assert form("pismo-ogolne").validate(with_value(data, "adres_do_doreczen", ADE.lower())).edelivery_address == ADE
    assert form("pismo-ogolne").validate(data).edelivery_address is None


# --- compilation and error reporting ---------------------------------------------------------------


def test_changed_definition_under_the_same_version_is_recompiled() -> None:
    # Given a compiled test form, and the same id and version with another form
    first = compile_form(custom_service())
    changed = custom_service(fields=[{"name": "uwagi", "type": "text", "label": "Uwagi", "required": True}])

    # When compiled
    second = compile_form(changed)

    # Then the new rules apply (a published version never changes; this guards drafts and tests)
    assert second is not first
    assert errors(second, {}) == {"data.uwagi": {"code": "missing", "message": "Pole jest wymagane."}}
    assert compile_form(custom_service()).validate(TEST_VALID).values["zgoda"] is True


def test_group_condition_naming_an_unknown_field_is_refused_at_compile_time() -> None:
    bad = custom_service(fields=[{"name": "grupa", "type": "group", "label": "Grupa", "fields": [
        {"name": "a", "type": "text", "label": "A", "visible_when": {"b": "x"}}]}])
    with pytest.raises(ValueError, match="nieznanego pola „b”"):
        compile_form(bad)


def test_validation_details_use_the_message_of_a_custom_error() -> None:
    # Given a model whose validator raises our own error, and a pydantic error type without a Polish wording
    class Model(BaseModel):
        x: int
        y: str

        @field_validator("y")
        @classmethod
        def _check(cls, value: str) -> str:
            raise PydanticCustomError("y_invalid", "Wartość Y jest nieprawidłowa.")

    with pytest.raises(ValidationError) as exc:
        Model.model_validate({"x": [1], "y": "a"})

    # Then the custom error keeps its code and Polish message
    assert validation_details(exc.value, prefix=("data",)) == [
        {"field": "data.x", "code": "int_type", "message": "Oczekiwano liczby całkowitej."},
        {"field": "data.y", "code": "y_invalid", "message": "Wartość Y jest nieprawidłowa."},
    ]
