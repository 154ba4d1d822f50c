"""Case signs under contention, against the emulator's DynamoDB: 50 registrations racing in one department get
numbers 1..50 with no gap and no duplicate, a repeated registration takes no number, a new year starts at 1."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.models import Filing, Plan
from chalicelib.modules.cases.repository import DynamoCases
from chalicelib.modules.submissions.facts import facts_of
from chalicelib.modules.submissions.intake import LEASE, Attempt
from chalicelib.modules.submissions.models import StoredFile, Submission, SubmissionRecord
from chalicelib.modules.submissions.repository import DynamoSubmissions
from tests import samples

A = "1418043"


def plan(year: int) -> Plan:
    return Plan(terc=A, department="FN", department_name="Wydział Finansowy", jrwa="3120", year=year,
                deadline_kind=DeadlineKind.SIEDEM_DNI, started_on=date(year, 3, 2), due_date=date(year, 3, 9))


def accepted(year: int) -> Submission:
    sid = uuid.uuid4().hex
    stored = StoredFile(key=f"submissions/{A}/{sid}/document.xml", version_id=None, sha256="0" * 64, size=1,
                        content_type="application/xml", filename="wniosek.xml")
    submission = Submission(
        submission_id=sid, owner=f"resident-{sid[:6]}", terc=A, service="zaswiadczenie-o-niezaleganiu",
        form_version=1, request_sha256="0" * 64, delivered_at=datetime(year, 3, 2, 9, 0, tzinfo=UTC),
        record=SubmissionRecord(document=stored, upp=stored, receipt_id=f"UPP-{sid}", attachments=[],
                                applicant=None, email=None, service_name="Zaświadczenie o niezaleganiu",
                                office_name="Urząd Miasta i Gminy Piaseczno"))
    store, now = DynamoSubmissions(), datetime.now(UTC)
    attempt = Attempt(owner=submission.owner, submission_id=sid, terc=A, attempt_id=sid[:12], fingerprint="0" * 64,
                      document_id=None, lease_until=now + LEASE)
    assert store.begin(attempt, now=now) is None
    assert store.create(submission, attempt)
    return submission


def filing(submission: Submission) -> Filing:
    return Filing(submission_id=submission.submission_id, owner=submission.owner, terc=A,
                  service=submission.service, facts=facts_of(submission, None, samples.tenant()))


def register_all(submissions: list[Submission], year: int) -> list[Any]:
    def one(submission: Submission) -> Any:
        # one client per worker
        return DynamoCases().register(plan(year), filing(submission), at=datetime.now(UTC), notify=False)

    with ThreadPoolExecutor(max_workers=25) as pool:
        return list(pool.map(one, submissions))


def test_fifty_concurrent_registrations_get_signs_one_to_fifty(platform: None) -> None:
    # Given 50 accepted submissions for one department, JRWA class and year
    submissions = [accepted(2031) for _ in range(50)]

    # When they are all registered at once
    cases = register_all(submissions, 2031)

    # Then the numbers are exactly 1..50, each sign once, and the counter stands at 50
    signs = sorted(c.sign for c in cases)
    assert signs == sorted(f"FN.3120.{n}.2031" for n in range(1, 51))
    assert DynamoCases().last_number(A, "FN", "3120", 2031) == 50
    # And every submission carries the sign of its own case
    stored = {s.submission_id: DynamoSubmissions().get(s.owner, s.submission_id) for s in submissions}
    assert {c.submission_id: c.sign for c in cases} == {k: v.case_sign for k, v in stored.items() if v}
    # And the registration took each one's outbox marker in its transaction: the sweeper has nothing to send
    due = {d.event.submission_id for d in DynamoSubmissions().outbox_due(datetime(2100, 1, 1, tzinfo=UTC))}
    assert not due & set(stored)
    # And registering them all again takes no number and changes nothing
    assert register_all(submissions, 2031) == [None] * 50
    assert DynamoCases().last_number(A, "FN", "3120", 2031) == 50


def test_numbering_restarts_at_one_in_a_new_year(platform: None) -> None:
    last_of_2033 = [c.number for c in register_all([accepted(2033) for _ in range(3)], 2033)]
    first_of_2034 = register_all([accepted(2034)], 2034)[0]

    assert sorted(last_of_2033) == [1, 2, 3]
    assert (first_of_2034.number, first_of_2034.sign) == (1, "FN.3120.1.2034")


def test_two_warm_workers_taking_turns_in_one_department_number_without_gaps(platform: None) -> None:
    # Given two warm registration workers (each remembers the last number it gave) and six submissions
    first, second = DynamoCases(), DynamoCases()
    submissions = [accepted(2035) for _ in range(6)]
    reads: list[int] = []
    for worker in (first, second):
        counter = worker.last_number
        worker.last_number = lambda *key, counter=counter: reads.append(1) or counter(*key)  # type: ignore[method-assign]

    # When they register them taking turns, each time behind the other's latest number
    cases = [(first if i % 2 == 0 else second).register(plan(2035), filing(s), at=datetime.now(UTC), notify=False)
             for i, s in enumerate(submissions)]

    # Then the numbers run 1..6 in order, the counter stands at 6, and each submission has its own case's sign
    assert [c.number for c in cases] == [1, 2, 3, 4, 5, 6]
    # And only each worker's first registration read the counter: a worker behind learns it from its failed write
    assert len(reads) == 2
    assert DynamoCases().last_number(A, "FN", "3120", 2035) == 6
    assert [DynamoSubmissions().get(s.owner, s.submission_id).case_sign for s in submissions] == [  # type: ignore[union-attr]
        c.sign for c in cases]
