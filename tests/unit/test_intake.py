"""The intake of a submission over in-memory ports: the key claimed before anything is sealed, one receipt per
submission, the outbox written with the submission, the sweeper (registration and orphaned files), who the
applicant is, a signed document submitted twice, someone else's draft. Real seal and verifier; no AWS."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, Forbidden, Unprocessable
from chalicelib.documents import upp
from chalicelib.events.topics import RegistrationMessage
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.cases import logic as cases
from chalicelib.modules.submissions import drafts, intake, logic, signed, sweeper
from chalicelib.modules.submissions.filled import FilledForm
from chalicelib.modules.submissions.intake import LEASE, OUTBOX_AFTER, Attempt
from chalicelib.modules.submissions.models import DraftIn, Filer, SubmissionIn
from tests import samples, signing
from tests.files import make_pdf
from tests.formdata import PESEL, valid_data, with_value
from tests.unit import fakes
from tests.unit.fakes import (
    NOW,
    FakeCases,
    FakeFilings,
    FakeFolders,
    FakeMailer,
    FakePorts,
    FakePublisher,
    FakeSubmissions,
)

OWNER = "resident-anna"
LETTER = "pismo-ogolne"
JAN = Filer(pesel=PESEL, name="Jan Kowalski")
ANNA = Filer(pesel="02070803628", name="Anna Nowak")
PIASECZNO: TenantConfig = samples.tenant(services=[{"id": LETTER, "enabled": True}], departments=[
    {"symbol": "OR", "name": "Wydział Organizacyjny"}, {"symbol": "FN", "name": "Wydział Finansowy"}])


def letter_data(p: FakePorts, *files: str, power_of_attorney: str | None = None) -> dict[str, Any]:
    defn = p.catalogue.get(LETTER)
    assert defn is not None
    data = valid_data(defn, lambda path: pytest.fail(f"no file expected at {path}"))
    for i, attachment_id in enumerate(files):
        data = with_value(data, f"zalaczniki[{i}]", attachment_id)
    if power_of_attorney:
        data = with_value(data, "pelnomocnictwo", power_of_attorney)
    return data


def released(p: FakePorts, owner: str = OWNER) -> str:
    return p.add_attachment(owner, terc=PIASECZNO.terc, service=LETTER, content=make_pdf()).attachment_id


def submit(p: FakePorts, data: dict[str, Any], key: str = "wniosek-0001", *, owner: str = OWNER,
           filer: Filer | None = JAN, draft_id: str | None = None) -> intake.Accepted:
    body = SubmissionIn.model_validate({"data": data, **({"draft_id": draft_id} if draft_id else {})})
    return intake.submit_form(p, owner=owner, filer=filer, tenant=PIASECZNO, service=LETTER, idempotency_key=key,
                              body=body)


def documents(p: FakePorts) -> list[str]:
    return p.objects.keys("documents")


def seals(p: FakePorts) -> int:
    return sum(1 for e in p.journal if e[0] == "seal")


def sweep(p: FakePorts) -> sweeper.Swept:
    return sweeper.sweep(store=p.submissions, folders=FakeFolders(p.objects), publisher=p.publisher, now=p.clock.at)


def another_attempt_holds(p: FakePorts, data: dict[str, Any], key: str = "wniosek-0001") -> Attempt:
    """A concurrent request with the same key and body claimed it a moment ago and is still storing and sealing."""
    body = SubmissionIn.model_validate({"data": data})
    canonical = FilledForm(body).canonical
    attempt = Attempt(owner=OWNER, submission_id=logic.submission_id(OWNER, key), terc=PIASECZNO.terc,
                      attempt_id="winner000001", fingerprint=intake.request_fingerprint(PIASECZNO.terc, LETTER,
                                                                                        canonical),
                      document_id=None, lease_until=NOW + LEASE)
    assert p.submissions.begin(attempt, now=NOW) is None
    return attempt


# --- one key, one attempt, one receipt ---------------------------------------------------------------------

def test_a_request_that_loses_the_race_on_its_key_seals_nothing_and_is_told_to_retry() -> None:
    # Given another request with the same key and body, still storing and sealing
    p = fakes.ports()
    data = letter_data(p)
    another_attempt_holds(p, data)

    # When this one comes, and the winner does not finish while it waits
    with pytest.raises(Conflict) as err:
        submit(p, data)

    # Then it is 409 submission_in_progress after a short wait, and it stored and sealed nothing
    assert err.value.code == "submission_in_progress" and err.value.details[0]["field"] == "Idempotency-Key"
    assert documents(p) == [] and seals(p) == 0 and p.publisher.messages == []
    assert p.clock.at - NOW >= timedelta(seconds=intake.IN_PROGRESS_WAIT)


def test_a_request_that_loses_the_race_replays_the_winner_once_it_finishes() -> None:
    # Given the winner of the key (in another call) finishing while this request waits
    p = fakes.ports()
    data = letter_data(p)
    attempt = another_attempt_holds(p, data)
    winner_world = fakes.ports()
    winner = submit(winner_world, data).submission

    def winner_finishes(seconds: float) -> None:
        p.clock.advance(seconds=seconds)
        p.submissions.create(winner, attempt)

    # When this request comes
    accepted = submit(dataclasses.replace(p, sleep=winner_finishes), data)

    # Then it gets the winner's submission and receipt, and stored and sealed nothing of its own
    assert accepted.replayed and accepted.submission == winner
    assert documents(p) == [] and seals(p) == 0


def test_the_same_key_with_another_body_is_refused_while_the_first_is_in_progress() -> None:
    p = fakes.ports()
    another_attempt_holds(p, letter_data(p))
    with pytest.raises(Conflict) as err:
        submit(p, with_value(letter_data(p), "tytul", "Inne pismo"))
    assert err.value.code == "idempotency_key_reused" and documents(p) == []


def test_an_attempt_that_fails_after_sealing_frees_its_key_and_the_sweeper_removes_its_files() -> None:
    # Given a first attempt whose recording fails after its document and sealed UPP were stored
    p = fakes.ports()
    data = letter_data(p, released(p))

    class Down(FakeSubmissions):
        def create(self, submission: Any, attempt: Attempt) -> bool:
            raise ConnectionError("DynamoDB unavailable")

    broken = dataclasses.replace(p, submissions=Down(p.attachments))
    broken.submissions.claims = p.submissions.claims
    with pytest.raises(ConnectionError):
        submit(broken, data)
    orphaned = documents(p)
    assert any(k.endswith("upp.xml") for k in orphaned) and p.submissions.items == {}

    # When the resident retries at once with the same key, it is accepted (the failed attempt's lease has ended)
    accepted = submit(p, data)
    s = accepted.submission
    assert not accepted.replayed

    # Then after the sweep, only the accepted submission's files remain: no UPP for a submission that does not exist
    p.clock.advance(seconds=(2 * LEASE).total_seconds() + 1)
    swept = sweep(p)
    own = s.record.document.key.removesuffix("document.xml")
    assert swept.removed == len(orphaned) and swept.claims == 1
    assert documents(p) and all(k.startswith(own) for k in documents(p))
    assert [k for k in documents(p) if k.endswith("upp.xml")] == [s.record.upp.key]
    # And the key still gives back the same submission
    assert submit(p, data).submission == s


def test_the_sweeper_leaves_a_live_attempts_files_alone() -> None:
    # Given an attempt that claimed the key a moment ago and is still storing (its lease runs)
    p = fakes.ports()
    attempt = another_attempt_holds(p, letter_data(p))
    p.objects.put("documents", attempt.prefix + "document.xml", b"<w/>", "application/xml")

    # When the sweeper runs within the lease, and even just after it (the files may be a second old)
    p.clock.advance(seconds=LEASE.total_seconds() + 1)
    assert sweep(p).removed == 0

    # Then nothing of it is touched; only once no attempt under the claim can be alive are its files removed
    assert documents(p) == [attempt.prefix + "document.xml"]
    p.clock.advance(seconds=LEASE.total_seconds())
    assert sweep(p).removed == 1 and documents(p) == []


# --- the outbox -----------------------------------------------------------------------------------------------

class Killed(FakePublisher):
    """The function is killed (timeout) after the submission is saved, before the message is sent."""

    def publish(self, key: str, message: Any) -> str:
        raise SystemExit("Task timed out after 30.00 seconds")


def register(p: FakePorts, cases_store: FakeCases) -> list[str]:
    """The registration worker taking every message sent so far."""
    signs = []
    for _, message in p.publisher.messages:
        outcome = cases.register(filings=FakeFilings(p.submissions, p.catalogue, PIASECZNO), cases=cases_store,
                                 mailer=FakeMailer(), message=message, now=p.clock.at)
        signs.append(outcome.sign)
    p.publisher.messages.clear()
    return signs


def test_a_burst_killed_between_saving_and_sending_is_all_registered_by_the_sweeper() -> None:
    # Given 30 submissions, every third one killed after it was saved and before its message went out
    p = fakes.ports()
    killed, accepted = [], []
    for n in range(30):
        world = dataclasses.replace(p, publisher=Killed()) if n % 3 == 0 else p
        if n % 3 == 0:
            with pytest.raises(SystemExit):
                submit(world, letter_data(p), f"seria-{n:04d}")
            killed.append(logic.submission_id(OWNER, f"seria-{n:04d}"))
        else:
            accepted.append(submit(world, letter_data(p), f"seria-{n:04d}").submission.submission_id)
    inbox = FakeCases(p.submissions)
    assert len(register(p, inbox)) == 20

    # Then the killed ones were saved with their UPP and their registration marker, in that one write
    assert len(p.submissions.items) == 30
    assert sorted(sid for _, sid in p.submissions.outbox) == sorted(killed)

    # When the sweeper runs before they are due, nothing is sent; after a few minutes all of them are
    assert sweep(p).sent == 0
    p.clock.advance(seconds=OUTBOX_AFTER.total_seconds())
    assert sweep(p).sent == 10
    register(p, inbox)

    # Then every one of the 30 is registered, with no gaps in the numbers, and the sweeper has nothing more to send
    assert all(s.case_sign for s in p.submissions.items.values())
    assert sorted(c.number for c in inbox.cases) == list(range(1, 31))
    p.clock.advance(hours=1)
    assert sweep(p).sent == 0 and p.submissions.outbox == {}


def test_a_registration_that_keeps_failing_is_sent_again_less_and_less_often() -> None:
    # Given an accepted submission whose registration never happens (e.g. the department is missing)
    p = fakes.ports()
    s = submit(p, letter_data(p)).submission
    p.publisher.messages.clear()
    message = RegistrationMessage(submission_id=s.submission_id, owner=OWNER, terc=PIASECZNO.terc, service=LETTER)

    # When the sweeper runs every 5 minutes for an hour
    sent_at = []
    for _ in range(12):
        p.clock.advance(minutes=5)
        if sweep(p).sent:
            sent_at.append(int((p.clock.at - NOW).total_seconds() // 60))

    # Then it is sent after a few minutes, then after 5, 10, 20 more: backing off, never given up
    assert sent_at == [5, 10, 20, 40]
    assert p.publisher.sent() == [("registrations", fakes.without_ids(message))] * 4


# --- who the applicant is ---------------------------------------------------------------------------------------

def test_a_form_in_someone_elses_name_without_a_power_of_attorney_is_refused_at_the_pesel() -> None:
    # Given Anna Nowak signed in, and a letter naming Jan Kowalski as its sender
    p = fakes.ports()

    # When she submits it
    with pytest.raises(Unprocessable) as err:
        submit(p, letter_data(p), filer=ANNA)

    # Then it is refused at the applicant's PESEL, and nothing is stored, sealed or recorded
    assert err.value.code == "applicant_not_signed_in"
    assert [(d["field"], d["code"]) for d in err.value.details] == [("data.nadawca.pesel", "applicant_not_signed_in")]
    assert documents(p) == [] and seals(p) == 0 and p.submissions.items == {} and p.submissions.claims == {}


def test_a_representative_with_a_power_of_attorney_is_accepted_and_flagged_for_the_clerk() -> None:
    p = fakes.ports()
    s = submit(p, letter_data(p, power_of_attorney=released(p)), filer=ANNA).submission
    assert s.flags == ["representative"]
    assert s.record.filer == ANNA and s.record.applicant is not None and s.record.applicant.pesel == PESEL


def test_the_signed_in_applicant_is_recorded_as_the_filer_with_nothing_to_flag() -> None:
    p = fakes.ports()
    s = submit(p, letter_data(p)).submission
    assert s.flags == [] and s.record.filer == JAN


def test_a_token_without_a_pesel_files_nothing() -> None:
    p = fakes.ports()
    with pytest.raises(Forbidden) as err:
        submit(p, letter_data(p), filer=None)
    assert (err.value.status, err.value.code) == (403, "pesel_required") and documents(p) == []


def test_a_firms_letter_is_filed_by_the_signed_in_person() -> None:
    p = fakes.ports()
    data = with_value(letter_data(p), "rodzaj_nadawcy", "podmiot")
    data.pop("nadawca")
    data["podmiot"] = {"name": "Zielony Ogród sp. z o.o.", "nip": "8567346215", "regon": "123456785"}
    s = submit(p, data, filer=ANNA).submission
    assert s.record.filer == ANNA and s.flags == []
    assert upp.read(p.objects.get("documents", s.record.upp.key).body).sender_id == "8567346215"


# --- the same signed document twice -------------------------------------------------------------------------------

def signed_letter(p: FakePorts) -> bytes:
    document = signed.document_to_sign(p, owner=OWNER, where=logic.offer(p.catalogue, PIASECZNO, LETTER),
                                       body=SubmissionIn(data=letter_data(p)))
    pki = fakes.demo_pki()
    return signing.sign_with_signxml(document, pki.resident, [pki.intermediate.cert])


def submit_signed(p: FakePorts, document: bytes, key: str, owner: str = OWNER) -> intake.Accepted:
    return intake.submit_signed(p, owner=owner, filer=JAN, tenant=PIASECZNO, service=LETTER, idempotency_key=key,
                                signed=document)


def test_a_signed_document_submitted_again_is_409_naming_the_submission_and_the_upp_names_the_document() -> None:
    # Given a signed letter, accepted
    p = fakes.ports()
    document = signed_letter(p)
    first = submit_signed(p, document, "podpisany-1").submission
    stored = documents(p)

    # When the same document comes again under a new key
    with pytest.raises(Conflict) as err:
        submit_signed(p, document, "podpisany-2")

    # Then it is 409 naming the first submission, and nothing new is stored or sealed
    assert err.value.code == "document_already_submitted"
    assert err.value.details[0]["submission_id"] == first.submission_id
    assert documents(p) == stored and seals(p) == 1
    # And the UPP's IdentyfikatorDokumentu is the document's own id, not the submission's
    receipt = upp.read(p.objects.get("documents", first.record.upp.key).body)
    assert receipt.document_id == first.record.document_id != first.submission_id


def test_a_signed_document_someone_else_submitted_is_409_without_their_data() -> None:
    p = fakes.ports()
    document = signed_letter(p)
    first = submit_signed(p, document, "podpisany-1").submission
    with pytest.raises(Conflict) as err:
        submit_signed(p, document, "podpisany-1", owner="resident-piotr")
    assert err.value.code == "document_already_submitted"
    assert first.submission_id not in str(err.value.body()) and "Kowalski" not in str(err.value.body())


# --- the draft a form came from, and the department -------------------------------------------------------------

@pytest.mark.parametrize("whose", ["resident-piotr", "nobody"])
def test_someone_elses_or_an_unknown_draft_is_refused_at_the_field_and_nothing_is_written(whose: str) -> None:
    p = fakes.ports()
    data = letter_data(p)
    draft_id = "f" * 32
    if whose != "nobody":
        draft_id = drafts.save_draft(p, owner=whose, where=logic.offer(p.catalogue, PIASECZNO, LETTER),
                                    draft_id=None, body=DraftIn(data=data)).draft_id
    with pytest.raises(Unprocessable) as err:
        submit(p, data, draft_id=draft_id)
    assert [(d["field"], d["code"]) for d in err.value.details] == [("draft_id", "draft_not_found")]
    assert documents(p) == [] and p.submissions.items == {} and p.submissions.claims == {}
    assert whose == "nobody" or p.drafts.get(whose, draft_id) is not None


def test_the_department_is_recorded_when_the_submission_is_accepted() -> None:
    p = fakes.ports()
    s = submit(p, letter_data(p)).submission
    assert s.department == "OR" and s.case_sign is None
