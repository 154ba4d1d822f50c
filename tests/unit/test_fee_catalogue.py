"""A service's fee as a JST offers it: the rule in effect and in words, a quote for a form, the JST's own rule."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.core.errors import NotFound, Unprocessable
from chalicelib.model.fees import FeeDue
from chalicelib.modules.catalogue import fees, logic
from chalicelib.modules.catalogue.models import FeeQuoteIn
from chalicelib.modules.tenants import logic as tenants
from chalicelib.modules.tenants.models import ServiceSettingChange
from tests.samples import service, tenant

PAYMENTS = {"merchant_id": 1, "pos_id": 1, "credentials_secret": "p24/1418043"}
RULE: dict[str, Any] = {
    "title": "opłata skarbowa od wydania zaświadczenia",
    "legal_basis": "ustawa o opłacie skarbowej, załącznik część II",
    "by": "cel", "table": {"bank": "17.00", "inny": "21.00"},
    "exemptions": [{"when": {"zwolnienie": True}, "reason": "osoba korzystająca z pomocy społecznej z powodu ubóstwa",
                    "legal_basis": "art. 7 pkt 1 ustawy o opłacie skarbowej"}],
}
FORM = {"title": "Wniosek o wydanie zaświadczenia", "fields": [
    {"name": "wnioskodawca", "type": "person", "label": "Wnioskodawca", "required": True},
    {"name": "cel", "type": "choice", "label": "Cel", "required": True,
     "options": [{"value": "bank", "label": "Kredyt"}, {"value": "inny", "label": "Inny"}]},
    {"name": "zwolnienie", "type": "checkbox", "label": "Korzystam z pomocy społecznej"},
    {"name": "cel_inny", "type": "text", "label": "Inny cel", "visible_when": {"cel": "inny"}},
]}
RULED = service(version=2, fee=None, fee_rule=RULE, form=FORM)


class Reader:
    def __init__(self, *defs: Any) -> None:
        self.defs = defs

    def latest_all(self) -> list[Any]:
        return list(self.defs)

    def get(self, service_id: str, version: int | None = None) -> Any:
        return next((d for d in self.defs if d.id == service_id and version in (None, d.version)), None)


def test_entry_shows_the_rule_in_words_with_the_forms_labels() -> None:
    e = logic.entry(RULED, tenant())
    assert e.fee_rule is not None and e.fee_rule.by == "cel"
    assert e.fee_text[0] == ("zależnie od pola „Cel” (Kredyt: 17,00 zł; Inny: 21,00 zł) — opłata skarbowa od wydania "
                             "zaświadczenia (ustawa o opłacie skarbowej, załącznik część II).")
    assert e.fee_text[1].startswith("Zwolnione z opłaty: osoba korzystająca z pomocy społecznej")
    assert "„Korzystam z pomocy społecznej”" in e.fee_text[1]
    assert e.fee is not None and str(e.fee.amount) == "17.00"  # in short: the table's lowest


def test_an_old_fixed_fee_still_reads_and_a_service_without_one_says_so() -> None:
    e = logic.entry(service(), None)
    assert e.fee_rule is not None and str(e.fee_rule.amount) == "21.00"
    assert e.fee_text == ["21,00 zł — Opłata skarbowa za zaświadczenie o niezaleganiu."]
    assert logic.entry(service(fee=None), None).fee_text == ["Bez opłaty."]


def test_a_version_cannot_carry_a_rule_that_does_not_fit_its_form() -> None:
    with pytest.raises(ValidationError, match=r"fee_rule\.table\.kredyt"):
        service(version=2, fee=None, fee_rule={**RULE, "table": {"kredyt": "17.00"}}, form=FORM)
    with pytest.raises(ValidationError, match="albo"):
        service(version=2, fee_rule=RULE, form=FORM)  # `fee` and `fee_rule` both


def test_quote_by_option_with_the_exemption_and_online_flag() -> None:
    cfg = tenant(payments=PAYMENTS)
    q = logic.quote(Reader(RULED), cfg, RULED.id, FeeQuoteIn(data={"cel": "inny"}))
    assert q.fee == FeeDue(amount=2100, title=RULE["title"], legal_basis=RULE["legal_basis"], option="inny")
    assert q.online and q.summary == ("Opłata: 21,00 zł — opłata skarbowa od wydania zaświadczenia.")
    exempt = logic.quote(Reader(RULED), tenant(), RULED.id, FeeQuoteIn(data={"cel": "bank", "zwolnienie": True}))
    assert exempt.fee is not None and exempt.fee.amount == 0 and not exempt.online
    assert exempt.summary.startswith("Zwolnione z opłaty: osoba korzystająca z pomocy społecznej")


@pytest.mark.parametrize(("data", "code"), [({}, "fee_option_missing"), ({"cel": "lotto"}, "invalid_option"),
                                            ({"cel": ["bank"]}, "invalid_option")])
def test_quote_without_a_valid_option_is_422_on_the_field(data: dict[str, Any], code: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        logic.quote(Reader(RULED), tenant(), RULED.id, FeeQuoteIn(data=data))
    assert [(d["field"], d["code"]) for d in caught.value.details] == [("data.cel", code)]


def test_quote_for_a_service_the_jst_does_not_offer_is_404() -> None:
    with pytest.raises(NotFound):
        logic.quote(Reader(RULED.model_copy(update={"id": "pismo-ogolne"})), tenant(), "pismo-ogolne",
                    FeeQuoteIn(data={}))


def test_hidden_fields_do_not_count() -> None:
    form = RULED.form
    assert fees.visible(form, {"cel": "bank", "cel_inny": "x", "obcy": 1}) == {"cel": "bank"}


def test_the_jsts_fixed_amount_replaces_the_table_and_its_own_rule_replaces_all() -> None:
    fixed = tenant(services=[{"id": RULED.id, "fee": "5.00"}])
    assert logic.fee_due(RULED, fixed, {}) == FeeDue(amount=500, title=RULE["title"], legal_basis=RULE["legal_basis"])
    own = tenant(services=[{"id": RULED.id, "fee_rule": {"title": "opłata gminy", "amount": "1.50"}}])
    assert logic.fee_due(RULED, own, {"cel": "bank"}) == FeeDue(amount=150, title="opłata gminy")


def test_a_jsts_rule_that_does_not_fit_the_form_is_refused_on_the_field() -> None:
    change = ServiceSettingChange.model_validate(
        {"fee_rule": {"title": "opłata gminy", "by": "cel", "table": {"bank": "1.00", "lotto": "9.00"}}})
    with pytest.raises(Unprocessable) as caught:
        tenants.apply_change(tenant(), RULED.id, change, RULED)
    assert [(d["field"], d["code"]) for d in caught.value.details] == [("fee_rule.table.lotto", "unknown_option")]
    good = ServiceSettingChange.model_validate(
        {"fee_rule": {"title": "opłata gminy", "by": "cel", "table": {"bank": "1.00"}}})
    config, summary = tenants.apply_change(tenant(), RULED.id, good, RULED)
    assert config.setting(RULED.id).fee_rule is not None and "reguła opłaty" in summary  # type: ignore[union-attr]


def test_a_region_file_with_a_rule_that_does_not_fit_is_refused() -> None:
    rule = {"title": "opłata gminy", "by": "nie_ma", "table": {"a": "1"}}
    cfg = tenant(services=[{"id": RULED.id, "fee_rule": rule}])
    with pytest.raises(Unprocessable) as caught:
        tenants.check_against_catalogue(cfg, {RULED.id}, {RULED.id: RULED})
    assert [d["field"] for d in caught.value.details] == ["services[0].fee_rule.by"]
