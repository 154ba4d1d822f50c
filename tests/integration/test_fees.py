"""Fees against the emulator: the rule as a JST offers it, the quote before submitting, the fee a submission owes
(stored, returned, carried to registration), the JST's own rule and its refusals on the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests import queues
from tests.conftest import auth
from tests.files import make_pdf
from tests.formdata import PESEL, valid_data, with_value
from tests.uploads import post_file

A = "1418043"  # Piaseczno
FARM, ALCOHOL = "zaswiadczenie-o-powierzchni-gospodarstwa", "zezwolenie-na-sprzedaz-alkoholu"
RESIDENT = "resident-oplaty"


def me() -> dict[str, str]:
    return auth("resident", subject=RESIDENT, pesel=PESEL, given_name="Jan", family_name="Kowalski")


def call(api: Any, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    resp = getattr(api.http, method.lower())(path, headers={"Content-Type": "application/json", **(headers or {})},
                                             body=json.dumps(body) if body is not None else None)
    return resp.status_code, json.loads(resp.body) if resp.body else None


@pytest.fixture(autouse=True)
def _clean_queues(platform: None) -> Iterator[None]:
    queues.purge("registrations")
    queues.purge("attachment-uploads")
    yield


def upload(api: Any, service: str) -> str:
    content = make_pdf()
    status, slot = call(api, "POST", f"/v1/tenants/{A}/services/{service}/attachments",
                        {"filename": "zalacznik.pdf", "content_type": "application/pdf", "size": len(content)}, me())
    assert status == 201, slot
    assert post_file(slot["upload"], content, filename="zalacznik.pdf") == 204
    queues.deliver(api, "attachment-uploads", "attachment_uploads", wait=1, expect=[slot["attachment_id"]])
    return str(slot["attachment_id"])


def application(api: Any, service: str, **values: Any) -> dict[str, Any]:
    from chalicelib.modules.catalogue.wiring import catalogue

    defn = catalogue().get(service)
    assert defn is not None and defn.fee_rule is not None
    data = valid_data(defn, lambda field: upload(api, service))
    for path, value in values.items():
        data = with_value(data, path, value)
    return data


def takes_fees_online(api: Any) -> bool:
    status, config = call(api, "GET", f"/v1/tenants/{A}/config", headers=auth("tenant-admin", A))
    assert status == 200
    return config["config"].get("payments") is not None


def test_the_jsts_service_shows_its_rule_in_words(api: Any) -> None:
    status, entry = call(api, "GET", f"/v1/tenants/{A}/services/{ALCOHOL}")
    assert status == 200 and entry["fee_rule"]["by"] == "rodzaj_zezwolenia"
    assert entry["fee_text"][0].startswith("zależnie od pola „Rodzaj zezwolenia")
    assert "C – powyżej 18% zawartości alkoholu: 2 100,00 zł" in entry["fee_text"][0]
    assert any(line.startswith("Dodatkowo 17,00 zł") for line in entry["fee_text"])


def test_the_quote_follows_the_option_and_the_power_of_attorney(api: Any) -> None:
    status, quote = call(api, "POST", f"/v1/tenants/{A}/services/{ALCOHOL}/fee", {"data": {"rodzaj_zezwolenia": "C"}})
    assert status == 200, quote
    assert (quote["fee"]["amount"], quote["fee"]["option"], quote["fee"]["currency"]) == (210000, "C", "PLN")
    assert quote["summary"].startswith("Opłata: 2 100,00 zł — opłata za korzystanie z zezwolenia")
    data = {"rodzaj_zezwolenia": "A", "pelnomocnictwo": "0" * 32}
    _, with_attorney = call(api, "POST", f"/v1/tenants/{A}/services/{ALCOHOL}/fee", {"data": data})
    assert with_attorney["fee"]["amount"] == 52500 + 1700
    _, family = call(api, "POST", f"/v1/tenants/{A}/services/{ALCOHOL}/fee",
                     {"data": {**data, "pelnomocnik_rodzina": True}})
    assert family["fee"]["amount"] == 52500 and "małżonkowi" in family["fee"]["exemption"]


@pytest.mark.parametrize(("data", "code"), [({}, "fee_option_missing"), ({"rodzaj_zezwolenia": "D"}, "invalid_option")])
def test_a_quote_without_a_valid_option_is_422_on_the_field(api: Any, data: dict[str, Any], code: str) -> None:
    status, body = call(api, "POST", f"/v1/tenants/{A}/services/{ALCOHOL}/fee", {"data": data})
    assert status == 422, body
    assert [(d["field"], d["code"]) for d in body["error"]["details"]] == [("data.rodzaj_zezwolenia", code)]
    assert "Rodzaj zezwolenia" in body["error"]["details"][0]["message"]


def test_a_submission_owes_the_fee_and_carries_it_to_registration(api: Any, demo_pki: Any) -> None:
    data = application(api, FARM, cel="kredyt", liczba_egzemplarzy=2)
    status, body = call(api, "POST", f"/v1/tenants/{A}/services/{FARM}/submissions", {"data": data},
                        {**me(), "Idempotency-Key": "oplata-gospodarstwo-1"})
    assert status == 201, body
    assert body["fee"] == {"amount": 3400, "currency": "PLN", "title": "opłata skarbowa od wydania zaświadczenia",
                           "legal_basis": body["fee"]["legal_basis"], "option": None, "exemption": None,
                           "online": takes_fees_online(api)}
    assert "opłacie skarbowej" in body["fee"]["legal_basis"]
    message = json.loads(queues.peek("registrations"))
    assert message["submission_id"] == body["submission_id"]
    assert {k: message["facts"]["fee"][k] for k in ("amount", "currency", "title")} == {
        "amount": 3400, "currency": "PLN", "title": "opłata skarbowa od wydania zaświadczenia"}
    _, again = call(api, "GET", body["links"]["self"], headers=me())
    assert again["fee"] == body["fee"]  # stored with the submission


def test_an_exempt_submission_owes_nothing_and_says_why(api: Any, demo_pki: Any) -> None:
    data = application(api, FARM, cel="krus")
    status, body = call(api, "POST", f"/v1/tenants/{A}/services/{FARM}/submissions", {"data": data},
                        {**me(), "Idempotency-Key": "oplata-gospodarstwo-krus"})
    assert status == 201, body
    assert body["fee"]["amount"] == 0 and "art. 2 ust. 1 pkt 1" in body["fee"]["exemption"]
    assert json.loads(queues.peek("registrations"))["facts"]["fee"]["amount"] == 0


@pytest.mark.usefixtures("restore_region")
def test_the_jsts_own_rule_is_checked_against_the_form_and_applied(api: Any, demo_pki: Any) -> None:
    admin = auth("tenant-admin", A)
    path = f"/v1/tenants/{A}/services/{ALCOHOL}/settings"
    wrong = {"fee_rule": {"title": "opłata gminy", "by": "rodzaj_zezwolenia", "table": {"A": "100.00", "D": "1.00"}}}
    status, body = call(api, "PUT", path, wrong, admin)
    assert status == 422, body
    assert [(d["field"], d["code"]) for d in body["error"]["details"]] == [("fee_rule.table.D", "unknown_option")]

    own = {"fee_rule": {"title": "opłata gminy", "by": "rodzaj_zezwolenia", "table": {"A": "100.00"}}}
    status, body = call(api, "PUT", path, own, admin)
    assert status == 200, body
    _, quote = call(api, "POST", f"/v1/tenants/{A}/services/{ALCOHOL}/fee", {"data": {"rodzaj_zezwolenia": "A"}})
    assert (quote["fee"]["amount"], quote["fee"]["title"]) == (10000, "opłata gminy")

    data = application(api, ALCOHOL, rodzaj_zezwolenia="C")
    status, body = call(api, "POST", f"/v1/tenants/{A}/services/{ALCOHOL}/submissions", {"data": data},
                        {**me(), "Idempotency-Key": "oplata-alkohol-c"})
    assert status == 422, body
    assert [(d["field"], d["code"]) for d in body["error"]["details"]] == [("data.rodzaj_zezwolenia",
                                                                          "fee_option_unknown")]
    _, mine = call(api, "GET", "/v1/me/submissions", headers=me())
    assert all(s["service"] != ALCOHOL for s in mine["items"])  # nothing written
