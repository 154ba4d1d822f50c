"""The intake against the emulator: one key claimed by one attempt (20 concurrent requests leave one receipt), a
burst killed between saving and sending all registered by the sweeper, a failed attempt's files removed, the
department known from the start, the applicant bound to the signed-in person, a signed document filed once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import boto3
import pytest

from chalicelib.core.errors import ApiError
from chalicelib.modules.submissions.logic import submission_id
from chalicelib.resources import bucket_name
from chalicelib.signatures import pki
from tests import queues, signing
from tests.conftest import auth
from tests.files import make_pdf
from tests.formdata import PESEL, with_value
from tests.integration.test_submissions import (
    OTHER,
    RESIDENT,
    A,
    _document,
    _post_xml,
    application,
    call,
    me,
    run_sweeper,
    stored_keys,
    submit,
    upload,
)

LETTER = "pismo-ogolne"


@pytest.fixture(autouse=True)
def _clean_queues(platform: None) -> Iterator[None]:
    queues.purge("registrations")
    queues.purge("attachment-uploads")
    yield


def versions(terc: str, sid: str) -> list[str]:
    """Every stored version (and delete marker) under the submission's folder: what a versioned bucket keeps."""
    listing = boto3.client("s3").list_object_versions(Bucket=bucket_name("documents"),
                                                      Prefix=f"submissions/{terc}/{sid}/")
    return [v["Key"] for v in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]]


def test_twenty_concurrent_requests_on_one_key_leave_one_submission_and_one_receipt(
        api: Any, demo_pki: pki.DemoPki) -> None:
    from chalicelib.modules.submissions import intake
    from chalicelib.modules.submissions.models import Filer, SubmissionIn
    from chalicelib.modules.submissions.wiring import submission_ports
    from chalicelib.modules.tenants.logic import require_tenant
    from chalicelib.modules.tenants.wiring import tenant_store

    # Given one application, sent 20 times at once with the same Idempotency-Key (a client retrying hard)
    key = f"rownolegle-{uuid.uuid4().hex[:8]}"
    body = SubmissionIn(data=application(api, A, LETTER))
    tenant = require_tenant(tenant_store(), A).config

    def one(_: int) -> tuple[str, str]:
        try:
            accepted = intake.submit_form(submission_ports(), owner=RESIDENT, filer=Filer(pesel=PESEL),
                                          tenant=tenant, service=LETTER, idempotency_key=key, body=body)
        except ApiError as exc:
            return "error", exc.code
        return "accepted", accepted.submission.submission_id

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(one, range(20)))

    # Then every answer is the one submission, or "in progress, retry" — never another receipt
    sid = submission_id(RESIDENT, key)
    assert set(outcomes) <= {("accepted", sid), ("error", "submission_in_progress")}, outcomes
    assert ("accepted", sid) in outcomes
    # And one folder holds one document and one sealed UPP; nothing else was stored for it
    keys = versions(A, sid)
    assert len({k.split("/")[3] for k in keys}) == 1, keys
    assert sum(k.endswith("upp.xml") for k in keys) == 1 and sum(k.endswith("document.xml") for k in keys) == 1
    _, shown = call(api, "GET", f"/v1/me/submissions/{sid}", headers=me())
    assert shown["links"]["upp"] and queues.count("registrations") == 1


