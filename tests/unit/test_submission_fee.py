"""The fee of a submission, computed from the form at acceptance: stored, on the receipt, in the registration."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core.errors import Unprocessable
from chalicelib.documents import upp
from chalicelib.events.topics import RegistrationMessage
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.submissions import intake, views
from chalicelib.modules.submissions.models import Filer, SubmissionIn
from tests import samples
from tests.files import make_pdf
from tests.formdata import PESEL, valid_data, with_value
from tests.unit import fakes
from tests.unit.fakes import FakePorts

FARM = "zaswiadczenie-o-powierzchni-gospodarstwa"
JAN = Filer(pesel=PESEL, name="Jan Kowalski")
PAYMENTS = {"merchant_id": 100, "pos_id": 100, "credentials_secret": "eurzad/p24/1418043"}


def office(**changes: Any) -> TenantConfig:
    return samples.tenant(services=[{"id": FARM, "enabled": True}], **changes)


def farm_data(p: FakePorts, **values: Any) -> dict[str, Any]:
    defn = p.catalogue.get(FARM)
    assert defn is not None and defn.fee_rule is not None  # the version with a fee rule
    data = valid_data(defn, lambda path: pytest.fail(f"no file expected at {path}"))
    for path, value in values.items():
        data = with_value(data, path, value)
    return data


def submit(p: FakePorts, data: dict[str, Any], tenant: TenantConfig) -> intake.Accepted:
    return intake.submit_form(p, owner="resident-jan", filer=JAN, tenant=tenant, service=FARM,
                              idempotency_key="wniosek-oplata-1", body=SubmissionIn(data=data))


def registration(p: FakePorts) -> RegistrationMessage:
    [(_, message)] = [m for m in p.publisher.messages if isinstance(m[1], RegistrationMessage)]
    assert isinstance(message, RegistrationMessage)
    return message


def test_the_fee_is_computed_stored_shown_on_the_upp_and_carried_to_registration() -> None:
    p = fakes.ports()
    s = submit(p, farm_data(p, cel="kredyt", liczba_egzemplarzy=2), office(payments=PAYMENTS)).submission
    assert s.record.fee is not None and (s.record.fee.amount, s.record.fee.currency) == (3400, "PLN")
    assert s.record.fee.title == "opłata skarbowa od wydania zaświadczenia"
    shown = views.view(s)["fee"]
    assert shown["amount"] == 3400 and shown["online"] is True
    receipt = upp.read(p.objects.get("documents", s.record.upp.key).body)
    assert "Należna opłata: 34,00 zł (opłata skarbowa od wydania zaświadczenia)." in receipt.information
    assert registration(p).facts is not None and registration(p).facts.fee == s.record.fee  # type: ignore[union-attr]


def test_an_exempt_case_owes_nothing_with_the_reason_and_the_upp_says_no_fee() -> None:
    p = fakes.ports()
    s = submit(p, farm_data(p, cel="krus"), office()).submission
    fee = s.record.fee
    assert fee is not None and fee.amount == 0 and fee.exemption is not None and "art. 2 ust. 1 pkt 1" in fee.exemption
    assert views.view(s)["fee"]["online"] is False
    assert "opłata" not in upp.read(p.objects.get("documents", s.record.upp.key).body).information.lower()


def test_a_power_of_attorney_adds_17_zl_unless_given_to_family() -> None:
    p = fakes.ports()
    pdf = p.add_attachment("resident-jan", terc="1418043", service=FARM, content=make_pdf()).attachment_id
    data = farm_data(p, cel="kredyt", przez_pelnomocnika=True, pelnomocnictwo=pdf)
    s = submit(p, data, office()).submission
    assert s.record.fee is not None and s.record.fee.amount == 3400 and "pełnomocnictwa" in s.record.fee.title
    assert views.view(s)["fee"]["online"] is False  # the JST takes no fees online: paid another way


def test_a_jst_without_payments_still_computes_the_fee_and_says_it_is_not_online() -> None:
    p = fakes.ports()
    s = submit(p, farm_data(p, cel="kredyt"), office()).submission
    assert views.view(s)["fee"] == {**s.record.fee.model_dump(mode="json"), "online": False}  # type: ignore[union-attr]


def test_a_table_whose_option_sets_no_amount_is_422_on_the_field_and_nothing_is_written() -> None:
    p = fakes.ports()
    own_rule = {"title": "opłata gminy", "by": "cel", "table": {"kredyt": "10.00"}}
    tenant = samples.tenant(services=[{"id": FARM, "enabled": True, "fee_rule": own_rule}])
    with pytest.raises(Unprocessable) as caught:
        submit(p, farm_data(p, cel="inny", cel_inny="sprzedaż działki"), tenant)
    assert [(d["field"], d["code"]) for d in caught.value.details] == [("data.cel", "fee_option_unknown")]
    assert p.submissions.items == {} and p.objects.keys("documents") == [] and p.publisher.messages == []
