"""Fee rules: a fixed amount, a table by the form's option, exemptions and surcharges, computed in grosze."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.model.fees import FeeDue, FeeOptionError, FeeRule, compute, grosze
from chalicelib.model.service import Fee, FormDefinition, fee_rule_problems

PELNOMOCNICTWO = {
    "title": "opłata skarbowa od złożenia dokumentu stwierdzającego udzielenie pełnomocnictwa",
    "legal_basis": "ustawa o opłacie skarbowej, załącznik część IV",
    "amount": "17.00",
    "when": {"pelnomocnictwo": True},
    "exemptions": [{"when": {"pelnomocnik_rodzina": True},
                    "reason": "pełnomocnictwo udzielone małżonkowi, wstępnemu, zstępnemu lub rodzeństwu",
                    "legal_basis": "art. 7 pkt 1 ustawy o opłacie skarbowej"}],
}
CERTIFICATE = FeeRule.model_validate({
    "title": "opłata skarbowa od wydania zaświadczenia",
    "legal_basis": "ustawa o opłacie skarbowej, załącznik część II pkt 21",
    "amount": "17.00",
    "exemptions": [{"when": {"cel": ["krus", "pomoc-spoleczna"]},
                    "reason": "zaświadczenie w sprawie ubezpieczeń społecznych lub pomocy społecznej",
                    "legal_basis": "art. 2 ust. 1 pkt 1 lit. c i h ustawy o opłacie skarbowej"}],
    "surcharges": [PELNOMOCNICTWO],
})
ALCOHOL = FeeRule.model_validate({
    "title": "opłata za korzystanie z zezwolenia na sprzedaż napojów alkoholowych",
    "by": "rodzaj_zezwolenia",
    "table": {"A": "525.00", "B": "525.00", "C": "2100.00"},
})
FILE_ID = "0" * 32


def test_fixed_amount_in_grosze() -> None:
    due = compute(CERTIFICATE, {"cel": "kredyt"})
    assert due == FeeDue(amount=1700, title="opłata skarbowa od wydania zaświadczenia",
                         legal_basis="ustawa o opłacie skarbowej, załącznik część II pkt 21")
    assert due.payable


@pytest.mark.parametrize(("option", "amount"), [("A", 52500), ("B", 52500), ("C", 210000)])
def test_table_by_the_chosen_option(option: str, amount: int) -> None:
    due = compute(ALCOHOL, {"rodzaj_zezwolenia": option})
    assert (due.amount, due.option) == (amount, option)


@pytest.mark.parametrize(("values", "code"), [({}, "fee_option_missing"), ({"rodzaj_zezwolenia": ""},
                                                                           "fee_option_missing"),
                                              ({"rodzaj_zezwolenia": "D"}, "fee_option_unknown")])
def test_a_table_without_its_option_is_a_clear_error_on_the_field(values: dict[str, Any], code: str) -> None:
    with pytest.raises(FeeOptionError) as caught:
        compute(ALCOHOL, values)
    assert (caught.value.field, caught.value.code) == ("rodzaj_zezwolenia", code)
    assert "rodzaj_zezwolenia" in str(caught.value)


def test_exemption_owes_nothing_and_says_why() -> None:
    due = compute(CERTIFICATE, {"cel": "krus"})
    assert due.amount == 0 and not due.payable
    assert due.exemption is not None and "ubezpieczeń społecznych" in due.exemption and "art. 2 ust. 1" in due.exemption
    assert due.title == CERTIFICATE.title and due.legal_basis == CERTIFICATE.legal_basis


def test_power_of_attorney_adds_17_zl_unless_given_to_family() -> None:
    attorney = compute(CERTIFICATE, {"cel": "kredyt", "pelnomocnictwo": FILE_ID})
    assert attorney.amount == 3400 and "pełnomocnictwa" in attorney.title and attorney.exemption is None
    family = compute(CERTIFICATE, {"cel": "kredyt", "pelnomocnictwo": FILE_ID, "pelnomocnik_rodzina": True})
    assert family.amount == 1700 and family.exemption is not None and "art. 7 pkt 1" in family.exemption
    exempt_case = compute(CERTIFICATE, {"cel": "krus", "pelnomocnictwo": FILE_ID})
    assert exempt_case.amount == 1700 and exempt_case.exemption is not None  # the attorney still pays


def test_grosze_are_exact_and_never_rounded() -> None:
    assert grosze(Decimal("0.10")) + grosze(Decimal("0.20")) == 30  # no float anywhere
    assert grosze(Decimal("2100.99")) == 210099
    with pytest.raises(ValueError, match="groszy"):
        grosze(Decimal("1.005"))


@pytest.mark.parametrize("rule", [
    {"title": "opłata", "amount": "17.00", "by": "x", "table": {"a": "1"}},  # both ways
    {"title": "opłata"},  # neither
    {"title": "opłata", "by": "x", "table": {}},  # empty table
    {"title": "opłata", "amount": "17.001"},  # a fraction of a grosz
    {"title": "opłata", "amount": "-1"},
])
def test_a_rule_is_one_way_or_the_other(rule: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        FeeRule.model_validate(rule)


def test_the_old_fixed_fee_reads_as_a_rule() -> None:
    old = Fee(amount=Decimal("21.00"), title="Opłata skarbowa od zaświadczenia", exemptions=["Zwolnione: KRUS."])
    due = compute(old.as_rule(), {})
    assert (due.amount, due.title, due.exemption) == (2100, "Opłata skarbowa od zaświadczenia", None)
    assert old.as_rule().notes == ["Zwolnione: KRUS."]


FORM = FormDefinition.model_validate({"title": "Wniosek", "fields": [
    {"name": "rodzaj_zezwolenia", "type": "choice", "label": "Rodzaj",
     "options": [{"value": "A", "label": "A"}, {"value": "B", "label": "B"}]},
    {"name": "opis", "type": "text", "label": "Opis"},
]})


def test_a_rule_must_fit_the_form_it_reads() -> None:
    assert fee_rule_problems(ALCOHOL, FORM) == [
        ("table.C", "unknown_option", "Pole „rodzaj_zezwolenia” nie ma opcji „C”.")]
    on_text = FeeRule.model_validate({"title": "opłata", "by": "opis", "table": {"x": "1.00"}})
    assert [p[:2] for p in fee_rule_problems(on_text, FORM)] == [("table.x", "not_a_choice")]
    unknown = FeeRule.model_validate({"title": "opłata", "amount": "1.00", "exemptions": [
        {"when": {"nie_ma": True}, "reason": "powód", "legal_basis": "art. 1"}]})
    assert [p[:2] for p in fee_rule_problems(unknown, FORM)] == [("exemptions[0].when.nie_ma", "unknown_field")]
    fits = FeeRule.model_validate({"title": "opłata", "by": "rodzaj_zezwolenia", "table": {"A": "1.00"}})
    assert fee_rule_problems(fits, FORM) == []


COPIES = FeeRule.model_validate({"title": "opłata skarbowa od zaświadczenia o niezaleganiu w podatkach",
                                 "amount": "21.00", "times": "liczba_egzemplarzy"})


@pytest.mark.parametrize(("copies", "amount"), [(1, 2100), (3, 6300), ("2", 4200), (2.0, 4200)])
def test_the_amount_is_due_for_every_copy(copies: object, amount: int) -> None:
    assert compute(COPIES, {"liczba_egzemplarzy": copies}).amount == amount


@pytest.mark.parametrize("copies", [None, 0, -1, 1.5, "dwa", True, "NaN", 10**6])
def test_a_count_that_is_not_a_whole_number_from_1_is_a_clear_error(copies: object) -> None:
    with pytest.raises(FeeOptionError) as caught:
        compute(COPIES, {"liczba_egzemplarzy": copies})
    assert (caught.value.field, caught.value.code) == ("liczba_egzemplarzy", "fee_count_invalid")
