"""The party's answer to a summons, as pure logic: who may answer, what registration does to the case (the
summons answered and the pause closed on the delivery date, the transition by the party), an answer the clerk
overtook, a redelivery, what the resident and the clerk see, the e-mail; and the letter bound to its case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, NotFound, Unprocessable
from chalicelib.events.topics import RegistrationFacts
from chalicelib.integrations.mail import Mail
from chalicelib.modules.cases import einformacja, kpa_clock, notices, supplements
from chalicelib.modules.cases.lifecycle import new_life
from chalicelib.modules.cases.models import Filing, StoredCase
from chalicelib.modules.cases.supplements import AlreadyRegistered, Supplement, attach, open_summons
from chalicelib.modules.submissions.answers import Answering, bound
from chalicelib.modules.submissions.models import Answers, SubmissionIn

OWNER = "resident-anna"
SUMMONED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday; a one-month case registered the same day
DELIVERED = datetime(2026, 3, 6, 22, 30, tzinfo=UTC)  # 23:30 in Warsaw: still 6 March, 4 days paused
WORKER = datetime(2026, 3, 7, 8, 0, tzinfo=UTC)  # the worker's time: does not count


def summoned(status: str = "wezwanie") -> StoredCase:
    record = {"case_id": "c" * 32, "case_sign": "FN.3120.1.2026", "terc": "1418043", "department": "FN",
              "status": status, "deadline_kind": "1-miesiac", "started_on": "2026-03-02", "due_date": "2026-04-02",
              "owner": OWNER, "service_name": "Zaświadczenie o niezaleganiu", "registered_at": SUMMONED.isoformat()}
    life = new_life()
    life["summonses"].append({"issued_on": "2026-03-02", "gaps": ["podpis"], "term_days": 7,
                              "term_until": "2026-03-09", "answered_on": None})
    kpa_clock.on_transition(life, leaving="w_toku", entering="wezwanie", on=SUMMONED.date(), stops=True)
    if status == "uzupelniona":  # the clerk recorded it by hand on 03-04
        life["summonses"][-1]["answered_on"] = "2026-03-04"
        kpa_clock.on_transition(life, leaving="wezwanie", entering="uzupelniona",
                                on=SUMMONED.date() + timedelta(days=2), stops=False)
    return StoredCase(pk="T#1418043#D#FN", sk="C#x", record=record, life=life, version=3,
                      email="jan@example.pl", notified=0)


LETTER = Supplement(submission_id="s" * 32, receipt_id="UPP-" + "s" * 32, received_at=DELIVERED, party=OWNER,
                    party_name="Jan Kowalski")


def test_only_the_party_answers_and_only_an_open_summons() -> None:
    # Someone else's case, or none: 404 alike
    with pytest.raises(NotFound):
        open_summons(summoned(), owner="resident-piotr")
    with pytest.raises(NotFound):
        open_summons(None, owner=OWNER)
    # A case whose summons was answered (or that has none): 409 no_open_summons
    with pytest.raises(Conflict) as refused:
        open_summons(summoned("uzupelniona"), owner=OWNER)
    assert refused.value.code == "no_open_summons"
    assert open_summons(summoned(), owner=OWNER).record["case_id"] == "c" * 32


def test_the_answer_closes_the_summons_on_its_delivery_date_and_the_party_moves_the_case() -> None:
    stored = summoned()
    record, life = attach(stored.record, stored.life, LETTER, at=WORKER)
    assert record["status"] == "uzupelniona"
    # paused 02.03 -> 06.03 (the delivery in Warsaw, not the worker's 07.03): 4 days; 02.04 + 4 = 06.04, Easter
    # Monday, so 07.04 (art. 57 § 4)
    pause = life["pauses"][-1]
    assert (pause["from"], pause["to"], pause["days"]) == ("2026-03-02", "2026-03-06", 4)
    assert record["due_date"] == "2026-04-07"
    summons = life["summonses"][-1]
    assert summons["answered_on"] == "2026-03-06"
    assert summons["answer"] == {"submission_id": LETTER.submission_id, "receipt_id": LETTER.receipt_id,
                                 "received_at": DELIVERED.isoformat(), "in_term": True}
    entry = life["history"][-1]
    assert (entry["kind"], entry["by"], entry["from"], entry["to"], entry["inform_party"]) == (
        "supplement", OWNER, "wezwanie", "uzupelniona", True)
    assert entry["due_date"] == "2026-04-07"
    assert life["supplements"][0]["answered_summons"] is True
    # the inputs are left as they were
    assert stored.record["status"] == "wezwanie" and stored.life["summonses"][-1]["answered_on"] is None


def test_a_late_answer_is_still_taken_and_marked_out_of_term() -> None:
    late = Supplement(**{**LETTER.__dict__, "received_at": datetime(2026, 3, 12, 9, tzinfo=UTC)})
    record, life = attach(summoned().record, summoned().life, late, at=WORKER)
    assert record["status"] == "uzupelniona" and life["summonses"][-1]["answer"]["in_term"] is False


def test_an_answer_the_clerk_overtook_is_attached_with_no_transition() -> None:
    stored = summoned("uzupelniona")
    record, life = attach(stored.record, stored.life, LETTER, at=WORKER)
    assert record["status"] == "uzupelniona" and record["due_date"] == stored.record["due_date"]
    assert life["pauses"] == stored.life["pauses"] and life["summonses"] == stored.life["summonses"]
    entry = life["history"][-1]
    assert (entry["from"], entry["to"], entry["label"]) == ("uzupelniona", "uzupelniona",
                                                            "wpłynęło pismo uzupełniające")
    assert life["supplements"][0]["answered_summons"] is False


def test_a_summons_issued_after_the_delivery_is_not_answered_by_it() -> None:
    stored = summoned()
    early = Supplement(**{**LETTER.__dict__, "received_at": datetime(2026, 3, 1, 9, tzinfo=UTC)})
    record, life = attach(stored.record, stored.life, early, at=WORKER)
    assert record["status"] == "wezwanie" and life["summonses"][-1]["answered_on"] is None


class Store:
    def __init__(self, stored: StoredCase, *, conflicts: int = 0, registered: bool = False) -> None:
        self.stored, self.conflicts, self.registered = stored, conflicts, registered
        self.written: list[dict[str, Any]] = []
        self.told: list[int] = []

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        return self.stored

    def attach(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *, filing: Filing,
               at: datetime, notify_at: datetime | None) -> int | None:
        if self.registered:
            raise AlreadyRegistered(filing.submission_id)
        if self.conflicts:
            self.conflicts -= 1
            return None
        self.written.append(record)
        self.registered = True
        return stored.version + 1

    def mark_notified(self, stored: StoredCase, upto: int) -> None:
        self.told.append(upto)


class Mailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> str:
        self.sent.append(mail)
        return "m"


def filing() -> Filing:
    facts = RegistrationFacts(delivered_at=DELIVERED, form_version=1, receipt_id=LETTER.receipt_id,
                              service_name="Pismo ogólne do urzędu", office_name="Urząd", applicant="Jan Kowalski",
                              answers_case="c" * 32)
    return Filing(submission_id=LETTER.submission_id, owner=OWNER, terc="1418043", service="pismo-ogolne",
                  facts=facts)


def test_registration_retries_a_concurrent_change_mails_once_and_a_redelivery_changes_nothing() -> None:
    store, mailer = Store(summoned(), conflicts=2), Mailer()
    done = supplements.register(store, mailer, filing(), case_id="c" * 32, now=WORKER)
    assert (done.sign, done.registered_now, done.notified_now) == ("FN.3120.1.2026", True, True)
    assert [r["status"] for r in store.written] == ["uzupelniona"]
    [mail] = mailer.sent
    assert mail.subject == "Sprawa FN.3120.1.2026 – otrzymano pismo uzupełniające"
    assert "06.03.2026" in mail.text and LETTER.receipt_id in mail.text and mail.to == "jan@example.pl"
    # the same message again: nothing written, nothing mailed
    again = supplements.register(store, mailer, filing(), case_id="c" * 32, now=WORKER)
    assert (again.registered_now, len(store.written), len(mailer.sent)) == (False, 1, 1)


def test_registration_of_a_letter_for_someone_elses_case_fails_loudly() -> None:
    other = summoned()
    other.record["owner"] = "resident-piotr"
    with pytest.raises(LookupError):
        supplements.register(Store(other), Mailer(), filing(), case_id="c" * 32, now=WORKER)


def test_the_resident_sees_each_summons_answered_when_and_with_which_upp_and_where_to_answer() -> None:
    open_view = einformacja.case_for(summoned(), owner=OWNER)["summonses"][0]
    assert open_view["open"] is True and open_view["answer_url"] == f"/v1/me/cases/{'c' * 32}/supplements"
    stored = summoned()
    record, life = attach(stored.record, stored.life, LETTER, at=WORKER)
    answered = StoredCase(pk="p", sk="s", record=record, life=life, version=4)
    shown = einformacja.case_for(answered, owner=OWNER)
    summons = shown["summonses"][0]
    assert (summons["open"], summons["answer_url"], summons["answered_on"]) == (False, None, "2026-03-06")
    assert summons["answer"]["upp"] == f"/v1/me/submissions/{LETTER.submission_id}/upp"
    assert shown["stages"][-1]["received_at"] == DELIVERED.isoformat()
    # the clerk's view lists the letter with its links
    [letter] = supplements.for_clerk(life, "1418043")
    assert letter["links"]["upp"] == f"/v1/tenants/1418043/submissions/{LETTER.submission_id}/upp"
    # a clerk's own "uzupełniona" keeps its plain e-mail
    assert notices.mail_of(record, {**life["history"][-1], "kind": "transition"}, "a@b.pl").subject.endswith(
        "uzupełniona")


class Inner:
    """A reader of the way in (form or signed document) that read `values`."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    @property
    def canonical(self) -> bytes:
        return b"{}"

    def read(self, ports: Any, **kw: Any) -> Any:
        from chalicelib.modules.submissions.intake import Read

        form: Any = type("Form", (), {"values": self.values})()
        return Read(where=None, form=form, applicant=None, filer=kw["filer"], flags=[],  # type: ignore[arg-type]
                    document=lambda *a: (b"", ""))


