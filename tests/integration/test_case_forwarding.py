"""Forwarding a case between two JSTs of the platform (art. 65 KPA) against the emulator: the receiver registers it
under its own sign with readable copies of the documents, the sender keeps a closed record with the reason, the
resident sees both cases and gets both e-mails; a redelivered event registers once; a receiver that cannot take the
case is refused before anything is written; each JST's clerks read only their own case."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.modules.cases.repository import DynamoCases
from chalicelib.modules.cases.resources import CaseTable
from chalicelib.signatures import pki
from tests import queues
from tests.conftest import auth
from tests.emulator import sent_emails
from tests.files import make_pdf
from tests.formdata import with_value
from tests.integration.test_submissions import application, call, fetch, me, submit, upload

A, B = "1418043", "1418032"  # Piaseczno sends, Lesznowola receives
# the kancelaria's head forwards a case as it comes in, before anyone takes it
KANCELARIA_A = auth("clerk", A, subject="clerk-a", department_head=True)
KANCELARIA_B = auth("clerk", B, subject="clerk-b")
REASON = "Nieruchomość, której dotyczy pismo, leży w gminie Lesznowola."


@pytest.fixture(autouse=True)
def _clean_queues(platform: None) -> Iterator[None]:
    for key in ("registrations", "attachment-uploads", "case-forwards"):
        queues.purge(key)
    yield


def filed_and_registered(api: Any, key: str, email: str, service: str = "pismo-ogolne") -> dict[str, Any]:
    """A resident's application (a general letter: with an attachment), filed with A and registered in A's inbox."""
    data = with_value(application(api, A, service), "email", email)
    if service == "pismo-ogolne":
        data = with_value(data, "zalaczniki", [upload(api, A, service, make_pdf())])
    status, body = submit(api, A, service, data, key)
    assert status == 201, body
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1
    return dict(call(api, "GET", body["links"]["self"], headers=me())[1])


def forward(api: Any, case_id: str, to_terc: str, headers: dict[str, str] = KANCELARIA_A, **extra: Any) -> Any:
    body = {"to": "przekazana", "reason": REASON, "to_terc": to_terc, **extra}
    return api.http.post(f"/v1/tenants/{A}/cases/{case_id}/transitions", body=json.dumps(body),
                         headers={**headers, "Content-Type": "application/json"})


def _mails_to(address: str) -> list[dict[str, Any]]:
    return [m for m in sent_emails() if address in json.dumps(m)]


def test_a_case_forwarded_to_another_jst_is_registered_there_with_its_documents(
        api: Any, demo_pki: pki.DemoPki) -> None:
    # Given a letter filed with Piaseczno and registered there, whose resident gave an e-mail address
    address = f"strona-{uuid.uuid4().hex[:8]}@example.pl"
    filed = filed_and_registered(api, f"przekazanie-{uuid.uuid4().hex[:8]}", address)
    case_id, old_sign = filed["submission_id"], filed["case_sign"]

    # When Piaseczno's clerk forwards it to Lesznowola, and Lesznowola's worker gets the event (twice)
    answer = forward(api, case_id, B)
    assert answer.status_code == 200, answer.body
    event = queues.peek("case-forwards")
    assert queues.deliver(api, "case-forwards", "case_forwards")["delivered"] == 1
    queues.send("case-forwards", event)
    assert queues.deliver(api, "case-forwards", "case_forwards")["delivered"] == 1

    # Then the sender's record is closed with the reason and the target
    sent = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=KANCELARIA_A).json_body
    assert (sent["case"]["status"], sent["allowed"], sent["clock"]["ended"]) == ("przekazana", [], True)
    target = sent["case"]["forwarded_to"]
    assert (target["terc"], target["office"], target["reason"]) == (B, "Urząd Gminy Lesznowola", REASON)
    assert sent["history"][-1]["reason"] == REASON and sent["history"][-1]["forwarded_to"]["terc"] == B
    again = forward(api, case_id, B)
    assert (again.status_code, again.json_body["error"]["code"]) == (409, "transition_not_allowed")
    # And the receiver's inbox has it once, under the receiver's own sign, pointing back to the sender's case
    inbox = api.http.get(f"/v1/tenants/{B}/inbox?department=OR&limit=100", headers=KANCELARIA_B).json_body
    received = [c for c in inbox["items"] if c["case_id"] == target["case_id"]]
    assert len(received) == 1, inbox
    new = received[0]
    assert (new["terc"], new["department"]) == (B, "OR")
    assert re.fullmatch(r"OR\.[0-9.]+\.\d+\.20\d\d", new["case_sign"])
    # its number is the receiver's last: the redelivery took none
    assert DynamoCases().last_number(B, "OR", new["jrwa"], new["year"]) == new["number"]
    assert new["forwarded_from"] | {"forwarded_at": None} == {
        "terc": A, "office": "Urząd Miasta i Gminy Piaseczno", "case_sign": old_sign, "case_id": case_id,
        "forwarded_at": None, "reason": REASON}
    # the party's filing date is kept; the receiver's clock runs from the day the case reached it
    assert new["filed_on"] == filed["delivered_at"][:10]
    assert new["started_on"] == sent["history"][-1]["at"][:10] and new["status"] == "zarejestrowana"
    # And the receiver's clerks read the documents byte for byte as the resident filed them
    for name, mine in (("document", filed["links"]["document"]), ("upp", filed["links"]["upp"]),
                       (filed["attachments"][0]["attachment_id"], filed["attachments"][0]["href"])):
        link = api.http.get(f"/v1/tenants/{B}/cases/{new['case_id']}/documents/{name}", headers=KANCELARIA_B)
        assert link.status_code == 200, link.body
        assert fetch(link.json_body["url"]) == fetch(call(api, "GET", mine, headers=me())[1]["url"])
    # And the resident sees both cases, the old one pointing to the new
    mine = {c["case_id"]: c for c in api.http.get("/v1/me/cases", headers=me()).json_body["items"]}
    assert mine[case_id]["status"] == "przekazana" and mine[case_id]["forwarded_to"]["case_id"] == new["case_id"]
    assert mine[new["case_id"]]["case_sign"] == new["case_sign"]
    assert mine[new["case_id"]]["forwarded_from"]["case_sign"] == old_sign
    stages = api.http.get(f"/v1/me/cases/{new['case_id']}", headers=me()).json_body["stages"]
    assert "art. 65 § 2" in stages[0]["text"]
    # And got both e-mails, once each: the sender's (to whom, why) and the receiver's (new sign, filing date kept)
    mails = _mails_to(address)
    forwarded = [m for m in mails if m["Subject"] == f"Sprawa {old_sign} – przekazana"]
    registered = [m for m in mails if m["Subject"] == f"Sprawa {new['case_sign']} – przekazana i zarejestrowana"]
    assert len(forwarded) == 1 and len(registered) == 1, [m["Subject"] for m in mails]
    assert "Urząd Gminy Lesznowola" in forwarded[0]["BodyText"] and REASON in forwarded[0]["BodyText"]
    assert "art. 65 § 1" in forwarded[0]["BodyText"]
    assert "zachowana" in registered[0]["BodyText"] and "Referat Organizacyjny" in registered[0]["BodyText"]


def test_each_jst_reads_only_its_own_case_and_the_forwarded_copies(api: Any, demo_pki: pki.DemoPki) -> None:
    filed = filed_and_registered(api, f"przekazanie-{uuid.uuid4().hex[:8]}", "strona@example.pl")
    case_id = filed["submission_id"]
    assert forward(api, case_id, B).status_code == 200
    queues.deliver(api, "case-forwards", "case_forwards")
    new = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=KANCELARIA_A).json_body["case"]["forwarded_to"]
    new_id = new["case_id"]
    # The sender's clerk does not reach the receiver's case, nor its copies; the receiver's not the sender's
    for path in (f"/v1/tenants/{A}/cases/{new_id}", f"/v1/tenants/{A}/cases/{new_id}/documents/document"):
        assert api.http.get(path, headers=KANCELARIA_A).status_code == 404, path
    for path in (f"/v1/tenants/{B}/cases/{new_id}", f"/v1/tenants/{B}/cases/{new_id}/documents/upp"):
        assert api.http.get(path, headers=KANCELARIA_A).status_code == 403, path
        assert api.http.get(path, headers=KANCELARIA_B).status_code == 200, path
    for path in (f"/v1/tenants/{B}/cases/{case_id}", f"/v1/tenants/{B}/submissions/{case_id}"):
        assert api.http.get(path, headers=KANCELARIA_B).status_code == 404, path
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=KANCELARIA_B).status_code == 403
    # And the sender's clerks keep reading theirs
    assert api.http.get(f"/v1/tenants/{A}/submissions/{case_id}/document", headers=KANCELARIA_A).status_code == 200


def _marker(case_id: str) -> CaseTable | None:
    try:
        return CaseTable.get(f"F#{case_id}", "F", consistent_read=True)
    except CaseTable.DoesNotExist:
        return None


@pytest.mark.usefixtures("restore_region")
def test_a_receiver_that_cannot_take_the_case_is_refused_and_nothing_is_written(
        api: Any, demo_pki: pki.DemoPki) -> None:
    # Given a certificate case (the finance department's) filed with Piaseczno
    filed = filed_and_registered(api, f"przekazanie-{uuid.uuid4().hex[:8]}", "strona@example.pl",
                                 "zaswiadczenie-o-niezaleganiu")
    case_id = filed["submission_id"]
    before = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=KANCELARIA_A).headers["ETag"]
    # And the powiat (no finance department) no longer offering the general letter, whose department would take it
    config = api.http.get("/v1/tenants/1418/config", headers=auth("tenant-admin", "1418")).json_body
    off = api.http.put("/v1/tenants/1418/services/pismo-ogolne/settings", body=json.dumps({"enabled": False}),
                       headers={**auth("tenant-admin", "1418"), "Content-Type": "application/json",
                                "If-Match": f'"{config["version"]}"'})
    assert off.status_code == 200, off.body
    # When the case is forwarded there, to a JST not on the platform, to itself, or with both kinds of target
    cannot = forward(api, case_id, "1418")
    unknown = forward(api, case_id, "1418099")
    itself = forward(api, case_id, A)
    both = forward(api, case_id, B, office="Starosta")
    # Then each is refused with its reason on the field, and nothing is written nor sent
    assert (cannot.status_code, cannot.json_body["error"]["code"]) == (409, "target_cannot_register")
    assert (unknown.status_code, unknown.json_body["error"]["code"]) == (422, "target_not_found")
    assert (itself.status_code, itself.json_body["error"]["code"]) == (422, "target_is_sender")
    assert both.status_code == 422
    assert {r.json_body["error"]["details"][0]["field"] for r in (cannot, unknown, itself, both)} == {"to_terc"}
    assert api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=KANCELARIA_A).headers["ETag"] == before
    assert _marker(case_id) is None and queues.count("case-forwards") == 0


def test_an_event_not_sent_is_sent_by_the_sweeper_and_registered(api: Any, demo_pki: pki.DemoPki,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import events
    from chalicelib.core.clock import FixedClock, SystemClock, set_clock

    filed = filed_and_registered(api, f"przekazanie-{uuid.uuid4().hex[:8]}", "strona@example.pl")
    case_id = filed["submission_id"]
    # Given the queue unreachable when the clerk forwards (the function died after the write, as far as it goes)
    monkeypatch.setattr(events, "publish", lambda event: None)
    assert forward(api, case_id, B).status_code == 200
    assert queues.count("case-forwards") == 0 and _marker(case_id) is not None
    # When the sweeper runs later, the event goes out, and the receiver registers it; the marker is cleared
    set_clock(FixedClock(datetime.now(UTC) + timedelta(minutes=10)))
    try:
        api.lambda_.invoke("case_forwards_sweeper", api.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    finally:
        set_clock(SystemClock())
    assert queues.deliver(api, "case-forwards", "case_forwards")["delivered"] == 1
    marker = _marker(case_id)
    assert marker is not None and marker.case_sign and marker.outbox is None
    inbox = api.http.get(f"/v1/tenants/{B}/inbox?department=OR&limit=100", headers=KANCELARIA_B).json_body
    assert [c["case_sign"] for c in inbox["items"] if c.get("forwarded_from", {}).get("case_id") == case_id] == [
        marker.case_sign]