def test_a_burst_killed_between_saving_and_sending_is_all_registered_by_the_sweeper(
        api: Any, demo_pki: pki.DemoPki, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.modules.submissions import wiring as registry

    class Killed:
        """The Lambda dies (timeout) after the submission was saved, before its message was sent."""

        def publish(self, key: str, message: Any) -> str:
            raise SystemExit("Task timed out after 30.00 seconds")

    # Given 30 submissions, every third killed between saving and sending
    run = uuid.uuid4().hex[:6]
    ids = []
    for n in range(30):
        data = application(api, A, LETTER)
        if n % 3 == 0:
            with monkeypatch.context() as patched:
                patched.setattr(registry, "publisher", Killed)
                with pytest.raises(SystemExit):
                    submit(api, A, LETTER, data, f"seria-{run}-{n:02d}")
            ids.append(submission_id(RESIDENT, f"seria-{run}-{n:02d}"))
        else:
            status, body = submit(api, A, LETTER, data, f"seria-{run}-{n:02d}")
            assert status == 201, body
            ids.append(body["submission_id"])
    assert queues.count("registrations") == 20
    queues.deliver(api, "registrations", "registrations")
    killed = [call(api, "GET", f"/v1/me/submissions/{sid}", headers=me())[1] for sid in ids[::3]]
    assert all(s["status"] == "przyjete" and s["receipt_id"] for s in killed)

    # When the 5-minute sweeper runs a few minutes later, and the worker takes what it sent
    run_sweeper(api, later=timedelta(minutes=4))
    assert queues.count("registrations") >= 10
    queues.deliver(api, "registrations", "registrations")

    # Then all 30 are registered, each with its own case sign
    shown = [call(api, "GET", f"/v1/me/submissions/{sid}", headers=me())[1] for sid in ids]
    assert [s["status"] for s in shown] == ["zarejestrowana"] * 30
    assert len({s["case_sign"] for s in shown}) == 30


def test_a_failed_attempts_receipt_is_removed_by_the_sweeper_and_the_key_works_again(
        api: Any, demo_pki: pki.DemoPki, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.modules.submissions.repository import DynamoSubmissions

    def down(self: Any, submission: Any, attempt: Any) -> bool:
        raise ConnectionError("DynamoDB unavailable")

    # Given an attempt that stored its document and sealed UPP, and then could not record the submission
    data = application(api, A, LETTER)
    key = f"nieudany-{uuid.uuid4().hex[:8]}"
    with monkeypatch.context() as patched:
        patched.setattr(DynamoSubmissions, "create", down)
        status, _ = submit(api, A, LETTER, data, key)
    assert status == 500
    sid = submission_id(RESIDENT, key)
    assert any(k.endswith("upp.xml") for k in stored_keys(A, sid))
    assert call(api, "GET", f"/v1/me/submissions/{sid}", headers=me())[0] == 404

    # When the resident retries with the same key at once, it is accepted
    status, body = submit(api, A, LETTER, data, key)
    assert status == 201, body

    # Then once the sweeper runs after the attempts' leases, only the accepted submission's files remain
    run_sweeper(api, later=timedelta(minutes=10))
    folder = body["links"]["self"]  # the same submission id; its one folder
    kept = versions(A, sid)
    assert len({k.split("/")[3] for k in kept}) == 1 and sum(k.endswith("upp.xml") for k in kept) == 1, kept
    assert call(api, "GET", folder, headers=me())[1]["receipt_id"] == body["receipt_id"]
    again = submit(api, A, LETTER, data, key)
    assert again[0] == 201 and again[1]["submission_id"] == sid


def test_a_submission_waiting_for_registration_is_hidden_from_other_departments(
        api: Any, demo_pki: pki.DemoPki) -> None:
    # Given a letter (department OR) accepted and not registered yet
    status, body = submit(api, A, LETTER, application(api, A, LETTER), f"oczekuje-{uuid.uuid4().hex[:8]}")
    assert status == 201 and body["status"] == "przyjete" and body["department"] == "OR"
    path = f"/v1/tenants/{A}/submissions/{body['submission_id']}"

    # Then a clerk of another department is refused, the OR department's and the registry office's clerks see it
    assert call(api, "GET", path, headers=auth("clerk", A, department="FN"))[0] == 403
    assert call(api, "GET", path + "/document", headers=auth("clerk", A, department="FN"))[0] == 403
    assert call(api, "GET", path, headers=auth("clerk", A, department="OR"))[0] == 200
    assert call(api, "GET", path, headers=auth("clerk", A))[0] == 200


def test_the_applicant_is_the_signed_in_person_unless_a_power_of_attorney_comes_with_the_form(
        api: Any, demo_pki: pki.DemoPki) -> None:
    data = application(api, A, LETTER)
    anna = auth("resident", subject=RESIDENT, pesel="02070803628", given_name="Anna", family_name="Nowak")
    path = f"/v1/tenants/{A}/services/{LETTER}/submissions"

    # Anna files a letter in Jan Kowalski's name: refused at the applicant's PESEL, nothing stored
    key = f"cudzy-{uuid.uuid4().hex[:8]}"
    status, body = call(api, "POST", path, {"data": data}, {**anna, "Idempotency-Key": key})
    assert (status, body["error"]["code"]) == (422, "applicant_not_signed_in")
    assert body["error"]["details"][0]["field"] == "data.nadawca.pesel"
    assert stored_keys(A, submission_id(RESIDENT, key)) == []
    # With Jan's power of attorney attached she may: the clerk sees it flagged, and who filed it
    with_poa = with_value(data, "pelnomocnictwo", upload(api, A, LETTER, make_pdf()))
    status, body = call(api, "POST", path, {"data": with_poa}, {**anna, "Idempotency-Key": f"{key}-p"})
    assert status == 201, body
    assert body["flags"] == ["representative"]
    clerk = call(api, "GET", f"/v1/tenants/{A}/submissions/{body['submission_id']}", headers=auth("clerk", A))[1]
    assert clerk["flags"] == ["representative"] and clerk["filed_by"] == {"pesel": "02070803628",
                                                                         "name": "Anna Nowak"}
    # A token without a PESEL files nothing
    status, body = call(api, "POST", path, {"data": data}, {**me(pesel=None), "Idempotency-Key": f"{key}-x"})
    assert (status, body["error"]["code"]) == (403, "pesel_required")


def test_a_signed_document_is_filed_once_whoever_sends_it(api: Any, demo_pki: pki.DemoPki) -> None:
    _, unsigned = _document(api, application(api, A, LETTER))
    signed = signing.sign_with_signxml(unsigned, demo_pki.resident, [demo_pki.intermediate.cert])
    run = uuid.uuid4().hex[:8]
    status, first = _post_xml(api, signed, f"raz-{run}")
    assert status == 201, first

    # The same document again under a new key: 409 naming the submission
    status, body = _post_xml(api, signed, f"dwa-{run}")
    assert (status, body["error"]["code"]) == (409, "document_already_submitted")
    assert body["error"]["details"][0]["submission_id"] == first["submission_id"]
    # Another resident sending it: 409, and nothing of the first submission
    resp = api.http.post(f"/v1/tenants/{A}/services/{LETTER}/submissions", body=signed,
                         headers={"Content-Type": "application/xml", **me(OTHER), "Idempotency-Key": f"trzy-{run}"})
    assert resp.status_code == 409 and first["submission_id"] not in resp.body.decode()
    assert queues.count("registrations") == 1


def test_someone_elses_draft_is_refused_at_the_field_and_nothing_is_written(api: Any, demo_pki: pki.DemoPki) -> None:
    status, draft = call(api, "POST", f"/v1/tenants/{A}/services/{LETTER}/drafts", {"data": {}}, me(OTHER))
    assert status == 201
    key = f"obca-wersja-{uuid.uuid4().hex[:8]}"
    status, body = call(api, "POST", f"/v1/tenants/{A}/services/{LETTER}/submissions",
                        {"data": application(api, A, LETTER), "draft_id": draft["draft_id"]},
                        {**me(), "Idempotency-Key": key})
    assert status == 422, body
    assert [(d["field"], d["code"]) for d in body["error"]["details"]] == [("draft_id", "draft_not_found")]
    assert stored_keys(A, submission_id(RESIDENT, key)) == [] and queues.count("registrations") == 0
    assert call(api, "GET", f"/v1/me/drafts/{draft['draft_id']}", headers=me(OTHER))[0] == 200  # still its owner's


def test_a_request_whose_key_is_held_by_a_running_attempt_is_told_when_to_retry(
        api: Any, demo_pki: pki.DemoPki) -> None:
    import json
    from datetime import UTC, datetime

    from chalicelib.modules.submissions import intake
    from chalicelib.modules.submissions.models import SubmissionIn
    from chalicelib.modules.submissions.repository import DynamoSubmissions

    # Given the same request claimed a moment ago by another attempt that is still storing and sealing
    data = application(api, A, LETTER)
    key = f"w-toku-{uuid.uuid4().hex[:8]}"
    canonical = json.dumps(SubmissionIn(data=data).model_dump(mode="json"), sort_keys=True,
                           ensure_ascii=False).encode()
    now = datetime.now(UTC)
    sid = submission_id(RESIDENT, key)
    running = intake.Attempt(owner=RESIDENT, submission_id=sid, terc=A, attempt_id="w" * 12,
                             fingerprint=intake.request_fingerprint(A, LETTER, canonical), document_id=None,
                             lease_until=now + intake.LEASE)
    assert DynamoSubmissions().begin(running, now=now) is None

    # When the client sends it again
    resp = api.http.post(f"/v1/tenants/{A}/services/{LETTER}/submissions", body=json.dumps({"data": data}),
                         headers={"Content-Type": "application/json", **me(), "Idempotency-Key": key})

    # Then it is 409 submission_in_progress with Retry-After, and nothing of its own was stored
    assert resp.status_code == 409 and json.loads(resp.body)["error"]["code"] == "submission_in_progress"
    assert resp.headers["Retry-After"] == "2"
    assert stored_keys(A, sid) == []
