"""Forwarding a case to the competent JST (art. 65 KPA), the pure rules (fakes, no AWS): which receiver can take
it and where, the sender's closed record, the event, the receiver's case (own sign, filing date kept, clock from the
forwarding day), its documents copied and its notice sent once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.cli import load_definitions
from chalicelib.core.errors import Conflict, Forbidden, Unprocessable
from chalicelib.events.topics import ForwardedCase, ForwardedDocument
from chalicelib.model.service import DeadlineKind, ServiceDefinition
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.cases import einformacja, forwarding, handling, lifecycle, notices
from chalicelib.modules.cases.models import Plan, StoredCase
from tests import samples
from tests.unit.fakes import FakeCatalogue
from tests.unit.test_case_handling import FakeCaseFiles, FakeMailer

CATALOGUE = FakeCatalogue(load_definitions())
CERTIFICATE = "zaswiadczenie-o-niezaleganiu"  # the catalogue: FN, JRWA 3120, 7 days
SENDER = samples.tenant()  # Piaseczno: FN, OS
LESZNOWOLA = samples.tenant(terc="1418032", name="Gmina Lesznowola", office_name="Urząd Gminy Lesznowola",
                            kind="gmina-wiejska", services=[{"id": CERTIFICATE, "jrwa": "3121",
                                                             "deadline_kind": "1-miesiac"}])
POWIAT: dict[str, Any] = {"terc": "1418", "name": "Powiat piaseczyński", "kind": "powiat", "parent_terc": None,
                          "office_name": "Starostwo Powiatowe w Piasecznie",
                          "departments": [{"symbol": "OR", "name": "Wydział Organizacyjny"}]}
AT = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 1 April 2026, 00:30 in Warsaw
HEAD = lifecycle.Actor(subject="head-or", head=True)
SOURCE = "a" * 32


class Receivers:
    def __init__(self, *configs: TenantConfig) -> None:
        self.configs = {c.terc: c for c in (SENDER, *configs)}
        self.asked = 0

    def config(self, terc: str) -> TenantConfig | None:
        self.asked += 1
        return self.configs.get(terc)

    def definition(self, service: str) -> ServiceDefinition | None:
        return CATALOGUE.get(service)


def target(receiver: TenantConfig, service: str = CERTIFICATE) -> forwarding.Target:
    return forwarding.target(Receivers(receiver), from_terc=SENDER.terc, to_terc=receiver.terc, service=service,
                             source_case_id=SOURCE)


def test_the_receiver_registers_it_in_its_department_for_the_service_with_its_class_and_deadline() -> None:
    found = target(LESZNOWOLA)
    assert (found.department, found.department_name, found.jrwa, found.deadline_kind) == (
        "FN", "Wydział Finansowy", "3121", DeadlineKind.JEDEN_MIESIAC)
    assert (found.terc, found.office_name) == ("1418032", "Urząd Gminy Lesznowola")
    # the receiver's case id: one per source case, an id like any other
    assert found.case_id == forwarding.forwarded_case_id(SOURCE) != forwarding.forwarded_case_id("b" * 32)
    assert len(found.case_id) == 32 and int(found.case_id, 16) >= 0


def test_without_a_department_for_the_service_the_general_letters_department_takes_it() -> None:
    powiat = samples.tenant(**POWIAT, services=[{"id": "pismo-ogolne"}])
    found = target(powiat)
    # the certificate keeps its own JRWA class and deadline
    assert (found.department, found.jrwa, found.deadline_kind) == ("OR", "3120", DeadlineKind.SIEDEM_DNI)


@pytest.mark.parametrize("services", [[], [{"id": "pismo-ogolne", "enabled": False}]])
def test_a_receiver_with_no_department_for_it_is_409(services: list[dict[str, Any]]) -> None:
    with pytest.raises(Conflict) as refused:
        target(samples.tenant(**POWIAT, services=services))
    assert refused.value.code == "target_cannot_register"
    assert refused.value.details[0]["field"] == "to_terc"


def test_a_jst_not_on_the_platform_or_the_sender_itself_is_422() -> None:
    with pytest.raises(Unprocessable) as unknown:
        forwarding.target(Receivers(), from_terc=SENDER.terc, to_terc="1418099", service=CERTIFICATE,
                          source_case_id=SOURCE)
    with pytest.raises(Unprocessable) as itself:
        forwarding.target(Receivers(), from_terc=SENDER.terc, to_terc=SENDER.terc, service=CERTIFICATE,
                          source_case_id=SOURCE)
    assert (unknown.value.code, itself.value.code) == ("target_not_found", "target_is_sender")


def registered() -> StoredCase:
    record = {"case_id": SOURCE, "case_sign": "FN.3120.7.2026", "terc": SENDER.terc, "department": "FN",
              "status": "zarejestrowana", "service": CERTIFICATE, "service_name": "Zaświadczenie o niezaleganiu",
              "submission_id": SOURCE, "owner": "resident-1", "applicant": "Jan Kowalski",
              "registered_at": "2026-03-20T10:00:00+00:00", "started_on": "2026-03-20", "deadline_kind": "7-dni",
              "due_date": "2026-03-27", "assignee": None, "flags": []}
    return StoredCase(pk="T#1418043#D#FN", sk="C#x", record=record, life=lifecycle.new_life(), version=0,
                      email="strona@example.pl")


class Filings:
    def filed_with(self, terc: str, submission_id: str) -> Any:
        from chalicelib.modules.submissions.models import StoredFile, Submission, SubmissionRecord

        doc = StoredFile(key=f"submissions/{terc}/{submission_id}/document.xml", version_id="v1", sha256="1" * 64,
                         size=10, content_type="application/xml", filename="wniosek.xml")
        upp = doc.model_copy(update={"key": doc.key.replace("document", "upp"), "filename": "upp.xml"})
        record = SubmissionRecord(document=doc, upp=upp, receipt_id="UPP-1", attachments=[], applicant=None,
                                  email=None, service_name="x", office_name="y")
        submission = Submission(submission_id=submission_id, owner="resident-1", terc=terc, service=CERTIFICATE,
                                form_version=1, request_sha256="0" * 64, delivered_at=AT, record=record)
        return type("Filed", (), {"submission": submission})()


def forwarded(receivers: Receivers) -> forwarding.Forwarding:
    return forwarding.Forwarding(to_terc=LESZNOWOLA.terc, reason="Podatnik ma nieruchomość w Lesznowoli", actor=HEAD,
                                 at=AT, receivers=receivers, filings=Filings())


def test_the_senders_case_closes_with_the_reason_and_the_target_and_sends_the_case_with_its_files() -> None:
    stored, receivers = registered(), Receivers(LESZNOWOLA)
    forwarding_ = forwarded(receivers)
    record, life = forwarding_.apply(stored.record, stored.life)
    # a closed record: where it went and why, no further transition; the party is told
    assert record["status"] == "przekazana" and lifecycle.allowed(lifecycle.State.PRZEKAZANA) == []
    assert record["forwarded_to"] == {"terc": "1418032", "office": "Urząd Gminy Lesznowola",
                                      "case_id": forwarding.forwarded_case_id(SOURCE),
                                      "reason": "Podatnik ma nieruchomość w Lesznowoli"}
    entry = life["history"][-1]
    assert entry["inform_party"] and entry["office"] == "Urząd Gminy Lesznowola"
    # the event: the receiver's department checked now, the party's filing date, the exact stored files
    event = forwarding_.message(stored, record, life)
    assert event is not None
    assert (event.terc, event.department, event.jrwa, event.filed_on) == ("1418032", "FN", "3121", "2026-03-20")
    assert (event.from_office, event.source_sign, event.email) == (
        "Urząd Miasta i Gminy Piaseczno", "FN.3120.7.2026", "strona@example.pl")
    assert [(d.name, d.key, d.version_id) for d in event.documents] == [
        ("document", f"submissions/1418043/{SOURCE}/document.xml", "v1"),
        ("upp", f"submissions/1418043/{SOURCE}/upp.xml", "v1")]


def test_a_closed_case_or_a_clerk_who_may_not_move_it_is_refused_before_the_receiver_is_looked_up() -> None:
    stored, receivers = registered(), Receivers(LESZNOWOLA)
    closed = {**stored.record, "status": "zakonczona"}
    with pytest.raises(Conflict) as refused:
        forwarded(receivers).apply(closed, stored.life)
    assert refused.value.code == "transition_not_allowed" and receivers.asked == 0
    # nor by a clerk who neither handles it nor heads the department
    someone = forwarding.Forwarding(to_terc=LESZNOWOLA.terc, reason="x", actor=lifecycle.Actor(subject="clerk-2"),
                                    at=AT, receivers=receivers, filings=Filings())
    with pytest.raises(Forbidden) as forbidden:
        someone.apply({**stored.record, "assignee": "clerk-1", "status": "w_toku"}, stored.life)
    assert forbidden.value.code == "not_assignee" and receivers.asked == 0


def test_to_an_authority_outside_the_platform_the_history_says_it_goes_on_paper() -> None:
    stored = registered()
    record, life = lifecycle.transition(stored.record, stored.life, lifecycle.Move(
        to=lifecycle.State.PRZEKAZANA, reason="Właściwy starosta", office="Starosta Grójecki"), actor=HEAD, at=AT)
    assert record["forwarded_to"] == {"office": "Starosta Grójecki", "reason": "Właściwy starosta", "on_paper": True}
    assert life["history"][-1]["paper"] == lifecycle.PAPER_NOTE and "pismem" in lifecycle.PAPER_NOTE


def test_the_senders_notice_says_to_whom_and_why() -> None:
    stored = registered()
    record, life = forwarded(Receivers(LESZNOWOLA)).apply(stored.record, stored.life)
    mail = notices.mail_of(record, life["history"][-1], "strona@example.pl")
    assert "Urząd Gminy Lesznowola" in mail.text and "Podatnik ma nieruchomość w Lesznowoli" in mail.text
    assert "art. 65 § 1 KPA" in mail.text and mail.subject == "Sprawa FN.3120.7.2026 – przekazana"


def message() -> ForwardedCase:
    doc = ForwardedDocument(name="document", kind="document", key="submissions/1418043/x/document.xml",
                            version_id="v1", sha256="1" * 64, size=10, content_type="application/xml",
                            filename="wniosek.xml")
    return ForwardedCase(
        terc="1418032", case_id=forwarding.forwarded_case_id(SOURCE), department="FN",
        department_name="Referat Finansowy", jrwa="3121", deadline_kind=DeadlineKind.JEDEN_MIESIAC,
        office_name="Urząd Gminy Lesznowola", from_terc="1418043", from_office="Urząd Miasta i Gminy Piaseczno",
        source_case_id=SOURCE, source_sign="FN.3120.7.2026", forwarded_at=AT, reason="Nieruchomość w Lesznowoli",
        service=CERTIFICATE, service_name="Zaświadczenie o niezaleganiu", submission_id=SOURCE, owner="resident-1",
        filed_on="2026-03-20", email="strona@example.pl",
        documents=[doc, doc.model_copy(update={"name": "upp", "kind": "upp", "version_id": "v2"})])


def test_the_receivers_clock_runs_from_the_day_the_case_reached_it() -> None:
    plan = forwarding.plan_of(message())
    # forwarded 1 April 2026 (Warsaw); one month: 1 May is a holiday, 2 May a Saturday, 3 May a Sunday -> 4 May
    assert (plan.started_on.isoformat(), plan.year) == ("2026-04-01", 2026)
    assert plan.due_date is not None and plan.due_date.isoformat() == "2026-05-04"


class Store:
    def __init__(self) -> None:
        self.cases: dict[str, StoredCase] = {}
        self.numbers = 0
        self.notified: dict[str, int] = {}

    def registered_sign(self, source_case_id: str) -> str | None:
        found = self.cases.get(source_case_id)
        return str(found.record["case_sign"]) if found else None

    def register(self, plan: Plan, message: ForwardedCase, build: Any, *, at: datetime) -> StoredCase | None:
        if message.source_case_id in self.cases:
            return None
        self.numbers += 1
        record, life = build(self.numbers, f"{plan.department}.{plan.jrwa}.{self.numbers}.{plan.year}")
        self.cases[message.source_case_id] = StoredCase(pk="p", sk="s", record=record, life=life, version=0,
                                                        email=message.email)
        return self.cases[message.source_case_id]

    def mark_notified(self, stored: StoredCase, upto: int) -> None:
        self.notified[stored.record["case_id"]] = upto


class Objects:
    def __init__(self) -> None:
        self.copies: list[tuple[str, str, str | None]] = []

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str, *,
             src_version: str | None = None) -> str | None:
        self.copies.append((src_key, dst_key, src_version))
        return f"copy-{len(self.copies)}"

    def presigned_get(self, bucket: str, key: str, *, version_id: str | None, filename: str, content_type: str,
                      expires: int) -> str:
        return f"https://s3/{key}?v={version_id}"


def test_the_receiver_copies_the_files_registers_once_and_tells_the_party() -> None:
    store, objects, mailer = Store(), Objects(), FakeMailer()
    sign = forwarding.receive(message(), store=store, objects=objects, mailer=mailer, now=AT)
    again = forwarding.receive(message(), store=store, objects=objects, mailer=mailer, now=AT)
    # one case, under the receiver's sign, its files copied once into the receiver's own prefix
    assert (sign, again) == ("FN.3121.1.2026", None)
    new_id = forwarding.forwarded_case_id(SOURCE)
    assert objects.copies == [("submissions/1418043/x/document.xml", f"cases/1418032/{new_id}/document", "v1"),
                              ("submissions/1418043/x/document.xml", f"cases/1418032/{new_id}/upp", "v2")]
    record = store.cases[SOURCE].record
    assert [(d["key"], d["version_id"]) for d in record["documents"]] == [
        (f"cases/1418032/{new_id}/document", "copy-1"), (f"cases/1418032/{new_id}/upp", "copy-2")]
    assert (record["filed_on"], record["started_on"], record["due_date"]) == ("2026-03-20", "2026-04-01", "2026-05-04")
    assert record["forwarded_from"]["case_sign"] == "FN.3120.7.2026" and record["status"] == "zarejestrowana"
    # the receiver's clerks get a link to their copy, not the sender's object
    link = forwarding.link(objects, record, "upp", now=AT)
    assert link["url"] == f"https://s3/cases/1418032/{new_id}/upp?v=copy-2"
    # the party's notice, once: the new sign, the department, the due date, the filing date kept
    assert len(mailer.sent) == 1 and store.notified[new_id] == 1
    text = mailer.sent[0].text
    assert all(s in text for s in ("FN.3121.1.2026", "Referat Finansowy", "04.05.2026", "20.03.2026", "§ 2"))
    # and e-informacja shows where it came from, and the old case where it went
    line = einformacja.summary(record)
    assert line["forwarded_from"]["case_id"] == SOURCE and line["filed_on"] == "2026-03-20"
    assert "art. 65 § 2" in einformacja.stages(record, store.cases[SOURCE].life)[0]["text"]


class ForwardingFiles(FakeCaseFiles):
    def __init__(self) -> None:
        super().__init__()
        self.saved_with: list[ForwardedCase | None] = []

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *,
             notify_at: datetime | None = None, outgoing: ForwardedCase | None = None) -> int | None:
        version = super().save(stored, record, life, notify_at=notify_at)
        if version is not None:
            self.saved_with.append(outgoing)
        return version


def test_the_event_is_written_with_the_change_and_published_after_it() -> None:
    files, published = ForwardingFiles(), []
    files.stored = StoredCase(pk="T#1418043#D#FN", sk="C#x", record={**registered().record, "case_id": "c" * 32},
                              life=lifecycle.new_life(), version=0)
    forwarding_ = forwarded(Receivers(LESZNOWOLA))
    view = handling.change(files, SENDER.terc, "c" * 32, clerk_department=None, expected_version=None,
                           apply=forwarding_.apply, now=AT, mailer=FakeMailer(), outgoing=forwarding_.message,
                           publish=published.append)
    assert view["case"]["status"] == "przekazana"
    assert len(files.saved_with) == 1 and published == files.saved_with
    # a change someone else made first: 409, nothing written, nothing sent
    files.stored = StoredCase(pk="T#1418043#D#FN", sk="C#y", record={**registered().record, "case_id": "d" * 32},
                              life=lifecycle.new_life(), version=0)
    files.racing = StoredCase(pk="T#1418043#D#FN", sk="C#y", record=files.stored.record, life=files.stored.life,
                              version=1)
    with pytest.raises(Conflict):
        handling.change(files, SENDER.terc, "d" * 32, clerk_department=None, expected_version=None,
                        apply=forwarding_.apply, now=AT, mailer=FakeMailer(), outgoing=forwarding_.message,
                        publish=published.append)
    assert len(published) == 1


def test_a_target_jst_is_named_only_to_forward_and_instead_of_an_offices_name() -> None:
    przekazana = lifecycle.State.PRZEKAZANA
    assert forwarding.to_platform(przekazana, to_terc="1418032", office=None) is True
    assert forwarding.to_platform(przekazana, to_terc=None, office="Starosta Grójecki") is False
    for to, office in ((lifecycle.State.ZAWIESZONA, None), (przekazana, "Starosta Grójecki")):
        with pytest.raises(Unprocessable) as refused:
            forwarding.to_platform(to, to_terc="1418032", office=office)
        assert refused.value.details[0]["field"] == "to_terc"
