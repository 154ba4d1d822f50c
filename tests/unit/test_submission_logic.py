"""e-wniosek rules over in-memory ports: upload slots, the quarantine verdict, submission with its sealed UPP,
idempotency, self-signed documents, downloads and drafts. Real seal and verifier; no AWS, no network."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from chalicelib.core.errors import Conflict, NotFound, Unprocessable
from chalicelib.core.observability import set_correlation_id
from chalicelib.documents import upp
from chalicelib.documents.filetypes import sniff
from chalicelib.events.topics import RegistrationMessage
from chalicelib.model.service import AttachmentRules, ServiceDefinition
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.submissions import attachments, drafts, intake, logic, signed, views
from chalicelib.modules.submissions.facts import facts_of
from chalicelib.modules.submissions.models import (
    AttachmentStatus,
    DraftIn,
    Filer,
    SubmissionIn,
    SubmissionStatus,
    UploadRequest,
)
from chalicelib.signatures.pki import DEMO_RESIDENT_PESEL
from chalicelib.signatures.report import Verdict
from tests import samples, signing
from tests.files import make_pdf, make_png
from tests.formdata import PESEL, valid_data, with_value
from tests.unit import fakes
from tests.unit.fakes import NOW, FakeClock, FakePorts

OWNER = "resident-anna"
JAN = Filer(pesel=PESEL, name="Jan Kowalski")  # the demo resident, signed in through the national login
LETTER = "pismo-ogolne"
CERTIFICATE = "zaswiadczenie-o-niezaleganiu"
UPO = "{http://crd.gov.pl/xml/schematy/UPO/2008/05/09/}"
PIASECZNO: TenantConfig = samples.tenant(services=[
    {"id": LETTER, "enabled": True},
    {"id": CERTIFICATE, "enabled": True},
])
NEIGHBOUR: TenantConfig = samples.tenant(terc="1418032", kind="gmina-wiejska", name="Gmina Sąsiednia",
                                         office_name="Urząd Gminy Sąsiedniej",
                                         services=[{"id": LETTER, "enabled": True}])


def letter(p: FakePorts) -> ServiceDefinition:
    defn = p.catalogue.get(LETTER)
    assert defn is not None
    return defn


def letter_data(p: FakePorts, *attachment_ids: str) -> dict[str, Any]:
    """A valid general letter from Jan Kowalski (the demo resident), with these files under „Załączniki”."""
    data = valid_data(letter(p), lambda path: pytest.fail(f"no file expected at {path}"))
    for i, attachment_id in enumerate(attachment_ids):
        data = with_value(data, f"zalaczniki[{i}]", attachment_id)
    return data


def submit(p: FakePorts, data: dict[str, Any], key: str = "wniosek-0001", *, owner: str = OWNER,
           filer: Filer | None = JAN, tenant: TenantConfig = PIASECZNO, service: str = LETTER,
           draft_id: str | None = None) -> intake.Accepted:
    body = {"data": data, **({"draft_id": draft_id} if draft_id else {})}
    return intake.submit_form(p, owner=owner, filer=filer, tenant=tenant, service=service, idempotency_key=key,
                              body=SubmissionIn.model_validate(body))


def released(p: FakePorts, content: bytes | None = None, *, service: str = LETTER, **kw: Any) -> str:
    return p.add_attachment(OWNER, terc=PIASECZNO.terc, service=service, content=content or make_pdf(),
                            **kw).attachment_id


def offer(p: FakePorts, service: str = LETTER, tenant: TenantConfig = PIASECZNO) -> logic.Offer:
    return logic.offer(p.catalogue, tenant, service)


def stored_count(p: FakePorts) -> int:
    return sum(len(v) for v in p.objects.versions.values())


# --- upload slots ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("content_type", "size", "expected"), [
    ("application/zip", 1000, [("content_type", "attachment_type_forbidden")]),
    ("application/pdf", 10 * 1024 * 1024 + 1, [("size", "attachment_too_large")]),
    ("application/x-msdownload", 11 * 1024 * 1024,
     [("content_type", "attachment_type_forbidden"), ("size", "attachment_too_large")]),
])
def test_upload_slot_refuses_a_forbidden_type_or_an_oversized_file(content_type: str, size: int,
                                                                    expected: list[tuple[str, str]]) -> None:
    # Given the general letter, which takes the platform's default rules (10 MiB a file, the listed types)
    p = fakes.ports()
    request = UploadRequest(filename="plik.bin", content_type=content_type, size=size)

    # When a resident asks for an upload slot for a file that breaks them
    with pytest.raises(Unprocessable) as err:
        attachments.upload_slot(p, owner=OWNER, where=offer(p), request=request)

    # Then each broken rule is named by its field, in Polish, and no attachment is recorded
    assert err.value.status == 422 and err.value.code == "attachment_refused"
    assert [(d["field"], d["code"]) for d in err.value.details] == expected
    assert all(d["message"] for d in err.value.details)
    assert p.attachments.items == {}


def test_upload_slot_records_a_waiting_attachment_and_a_post_restricted_to_the_quarantine_key() -> None:
    # Given a resident and the general letter
    p = fakes.ports()
    request = UploadRequest(filename="mapka.pdf", content_type="application/pdf", size=12_345)

    # When they ask for an upload slot
    slot = attachments.upload_slot(p, owner=OWNER, where=offer(p), request=request)

    # Then an attachment waits for the check, for this JST and service, expiring in a day
    att = p.attachments.get(OWNER, slot.attachment_id)
    assert att is not None and att.status is AttachmentStatus.OCZEKUJE and slot.status is AttachmentStatus.OCZEKUJE
    assert (att.terc, att.service, att.filename, att.content_type) == (PIASECZNO.terc, LETTER, "mapka.pdf",
                                                                       "application/pdf")
    assert p.attachments.expires[(OWNER, slot.attachment_id)] == NOW + timedelta(days=1)
    # And the POST may only put this type, up to the service's limit, under the quarantine key, tagged with the owner
    quarantine = f"quarantine/{PIASECZNO.terc}/{slot.attachment_id}"
    assert slot.upload["conditions"] == {"bucket": "uploads", "key": quarantine, "content_type": "application/pdf",
                                         "content_length_range": [1, 10 * 1024 * 1024],
                                         "metadata": {"owner": attachments.owner_tag(OWNER)}}
    assert slot.upload["fields"]["key"] == quarantine
    assert slot.upload["expires"] == 15 * 60
    assert slot.expires_at == NOW + timedelta(minutes=15) and slot.max_bytes == 10 * 1024 * 1024


def test_owner_tag_is_ascii_and_gives_back_the_subject() -> None:
    # Given a subject with Polish letters, slashes and characters base64 would pad or escape
    owner = "urn:pz/Zażółć gęślą jaźń/konto+?=1"

    # When it is turned into S3 metadata and back
    tag = attachments.owner_tag(owner)

    # Then the tag is plain URL-safe ASCII and the round trip is exact
    assert tag.isascii() and not set(tag) & {"/", "+", "=", " "}
    assert attachments.owner_from_tag(tag) == owner


# --- the quarantine check ----------------------------------------------------------------------------------

ALL_TYPES = list(AttachmentRules().types)


def test_screen_releases_a_pdf_declared_as_pdf() -> None:
    # Given a real PDF declared as a PDF
    content = make_pdf()
    # When the worker checks it
    verdict = attachments.screen(content, declared_type="application/pdf", rules_types=ALL_TYPES, max_bytes=10_000,
                           sniff=sniff)
    # Then it is released with its digest and size
    assert verdict == attachments.Screening(True, None, hashlib.sha256(content).hexdigest(), len(content))


def test_screen_rejects_a_png_declared_as_pdf_naming_both_types() -> None:
    # Given a PNG uploaded as if it were a PDF
    # When the worker checks it
    verdict = attachments.screen(make_png(), declared_type="application/pdf", rules_types=ALL_TYPES, max_bytes=10_000,
                           sniff=sniff)
    # Then it is rejected and the reason, in Polish, names what it is and what it claimed to be
    assert not verdict.released
    assert verdict.reason == "Zawartość pliku (PNG) nie odpowiada zadeklarowanemu typowi (PDF)."


def test_screen_rejects_a_file_over_the_limit() -> None:
    # Given a PDF one byte over the service's limit
    content = make_pdf()
    # When the worker checks it
    verdict = attachments.screen(content, declared_type="application/pdf", rules_types=ALL_TYPES,
                           max_bytes=len(content) - 1, sniff=sniff)
    # Then it is rejected as too large
    assert not verdict.released and verdict.size == len(content)
    assert verdict.reason is not None and "za duży" in verdict.reason


def test_screen_rejects_a_type_the_service_does_not_take() -> None:
    # Given a service that takes images only, and an honest PDF
    # When the worker checks it
    verdict = attachments.screen(make_pdf(), declared_type="application/pdf", rules_types=["image/png", "image/jpeg"],
                           max_bytes=10_000, sniff=sniff)
    # Then it is rejected for its type
    assert not verdict.released
    assert verdict.reason == "Typ PDF nie jest dozwolony w tej usłudze."


def test_screen_rejects_content_of_no_accepted_type() -> None:
    verdict = attachments.screen(b"MZ\x90\x00 not a document", declared_type="application/pdf", rules_types=ALL_TYPES,
                           max_bytes=10_000, sniff=sniff)
    assert not verdict.released and verdict.reason is not None


# --- submission of a form ----------------------------------------------------------------------------------

def test_a_form_with_a_released_attachment_is_stored_then_delivered_then_receipted_then_queued() -> None:
    # Given a general letter with one released PDF, and a clock that moves a second at each reading
    p = fakes.ports(clock=FakeClock(tick=timedelta(seconds=1)))
    pdf = make_pdf()
    attachment_id = released(p, pdf)
    data = letter_data(p, attachment_id)

    # When it is submitted
    accepted = submit(p, data)

    # Then it is a new submission, accepted
    s = accepted.submission
    assert not accepted.replayed and s.status is SubmissionStatus.PRZYJETE and not s.signed and s.flags == []
    assert s.submission_id == logic.submission_id(OWNER, "wniosek-0001")
    # And the attachment was copied, byte for byte, into this attempt's own folder of the submission
    prefix = s.record.document.key.removesuffix("document.xml")
    assert prefix.startswith(f"submissions/{PIASECZNO.terc}/{s.submission_id}/") and prefix.count("/") == 4
    copied = s.record.attachments[0]
    assert copied.key == f"{prefix}attachments/{attachment_id}" and copied.field == "zalaczniki[0]"
    assert p.objects.get("documents", copied.key, copied.version_id).body == pdf
    assert copied.sha256 == hashlib.sha256(pdf).hexdigest() and copied.size == len(pdf)
    # And the document is stored, and the record names exactly that version
    document = p.objects.get("documents", f"{prefix}document.xml", s.record.document.version_id).body
    assert s.record.document.sha256 == hashlib.sha256(document).hexdigest()
    # And DataDoreczenia is the clock's first reading after the document was stored; the UPP is stored after it
    journal = p.journal
    document_put = next(i for i, e in enumerate(journal) if e[:3] == ("put", "documents", f"{prefix}document.xml"))
    upp_put = next(i for i, e in enumerate(journal) if e[:3] == ("put", "documents", f"{prefix}upp.xml"))
    delivered = journal.index(("now", s.delivered_at))
    assert document_put < delivered < upp_put
    assert journal[document_put + 1] == ("now", s.delivered_at)
    # And the receipt was sealed after the delivery, the submission recorded and one registration message sent
    sealed_at = next(e[1] for e in journal if e[0] == "seal")
    assert sealed_at > s.delivered_at
    assert p.submissions.get(OWNER, s.submission_id) == s
    assert p.publisher.sent() == [("registrations", fakes.without_ids(RegistrationMessage(
        submission_id=s.submission_id, owner=OWNER, terc=PIASECZNO.terc, service=LETTER,
        facts=facts_of(s, p.catalogue.get(LETTER), PIASECZNO))))]
    assert p.submissions.outbox == {(OWNER, s.submission_id): (s.delivered_at + intake.OUTBOX_AFTER, 0)}


def test_the_upp_verifies_and_binds_the_stored_document() -> None:
    # Given an accepted general letter
    p = fakes.ports(clock=FakeClock(tick=timedelta(seconds=1)))
    s = submit(p, letter_data(p, released(p))).submission

    # When the resident fetches the stored receipt and document
    receipt = p.objects.get("documents", s.record.upp.key, s.record.upp.version_id).body
    document = p.objects.get("documents", s.record.document.key, s.record.document.version_id).body

    # Then the real verifier finds the office's seal valid
    report = p.verify(receipt)
    assert report.verdict is Verdict.VALID, [r.code for r in report.signature.reasons]
    assert report.signature.signer is not None and report.signature.signer.kind == "seal"
    # And SkrotDokumentu is the SHA-256 of the stored document, DataDoreczenia the moment of delivery
    digest = etree.fromstring(receipt).find(f"{UPO}Dokument/{UPO}SkrotDokumentu")
    assert digest is not None and base64.b64decode(digest.text or "") == hashlib.sha256(document).digest()
    read = upp.read(receipt)
    assert read.delivered_at == s.delivered_at and read.issued_at > read.delivered_at
    assert (read.receipt_id, read.document_id) == (s.record.receipt_id, s.submission_id)
    assert (read.office_name, read.office_id, read.office_id_type) == (PIASECZNO.office_name, PIASECZNO.terc, "TERC")
    assert (read.sender_name, read.sender_id, read.sender_id_type) == ("Jan Kowalski", DEMO_RESIDENT_PESEL, "PESEL")
    assert s.record.upp.sha256 == hashlib.sha256(receipt).hexdigest()


def _in_quarantine(p: FakePorts) -> str:
    return released(p, status=AttachmentStatus.OCZEKUJE)


def _rejected(p: FakePorts) -> str:
    return released(p, status=AttachmentStatus.ODRZUCONY, reason="Zawartość pliku (PNG) nie odpowiada typowi.")


def _other_service(p: FakePorts) -> str:
    return released(p, service=CERTIFICATE)


def _unknown(p: FakePorts) -> str:
    return "0" * 32


def _another_residents(p: FakePorts) -> str:
    return p.add_attachment("resident-piotr", terc=PIASECZNO.terc, service=LETTER, content=make_pdf()).attachment_id


@pytest.mark.parametrize(("make", "code"), [
    (_unknown, "attachment_not_found"),
    (_another_residents, "attachment_not_found"),
    (_other_service, "attachment_not_found"),
    (_rejected, "attachment_rejected"),
    (_in_quarantine, "attachment_not_released"),
])
def test_an_attachment_that_cannot_go_with_the_form_is_a_field_error(make: Any, code: str) -> None:
    # Given a general letter naming a file that is unknown, someone else's, another service's, rejected or unchecked
    p = fakes.ports()
    data = letter_data(p, released(p), make(p))
    before = stored_count(p)

    # When it is submitted
    with pytest.raises(Unprocessable) as err:
        submit(p, data)

    # Then it is refused at that file's field, and nothing is stored, recorded or queued
    assert err.value.status == 422 and err.value.code == "attachments_invalid"
    assert [(d["field"], d["code"]) for d in err.value.details] == [("data.zalaczniki[1]", code)]
    assert stored_count(p) == before and p.submissions.items == {} and p.publisher.messages == []


def test_a_rejected_attachment_is_refused_with_the_checks_reason() -> None:
    p = fakes.ports()
    with pytest.raises(Unprocessable) as err:
        submit(p, letter_data(p, _rejected(p)))
    assert "nie odpowiada typowi" in err.value.details[0]["message"]


def test_the_same_attachment_twice_is_refused() -> None:
    p = fakes.ports()
    attachment_id = released(p)
    with pytest.raises(Unprocessable) as err:
        submit(p, letter_data(p, attachment_id, attachment_id))
    assert ("data", "attachment_repeated") in [(d["field"], d["code"]) for d in err.value.details]


def _tight(p: FakePorts, **rules: Any) -> FakePorts:
    """The same world with the general letter under tighter attachment rules."""
    defn = letter(p)
    tight = ServiceDefinition.model_validate({**defn.model_dump(), "attachments": AttachmentRules(**rules)})
    p.catalogue.definitions[p.catalogue.definitions.index(defn)] = tight
    return p


def test_too_many_attachments_for_the_service_are_refused() -> None:
    # Given a service that takes one file only, and a letter with two
    p = _tight(fakes.ports(), max_files=1)
    data = letter_data(p, released(p), released(p))

    # When it is submitted
    with pytest.raises(Unprocessable) as err:
        submit(p, data)

    # Then the whole form is refused for the number of files
    assert [(d["field"], d["code"]) for d in err.value.details] == [("data", "too_many_attachments")]
    assert "najwyżej 1" in err.value.details[0]["message"]


def test_attachments_together_over_the_services_total_are_refused() -> None:
    # Given a service that takes 2 KiB of files in all, and two files of 1.5 KiB
    p = _tight(fakes.ports(), max_files=5, max_file_bytes=2048, max_total_bytes=2048)
    data = letter_data(p, released(p, make_pdf() + b"%" * 1500), released(p, make_pdf() + b"%" * 1500))

    # When it is submitted
    with pytest.raises(Unprocessable) as err:
        submit(p, data)

    # Then it is refused for the total size
    assert [(d["field"], d["code"]) for d in err.value.details] == [("data", "attachments_too_large")]
    assert p.submissions.items == {}


def test_a_type_the_service_stopped_taking_is_refused_at_the_field() -> None:
    p = _tight(fakes.ports(), types=["image/png"])
    with pytest.raises(Unprocessable) as err:
        submit(p, letter_data(p, released(p)))
    assert [(d["field"], d["code"]) for d in err.value.details] == [("data.zalaczniki[0]", "attachment_type_forbidden")]


def test_an_invalid_form_is_refused_before_anything_is_stored() -> None:
    p = fakes.ports()
    data = with_value(letter_data(p), "nadawca.pesel", "44051401358")
    with pytest.raises(Unprocessable) as err:
        submit(p, data)
    assert err.value.code == "form_invalid"
    assert "data.nadawca.pesel" in [d["field"] for d in err.value.details]
    assert p.objects.versions == {} and p.submissions.items == {}


def test_a_service_the_jst_does_not_offer_is_not_found() -> None:
    p = fakes.ports()
    with pytest.raises(NotFound) as err:
        submit(p, letter_data(p), tenant=samples.tenant())  # the sample JST has the general letter switched off
    assert err.value.code == "service_not_enabled"


def test_the_draft_the_form_came_from_is_removed() -> None:
    p = fakes.ports()
    data = letter_data(p)
    draft = drafts.save_draft(p, owner=OWNER, where=offer(p), draft_id=None, body=DraftIn(data=data))
    submit(p, data, draft_id=draft.draft_id)
    assert p.drafts.get(OWNER, draft.draft_id) is None


# --- idempotency -------------------------------------------------------------------------------------------

def test_a_retry_with_the_same_data_in_another_key_order_is_the_same_request() -> None:
    # Given an accepted letter
    p = fakes.ports()
    data = letter_data(p, released(p))
    first = submit(p, data)

    # When a client retries it with the same data serialised in another order
    again = submit(p, dict(reversed(list(data.items()))))

    # Then it is a replay of the first, not a conflicting reuse of the key
    assert again.replayed and again.submission == first.submission


def test_the_same_key_and_body_again_replays_the_submission_and_stores_nothing() -> None:
    # Given an accepted letter
    p = fakes.ports()
    data = letter_data(p, released(p))
    first = submit(p, data)
    stored, messages = stored_count(p), list(p.publisher.messages)

    # When the same request comes again (a retry after a lost response)
    again = submit(p, data)

    # Then the first submission is given back, and nothing new is stored, recorded or queued
    assert again.replayed and again.submission == first.submission
    assert stored_count(p) == stored and p.publisher.messages == messages
    assert p.submissions.created == [first.submission.submission_id]


def test_a_replay_answers_with_the_first_receipt_though_the_draft_is_gone_and_the_service_switched_off() -> None:
    # Given a letter accepted from a draft (the draft is removed with it), with a released attachment
    p = fakes.ports()
    data = letter_data(p, released(p))
    draft = drafts.save_draft(p, owner=OWNER, where=offer(p), draft_id=None, body=DraftIn(data=data))
    first = submit(p, data, draft_id=draft.draft_id)

    # When the same request comes again after the JST switched the service off
    again = submit(p, data, draft_id=draft.draft_id, tenant=samples.tenant())

    # Then it gets the first receipt, as any replay; the same key for another body is still refused
    assert again.replayed and again.submission == first.submission
    with pytest.raises(Conflict):
        submit(p, with_value(data, "tytul", "Inne"), draft_id=draft.draft_id, tenant=samples.tenant())


def test_the_key_and_the_attachments_are_read_at_once() -> None:
    # Given a letter with a released attachment
    p = fakes.ports()
    data = letter_data(p, released(p))

    # When it is submitted, and submitted again
    submit(p, data)
    submit(p, data)

    # Then each request read the key and the attachments in one lookup (no separate read of the key)
    assert p.submissions.lookups == 2


def test_the_same_key_with_another_body_is_a_conflict() -> None:
    # Given an accepted letter
    p = fakes.ports()
    submit(p, letter_data(p))

    # When another letter comes with the same Idempotency-Key
    other = with_value(letter_data(p), "tytul", "Zupełnie inne pismo")
    with pytest.raises(Conflict) as err:
        submit(p, other)

    # Then it is refused as a reuse of the key
    assert err.value.status == 409 and err.value.code == "idempotency_key_reused"
    assert err.value.details[0]["field"] == "Idempotency-Key"


def test_the_same_key_from_another_resident_is_another_submission() -> None:
    p = fakes.ports()
    data = letter_data(p)
    mine, theirs = submit(p, data), submit(p, data, owner="resident-piotr")
    assert not theirs.replayed and mine.submission.submission_id != theirs.submission.submission_id


@pytest.mark.parametrize(("later", "queued_again"), [(timedelta(seconds=61), True), (timedelta(seconds=30), False)])
def test_a_replay_of_an_unregistered_submission_queues_it_again_only_after_a_minute(later: timedelta,
                                                                                    queued_again: bool) -> None:
    # Given an accepted letter not yet registered
    p = fakes.ports()
    data = letter_data(p)
    first = submit(p, data)

    # When the same request comes again some time later
    p.clock.advance(seconds=later.total_seconds())
    again = submit(p, data)

    # Then an older one is queued again (the first attempt may have died before queueing), a younger one is not
    message = ("registrations", fakes.without_ids(RegistrationMessage(
        submission_id=first.submission.submission_id, owner=OWNER, terc=PIASECZNO.terc, service=LETTER)))
    assert again.replayed
    sent = [(key, {**m, "facts": None}) for key, m in p.publisher.sent()]
    assert sent == ([message, message] if queued_again else [message])
    if queued_again:  # the replay's message carries no facts: the worker reads them, as for the sweeper's
        assert p.publisher.messages[-1][1].facts is None


def test_a_replay_of_a_registered_submission_is_not_queued_again() -> None:
    p = fakes.ports()
    data = letter_data(p)
    first = submit(p, data)
    key = (OWNER, first.submission.submission_id)
    p.submissions.items[key] = first.submission.model_copy(update={"status": SubmissionStatus.ZAREJESTROWANA})
    p.clock.advance(minutes=5)
    assert submit(p, data).replayed and len(p.publisher.messages) == 1


# --- self-signed documents -----------------------------------------------------------------------------------

def document_for(p: FakePorts, data: dict[str, Any], tenant: TenantConfig = PIASECZNO) -> bytes:
    return signed.document_to_sign(p, owner=OWNER, where=offer(p, tenant=tenant), body=SubmissionIn(data=data))


def signed_by_resident(document: bytes, pki: Any = None) -> bytes:
    pki = pki or fakes.demo_pki()
    return signing.sign_with_signxml(document, pki.resident, [pki.intermediate.cert])


def test_the_submission_keeps_the_request_that_filed_it_for_its_registration() -> None:
    # Given a letter filed by the request the edge named "req-anna-42"
    p = fakes.ports()
    set_correlation_id("req-anna-42")

    # When it is accepted
    accepted = submit(p, letter_data(p))

    # Then the stored submission, and the facts its registration reads back, name that request
    stored = p.submissions.get(OWNER, accepted.submission.submission_id)
    assert stored is not None and stored.record.correlation_id == "req-anna-42"
    assert p.publisher.messages[0][1].correlation_id == "req-anna-42"


def submit_signed(p: FakePorts, document: bytes, *, key: str = "podpisany-0001", owner: str = OWNER,
                  tenant: TenantConfig = PIASECZNO, service: str = LETTER) -> intake.Accepted:
    return intake.submit_signed(p, owner=owner, filer=JAN, tenant=tenant, service=service, idempotency_key=key,
                                signed=document)


def test_a_document_signed_by_the_applicant_is_accepted_as_signed_and_stored_as_signed() -> None:
    # Given the document of a letter from Jan Kowalski, with an attachment, signed by Jan Kowalski
    p = fakes.ports()
    attachment_id = released(p)
    signed = signed_by_resident(document_for(p, letter_data(p, attachment_id)))

    # When it is submitted
    accepted = submit_signed(p, signed)

    # Then it is accepted as signed, with nothing to flag, and the signed bytes are what is stored
    s = accepted.submission
    assert not accepted.replayed and s.signed and s.flags == []
    assert s.record.signer is not None and s.record.signer["pesel"] == DEMO_RESIDENT_PESEL
    assert p.objects.get("documents", s.record.document.key, s.record.document.version_id).body == signed
    assert [a.attachment_id for a in s.record.attachments] == [attachment_id]
    assert len(p.publisher.messages) == 1
    # And the same signed document again is a replay
    assert submit_signed(p, signed).replayed


def test_a_document_for_another_applicant_is_accepted_but_flagged() -> None:
    # Given a letter from someone else (another PESEL) signed by Jan Kowalski
    p = fakes.ports()
    data = with_value(letter_data(p), "nadawca", {"first_name": "Anna", "last_name": "Nowak", "pesel": "02070803628"})
    signed = signed_by_resident(document_for(p, data))

    # When it is submitted
    s = submit_signed(p, signed).submission

    # Then it is accepted, flagged for the clerk
    assert s.signed and s.flags == ["signer_not_applicant"]


def test_an_untrusted_signature_is_refused_with_the_verification_report() -> None:
    # Given a letter signed with a certificate from a CA the region does not trust
    p = fakes.ports()
    signed = signed_by_resident(document_for(p, letter_data(p)), fakes.stranger_pki())

    # When it is submitted
    with pytest.raises(Unprocessable) as err:
        submit_signed(p, signed)

    # Then it is refused, with the reasons and the whole report for the resident, and nothing is stored
    assert err.value.status == 422 and err.value.code == "signature_not_accepted"
    assert "chain_untrusted" in [d["code"] for d in err.value.details]
    assert err.value.extra["report"]["verdict"] == "intact_untrusted"
    assert p.objects.versions == {} and p.submissions.items == {}


def test_a_changed_signed_document_is_refused() -> None:
    p = fakes.ports()
    signed = signed_by_resident(document_for(p, letter_data(p)))
    with pytest.raises(Unprocessable) as err:
        submit_signed(p, signed.replace(b"Kowalski", b"Kowalsky", 1))
    assert err.value.code == "signature_not_accepted"
    assert err.value.extra["report"]["verdict"] == "invalid"


def test_an_unsigned_document_is_refused() -> None:
    p = fakes.ports()
    with pytest.raises(Unprocessable) as err:
        submit_signed(p, document_for(p, letter_data(p)))
    assert err.value.code == "signature_missing"


@pytest.mark.parametrize(("tenant", "service"), [(PIASECZNO, CERTIFICATE), (NEIGHBOUR, LETTER)])
def test_a_signed_document_made_for_another_service_or_jst_is_refused(tenant: TenantConfig, service: str) -> None:
    # Given a letter to Piaseczno, signed
    p = fakes.ports()
    signed = signed_by_resident(document_for(p, letter_data(p)))

    # When it is submitted to another service or another JST
    with pytest.raises(Unprocessable) as err:
        submit_signed(p, signed, tenant=tenant, service=service)

    # Then it is refused as a mismatch, and nothing is stored
    assert err.value.code == "document_mismatch"
    assert p.objects.versions == {} and p.submissions.items == {}


def test_a_signed_digest_that_no_longer_matches_the_attachment_is_refused() -> None:
    # Given a signed letter whose attachment record now describes other content under the same id
    p = fakes.ports()
    attachment_id = released(p)
    signed = signed_by_resident(document_for(p, letter_data(p, attachment_id)))
    view = p.attachments.items[(OWNER, attachment_id)]
    p.attachments.items[(OWNER, attachment_id)] = view.model_copy(update={"sha256": "ab" * 32})

    # When it is submitted
    with pytest.raises(Unprocessable) as err:
        submit_signed(p, signed)

    # Then it is refused
    assert err.value.code == "attachment_digest_mismatch"


# --- views and downloads -------------------------------------------------------------------------------------

def test_download_links_to_exactly_the_stored_version() -> None:
    # Given an accepted letter with an attachment, whose document key was later written again
    p = fakes.ports()
    attachment_id = released(p)
    s = submit(p, letter_data(p, attachment_id)).submission
    p.objects.put("documents", s.record.document.key, b"<inne/>", "application/xml")

    # When the resident asks for the document, the UPP and the attachment
    links = {what: views.download(p, s, what, attachment_id) for what in ("document", "upp", "attachment")}

    # Then each link names the version the receipt speaks of, not the latest one
    for what, stored in (("document", s.record.document), ("upp", s.record.upp),
                         ("attachment", s.record.attachments[0])):
        url = urlsplit(links[what]["url"])
        query = parse_qs(url.query)
        assert url.path == f"/documents/{stored.key}"
        assert query["version_id"] == [stored.version_id]
        assert query["filename"] == [stored.filename] and query["expires"] == ["300"]
        assert (links[what]["sha256"], links[what]["size"]) == (stored.sha256, stored.size)
        assert links[what]["expires_at"] == (NOW + timedelta(minutes=5)).isoformat()
    assert p.objects.get("documents", s.record.document.key).version_id != s.record.document.version_id


def test_download_of_an_attachment_the_submission_does_not_have_is_not_found() -> None:
    p = fakes.ports()
    s = submit(p, letter_data(p, released(p))).submission
    with pytest.raises(NotFound) as err:
        views.download(p, s, "attachment", "f" * 32)
    assert err.value.status == 404 and err.value.code == "attachment_not_found"


def test_view_shows_the_resident_the_submission_and_its_links() -> None:
    p = fakes.ports()
    attachment_id = released(p)
    s = submit(p, letter_data(p, attachment_id)).submission
    shown = views.view(s)
    link = f"/v1/me/submissions/{s.submission_id}"
    assert shown["links"] == {"self": link, "upp": f"{link}/upp", "document": f"{link}/document"}
    assert shown["status"] == "przyjete" and shown["case_sign"] is None
    assert shown["delivered_at"] == NOW.isoformat() and shown["receipt_id"] == f"UPP-{s.submission_id}"
    assert shown["attachments"][0]["href"] == f"{link}/attachments/{attachment_id}"


# --- drafts ----------------------------------------------------------------------------------------------

def test_a_draft_is_there_for_thirty_days_and_then_gone() -> None:
    # Given a draft saved now
    p = fakes.ports()
    draft = drafts.save_draft(p, owner=OWNER, where=offer(p), draft_id=None, body=DraftIn(data={"tytul": "Wniosek"}))
    assert draft.expires_at == NOW + timedelta(days=30)

    # When the resident opens it just before it expires, it is there
    p.clock.advance(days=30, seconds=-1)
    assert drafts.require_draft(p, OWNER, draft.draft_id) == draft
    assert drafts.my_drafts(p, OWNER) == [draft]

    # Then, once expired, it is not found, nor listed (even while DynamoDB's TTL has not removed it yet)
    p.clock.advance(seconds=1)
    with pytest.raises(NotFound) as err:
        drafts.require_draft(p, OWNER, draft.draft_id)
    assert err.value.status == 404 and err.value.code == "draft_not_found"
    assert drafts.my_drafts(p, OWNER) == []


def test_someone_elses_draft_is_not_found() -> None:
    p = fakes.ports()
    draft = drafts.save_draft(p, owner=OWNER, where=offer(p), draft_id=None, body=DraftIn(data={}))
    with pytest.raises(NotFound):
        drafts.require_draft(p, "resident-piotr", draft.draft_id)


def test_a_draft_over_256_kib_is_refused() -> None:
    p = fakes.ports()
    with pytest.raises(Unprocessable) as err:
        drafts.save_draft(p, owner=OWNER, where=offer(p), draft_id=None,
                         body=DraftIn(data={"tresc": "x" * (256 * 1024)}))
    assert err.value.details[0]["code"] == "draft_too_large"
