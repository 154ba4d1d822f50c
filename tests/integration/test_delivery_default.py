"""The party's e-delivery address (ADE) from the e-wniosek reaches the case, against the emulator and the sandbox
e-Delivery box: the clerk sees it, a decision sent with no recipient given goes to it, the resident's case says so;
an application without one goes on paper, as before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests import queues
from tests.conftest import auth
from tests.edelivery_box import EDeliveryBox
from tests.integration.delivery_setup import DECISION, OFFICE_ADE, ade, post
from tests.integration.test_submissions import application, call, me, submit

A = "1418043"
CLERK = auth("clerk", A, subject="clerk-ola", department="OR")  # pismo-ogolne is the OR department's
_registered: set[str] = set()


@pytest.fixture(name="box")
def box_fixture(platform: None, edelivery_box: EDeliveryBox, demo_pki: Any,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[EDeliveryBox]:
    """The platform wired to the sandbox box on the real clock (the resident's tokens and uploads are today's)."""
    from chalicelib.core.settings import get_settings
    from chalicelib.modules.delivery import wiring

    monkeypatch.setenv("EURZAD_EDELIVERY_URL", edelivery_box.url)
    monkeypatch.setenv("EURZAD_PUBLIC_API_URL", "http://127.0.0.1:9/api")  # the box's callbacks go nowhere
    get_settings.cache_clear()
    wiring.box.cache_clear()
    if OFFICE_ADE not in _registered:
        edelivery_box.register(OFFICE_ADE, "Urząd Miasta i Gminy Piaseczno", public_body=True)
        _registered.add(OFFICE_ADE)
    for name in ("registrations", "attachment-uploads", "delivery-sends"):
        queues.purge(name)
    yield edelivery_box
    monkeypatch.delenv("EURZAD_EDELIVERY_URL")
    monkeypatch.delenv("EURZAD_PUBLIC_API_URL")
    get_settings.cache_clear()
    wiring.box.cache_clear()


def registered_case(api: Any, data: dict[str, Any], key: str) -> str:
    """The case of a filed pismo-ogolne, registered by the worker from the real queue."""
    status, body = submit(api, A, "pismo-ogolne", data, key)
    assert status == 201, body
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1
    return str(body["submission_id"])  # the case is registered under the submission's id


def issued_decision(api: Any, case_id: str) -> str:
    assert post(api, f"/v1/tenants/{A}/cases/{case_id}/assignment", {}, headers=CLERK).status_code == 200
    issued = post(api, f"/v1/tenants/{A}/cases/{case_id}/letters",
                  {"kind": "decyzja", "fields": DECISION, "signer_position": "Burmistrz", "signer_name": "Anna Nowak"},
                  key=f"decyzja-{case_id[:8]}", headers=CLERK)
    assert issued.status_code == 201, issued.body
    return str(issued.json_body["letter_id"])


def test_the_ade_given_on_the_form_is_the_cases_and_the_decision_goes_there_without_the_clerk_typing_it(
        api: Any, box: EDeliveryBox) -> None:
    # Given a resident who gives their ADE on the application, and has a box there
    resident = ade()
    box.register(resident, "Jan Kowalski")
    data = application(api, A, "pismo-ogolne")
    data["adres_do_doreczen"] = resident
    case_id = registered_case(api, data, f"ade-{resident[-8:]}")

    # Then the clerk's case holds it and the resident's case says the office delivers there
    shown = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK)
    assert shown.status_code == 200, shown.body
    assert shown.json_body["case"]["edelivery_address"] == resident
    status, mine = call(api, "GET", f"/v1/me/cases/{case_id}", headers=me())
    assert status == 200, mine
    assert (mine["delivery_to"]["channel"], mine["delivery_to"]["ade"]) == ("e-doreczenie", resident)
    assert resident in mine["delivery_to"]["text"]

    # When the clerk sends a decision giving no recipient
    letter_id = issued_decision(api, case_id)
    sent = post(api, f"/v1/tenants/{A}/cases/{case_id}/letters/{letter_id}/delivery", {}, key="domyslny-1",
                headers=CLERK)

    # Then it goes by e-Delivery to the party's ADE, and reaches that box
    assert sent.status_code == 201, sent.body
    assert (sent.json_body["channel"], sent.json_body["recipient"]["ade"]) == ("e-doreczenie", resident)
    queues.deliver(api, "delivery-sends", "delivery_sends")
    inbox = box.call("GET", f"/{quote(resident, safe='')}/messages")["messages"]
    assert len(inbox) == 1 and inbox[0]["recipient"] == resident and inbox[0]["sender"] == OFFICE_ADE, inbox


def test_without_an_ade_the_case_has_none_and_the_decision_goes_on_paper(api: Any, box: EDeliveryBox) -> None:
    # Given an application without an ADE
    data = application(api, A, "pismo-ogolne")
    data.pop("adres_do_doreczen", None)
    case_id = registered_case(api, data, f"bez-ade-{ade()[-8:]}")

    # Then the case holds none and the resident is told the letters come by post
    shown = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK)
    assert "edelivery_address" not in shown.json_body["case"]
    _, mine = call(api, "GET", f"/v1/me/cases/{case_id}", headers=me())
    assert mine["delivery_to"]["channel"] == "papier" and mine["delivery_to"]["text"].startswith("Pocztą")

    # And a decision sent automatically goes on paper (to the address the clerk gives, as before)
    letter_id = issued_decision(api, case_id)
    path = f"/v1/tenants/{A}/cases/{case_id}/letters/{letter_id}/delivery"
    refused = post(api, path, {"channel": "e-doreczenie"}, key="papier-0", headers=CLERK)
    assert refused.status_code == 422 and refused.json_body["error"]["code"] == "ade_required"
    sent = post(api, path, {"address": ["ul. Lipowa 3", "05-500 Piaseczno"]}, key="papier-1", headers=CLERK)
    assert sent.status_code == 201, sent.body
    assert (sent.json_body["channel"], sent.json_body["recipient"]["ade"]) == ("papier", None)
