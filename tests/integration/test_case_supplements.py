"""The party answers a summons through the portal, against the emulator: the answer is a general letter with its
own UPP; the registrations worker attaches it to the case (no new case, no new sign), the summons is answered and
the KPA clock runs again from the delivery date; a redelivered message changes nothing; an answer overtaken by
the clerk is attached without a transition; someone else's case is 404, a case without a summons 409."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.deadlines import due_date
from chalicelib.modules.cases.logic import plan as plan_of
from chalicelib.modules.cases.models import Filing
from chalicelib.modules.cases.repository import DynamoCases
from chalicelib.modules.submissions.facts import facts_of
from chalicelib.modules.submissions.intake import LEASE, Attempt
from chalicelib.modules.submissions.models import StoredFile, Submission, SubmissionRecord
from chalicelib.modules.submissions.repository import DynamoSubmissions
from chalicelib.signatures import pki
from tests import queues, samples, signing
from tests.conftest import auth
from tests.emulator import sent_emails
from tests.integration.test_submissions import A, application, call, me

LETTER = "pismo-ogolne"
CLERK = auth("clerk", A, subject="clerk-ola", department="FN")
# The case is registered and summoned "today", answered 5 days later: real times, so the seal's certificate holds.
START = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture(autouse=True)
def _clean_queues(platform: None) -> Iterator[None]:
    queues.purge("registrations")
    queues.purge("attachment-uploads")
    yield


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(START)
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


def registered_case(owner: str, email: str | None = None) -> str:
    """A one-month case in department FN of `owner`, registered from a submission of theirs delivered at START."""
    sid = uuid.uuid4().hex
    stored = StoredFile(key=f"submissions/{A}/{sid}/document.xml", version_id=None, sha256="0" * 64, size=1,
                        content_type="application/xml", filename="wniosek.xml")
    submission = Submission(
        submission_id=sid, owner=owner, terc=A, service="zaswiadczenie-o-niezaleganiu", form_version=1,
        request_sha256="0" * 64, delivered_at=START,
        record=SubmissionRecord(document=stored, upp=stored, receipt_id=f"UPP-{sid}", attachments=[],
                                applicant=None, email=email,
                                service_name="Zaświadczenie o niezaleganiu", office_name="Urząd Piaseczno"))
    store, now = DynamoSubmissions(), datetime.now(UTC)
    attempt = Attempt(owner=owner, submission_id=sid, terc=A, attempt_id=sid[:12], fingerprint="0" * 64,
                      document_id=None, lease_until=now + LEASE)
    assert store.begin(attempt, now=now) is None and store.create(submission, attempt)
    facts = facts_of(submission, None, samples.tenant()).model_copy(update={
        "department": "FN", "department_name": "Wydział Finansowy", "jrwa": "3120",
        "deadline_kind": DeadlineKind.JEDEN_MIESIAC})
    filing = Filing(submission_id=sid, owner=owner, terc=A, service=submission.service, facts=facts)
    where = replace(plan_of(filing), year=2043)  # a year of its own: other tests count signs from 1
    case = DynamoCases().register(where, filing, at=START, notify=False)
    assert case is not None
    return case.case_id


def clerk(api: Any, case_id: str, what: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = api.http.post(f"/v1/tenants/{A}/cases/{case_id}/{what}", body=json.dumps(body),
                         headers={**CLERK, "Content-Type": "application/json"})
    assert resp.status_code == 200, resp.body
    return dict(resp.json_body)


def summon(api: Any, case_id: str) -> dict[str, Any]:
    clerk(api, case_id, "assignment", {})
    return clerk(api, case_id, "transitions", {"to": "wezwanie", "reason": "Brak zaświadczenia",
                                               "gaps": ["zaświadczenie o dochodach"], "term_days": 14})


def answer(api: Any, case_id: str, owner: str, data: dict[str, Any], key: str | None = None) -> tuple[int, Any]:
    return call(api, "POST", f"/v1/me/cases/{case_id}/supplements", {"data": data},
                {**me(owner), "Idempotency-Key": key or f"odp-{uuid.uuid4().hex[:10]}"})


def case_of(api: Any, case_id: str) -> dict[str, Any]:
    status, body = call(api, "GET", f"/v1/tenants/{A}/cases/{case_id}", headers=CLERK)
    assert status == 200, body
    return dict(body)


def test_the_party_answers_the_summons_and_the_clock_runs_again_from_the_delivery_date(
        api: Any, demo_pki: pki.DemoPki, clock: FixedClock) -> None:
    # Given a one-month case, summoned on the day it was registered (the clock stops)
    owner = f"resident-{uuid.uuid4().hex[:8]}"
    email = f"{owner}@example.pl"
    case_id = registered_case(owner, email)
    original_due = case_of(api, case_id)["clock"]["due_date"]
    summoned = summon(api, case_id)
    assert summoned["clock"]["running"] is False
    data = application(api, A, LETTER, subject=owner)
    mails_before = len(sent_emails())

    # When the party answers in the portal 5 days later
    clock.advance(days=5)
    key = f"odp-{uuid.uuid4().hex[:10]}"
    status, letter = answer(api, case_id, owner, data, key)

    # Then the answer is a submission of its own, with its UPP, filed with the case's department and sign
    assert status == 201, letter
    assert letter["answers"]["case_id"] == case_id and letter["department"] == "FN"
    assert letter["receipt_id"] == f"UPP-{letter['submission_id']}" and letter["links"]["upp"]
    # And once registered, the case is "uzupełniona" by the party, with no new case and no new sign
    message = queues.peek("registrations")
    clock.advance(hours=2)  # the worker runs later; the delivery date is what counts (art. 57 § 5 KPA)
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1
    shown = case_of(api, case_id)
    assert shown["case"]["status"] == "uzupelniona"
    entry = shown["history"][-1]
    assert (entry["kind"], entry["by"], entry["from"], entry["to"]) == ("supplement", owner, "wezwanie", "uzupelniona")
    assert entry["inform_party"] is True and entry["received_at"] == letter["delivered_at"]
    # And the pause closed on the delivery date: 5 days, the due date moved by them
    pause = shown["clock"]["pauses"][-1]
    assert (pause["from"], pause["to"], pause["days"]) == (START.date().isoformat(),
                                                          (START + timedelta(days=5)).date().isoformat(), 5)
    assert shown["clock"]["running"] is True
    expected = due_date(DeadlineKind.JEDEN_MIESIAC, START.date(), paused_days=5)
    assert expected is not None and shown["clock"]["due_date"] == expected.isoformat() != original_due
    # And the clerk sees the letter with links to its document and UPP, which the clerk's routes serve
    [attached] = shown["supplements"]
    assert attached["submission_id"] == letter["submission_id"] and attached["answered_summons"] is True
    assert call(api, "GET", attached["links"]["upp"], headers=CLERK)[0] == 200
    assert call(api, "GET", attached["links"]["document"], headers=CLERK)[0] == 200
    # And the submission is registered under the case's sign
    _, mine = call(api, "GET", f"/v1/me/submissions/{letter['submission_id']}", headers=me(owner))
    assert (mine["status"], mine["case_sign"]) == ("zarejestrowana", shown["case"]["case_sign"])
    # And the resident's view shows the summons answered, when, and with which UPP
    _, view = call(api, "GET", f"/v1/me/cases/{case_id}", headers=me(owner))
    [summons] = view["summonses"]
    assert summons["answered_on"] == (START + timedelta(days=5)).date().isoformat() and summons["open"] is False
    assert summons["answer"]["receipt_id"] == letter["receipt_id"]
    assert summons["answer"]["upp"] == f"/v1/me/submissions/{letter['submission_id']}/upp"
    # And the e-mail says the answer was received
    mails = [m for m in sent_emails()[mails_before:] if email in m["To"]]
    assert [m["Subject"] for m in mails] == [f"Sprawa {shown['case']['case_sign']} – otrzymano pismo uzupełniające"]
    assert letter["receipt_id"] in mails[0]["BodyText"]

    # When the same registration message is delivered again
    queues.send("registrations", message)
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1

    # Then nothing changes: no second letter, no new version, no second e-mail
    again = case_of(api, case_id)
    assert (again["version"], len(again["supplements"]), len(again["history"])) == (
        shown["version"], 1, len(shown["history"]))
    assert len([m for m in sent_emails()[mails_before:] if email in m["To"]]) == 1
    # And the same request again (a client retrying) gets its first answer; a new answer finds nothing open
    status, replayed = answer(api, case_id, owner, data, key)
    assert (status, replayed["submission_id"], replayed["receipt_id"]) == (201, letter["submission_id"],
                                                                          letter["receipt_id"])
    status, refused = answer(api, case_id, owner, data)
    assert (status, refused["error"]["code"]) == (409, "no_open_summons")
    assert queues.count("registrations") == 0


def test_an_answer_the_clerk_overtook_is_attached_without_a_transition(
        api: Any, demo_pki: pki.DemoPki, clock: FixedClock) -> None:
    # Given a summoned case, and the party's answer accepted but not yet registered
    owner = f"resident-{uuid.uuid4().hex[:8]}"
    case_id = registered_case(owner)
    summon(api, case_id)
    data = application(api, A, LETTER, subject=owner)
    clock.advance(days=3)
    status, letter = answer(api, case_id, owner, data)
    assert status == 201, letter
    # When the clerk records the supplement by hand first, and then the worker registers the letter
    clerk(api, case_id, "transitions", {"to": "uzupelniona", "reason": "Dostarczono w kancelarii"})
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1

    # Then the letter is attached and shown to the clerk, the state and the clock stay as the clerk left them
    shown = case_of(api, case_id)
    assert shown["case"]["status"] == "uzupelniona"
    assert [s["submission_id"] for s in shown["supplements"]] == [letter["submission_id"]]
    assert shown["supplements"][0]["answered_summons"] is False
    entry = shown["history"][-1]
    assert (entry["kind"], entry["from"], entry["to"]) == ("supplement", "uzupelniona", "uzupelniona")
    assert len(shown["clock"]["pauses"]) == 1 and shown["clock"]["pauses"][0]["days"] == 3
    # And the resident sees it received, without a second "uzupełniona"
    _, view = call(api, "GET", f"/v1/me/cases/{case_id}", headers=me(owner))
    assert view["stages"][-1]["label"] == "wpłynęło pismo uzupełniające"
    assert [s["state"] for s in view["stages"]].count("uzupelniona") == 2  # the clerk's, and the letter's line


def test_someone_elses_case_is_404_and_a_case_without_a_summons_409(
        api: Any, demo_pki: pki.DemoPki, clock: FixedClock) -> None:
    # Given a case that is only registered (no summons), and another resident
    owner = f"resident-{uuid.uuid4().hex[:8]}"
    case_id = registered_case(owner)
    data = application(api, A, LETTER, subject=owner)

    # When its party answers, there is nothing to answer: 409 in Polish, nothing accepted
    status, body = answer(api, case_id, owner, data)
    assert status == 409 and body["error"]["code"] == "no_open_summons", body
    assert "wezwania" in body["error"]["message"]
    # When someone else answers on it, or on a case that does not exist: 404, revealing nothing
    summon(api, case_id)
    stranger = f"resident-{uuid.uuid4().hex[:8]}"
    status, body = answer(api, case_id, stranger, data)
    assert status == 404 and body["error"]["code"] == "case_not_found"
    assert answer(api, uuid.uuid4().hex, owner, data)[1]["error"]["code"] == "case_not_found"
    # And no submission was queued for any of them
    assert queues.count("registrations") == 0
    # And a clerk token is refused on the resident's route
    assert call(api, "POST", f"/v1/me/cases/{case_id}/supplements", {"data": data},
                {**CLERK, "Idempotency-Key": "klucz-12345"})[0] == 403


def _signed_letter(api: Any, owner: str, demo_pki: pki.DemoPki, data: dict[str, Any]) -> bytes:
    resp = api.http.post(f"/v1/tenants/{A}/services/{LETTER}/document", body=json.dumps({"data": data}),
                         headers={"Content-Type": "application/json", "Accept": "application/xml", **me(owner)})
    assert resp.status_code == 200, resp.body
    unsigned = resp.body if isinstance(resp.body, bytes) else resp.body.encode()
    return signing.sign_with_signxml(unsigned, demo_pki.resident, [demo_pki.intermediate.cert])


def _post_signed(api: Any, case_id: str, owner: str, document: bytes, key: str) -> tuple[int, Any]:
    resp = api.http.post(f"/v1/me/cases/{case_id}/supplements", body=document,
                         headers={"Content-Type": "application/xml", **me(owner), "Idempotency-Key": key})
    return resp.status_code, json.loads(resp.body)


def test_a_signed_answer_must_name_its_case_and_is_accepted_with_its_signer(
        api: Any, demo_pki: pki.DemoPki) -> None:
    # Given a summoned case, and the party's letter signed by them (XAdES)
    owner = f"resident-{uuid.uuid4().hex[:8]}"
    case_id = registered_case(owner)
    sign = summon(api, case_id)["case"]["case_sign"]
    data = application(api, A, LETTER, subject=owner)
    run = uuid.uuid4().hex[:8]

    # When the signed letter names another case (or is not a supplement): refused, at the field, nothing queued
    elsewhere = _signed_letter(api, owner, demo_pki, {**data, "rodzaj_pisma": "uzupelnienie",
                                                      "znak_sprawy": "GK.6730.1.2026"})
    status, body = _post_signed(api, case_id, owner, elsewhere, f"podpisana-{run}-1")
    assert (status, body["error"]["code"]) == (422, "document_mismatch"), body
    assert body["error"]["details"][0]["field"] == "data.znak_sprawy"
    assert queues.count("registrations") == 0

    # When it names this case: accepted as signed, with its UPP, answering the case
    letter = _signed_letter(api, owner, demo_pki, {**data, "rodzaj_pisma": "uzupelnienie", "znak_sprawy": sign})
    status, body = _post_signed(api, case_id, owner, letter, f"podpisana-{run}-2")
    assert status == 201, body
    assert body["signed"] is True and body["answers"] == {"case_id": case_id, "case_sign": sign}
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1
    assert case_of(api, case_id)["case"]["status"] == "uzupelniona"