ANSWERS = Answers(case_id="c" * 32, case_sign="FN.3120.1.2026", department="FN")


def test_a_letter_answers_only_the_case_it_names() -> None:
    # a form filled in the browser is bound to the case by the URL
    data = bound(SubmissionIn(data={"rodzaj_pisma": "wniosek", "tresc": "x"}), ANSWERS).data
    assert (data["rodzaj_pisma"], data["znak_sprawy"], data["tresc"]) == ("uzupelnienie", "FN.3120.1.2026", "x")
    # a signed letter must name it itself: another sign, or another kind of letter, is refused
    for values in ({"rodzaj_pisma": "uzupelnienie", "znak_sprawy": "GK.1.1.2026"}, {"rodzaj_pisma": "wniosek"}):
        with pytest.raises(Unprocessable) as refused:
            Answering(Inner(values), ANSWERS).read(None, owner=OWNER, tenant=None, service="pismo-ogolne",  # type: ignore[arg-type]
                                                   filer=None)  # type: ignore[arg-type]
        assert refused.value.details[0]["field"] == "data.znak_sprawy"
    read = Answering(Inner({"rodzaj_pisma": "uzupelnienie", "znak_sprawy": "FN.3120.1.2026"}), ANSWERS).read(
        None, owner=OWNER, tenant=None, service="pismo-ogolne", filer=None)  # type: ignore[arg-type]
    assert read.answers == ANSWERS
    # a case that may not be answered now refuses before anything is read (the pipeline then replays the key's
    # first answer, if any)
    def closed() -> None:
        raise Conflict("brak", code="no_open_summons")

    with pytest.raises(Conflict):
        Answering(Inner({}), ANSWERS, closed).read(None, owner=OWNER, tenant=None, service="pismo-ogolne",  # type: ignore[arg-type]
                                                   filer=None)  # type: ignore[arg-type]
    # the same key for another case is another request
    assert Answering(Inner({}), ANSWERS).canonical != Answering(
        Inner({}), ANSWERS.model_copy(update={"case_id": "d" * 32})).canonical


class Filings:
    """The submissions module as registration reads it: the stored answer's facts (the sweeper's message)."""

    def __init__(self, facts: RegistrationFacts) -> None:
        self.facts = facts

    def registration_facts(self, owner: str, submission_id: str) -> RegistrationFacts | None:
        return self.facts

    def registration(self, owner: str, submission_id: str) -> Any:
        raise AssertionError("an answer is never looked up as a case of its own")


def test_the_sweepers_message_of_an_answer_attaches_it_and_opens_no_case() -> None:
    from chalicelib.events.topics import RegistrationMessage
    from chalicelib.modules.cases import logic

    # the sweeper's message carries ids only; the stored answer's facts name its case (and no department of its own)
    message = RegistrationMessage(submission_id=LETTER.submission_id, owner=OWNER, terc="1418043",
                                  service="pismo-ogolne")
    store, mailer = Store(summoned()), Mailer()
    done = logic.register(filings=Filings(filing().facts), cases=store, mailer=mailer,  # type: ignore[arg-type]
                          message=message, now=WORKER)
    assert (done.sign, done.registered_now) == ("FN.3120.1.2026", True)
    assert [r["status"] for r in store.written] == ["uzupelniona"]
