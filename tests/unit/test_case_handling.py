"""The clerk's changes to a case over a store port (a fake, no AWS): written at the version read, so a change
on a version someone moved past, or racing another, is 409 and writes nothing; another department is 403."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.integrations.mail import Mail
from chalicelib.modules.cases import handling, notices
from chalicelib.modules.cases.lifecycle import Actor, Move, State, new_life
from chalicelib.modules.cases.models import StoredCase

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
CLERK = Actor(subject="clerk-1")


class FakeCaseFiles:
    def __init__(self) -> None:
        record = {"case_id": "c" * 32, "status": "zarejestrowana", "department": "FN", "deadline_kind": "7-dni",
                  "started_on": "2026-03-02", "due_date": "2026-03-09", "assignee": None}
        self.stored = StoredCase(pk="T#1418043#D#FN", sk="C#x", record=record, life=new_life(), version=0)
        self.racing: StoredCase | None = None  # a change another clerk saves between our read and our write
        self.writes = 0
        self.notified = 0
        self.marked_at: datetime | None = None

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        return self.stored if case_id == self.stored.record["case_id"] else None

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *,
             notify_at: datetime | None = None) -> int | None:
        if self.racing is not None:
            self.stored, self.racing = self.racing, None
        if stored.version != self.stored.version:
            return None
        self.writes += 1
        self.stored = StoredCase(pk=stored.pk, sk=stored.sk, record=record, life=life, version=stored.version + 1,
                                 email=stored.email, notified=self.notified)
        return self.stored.version


    def mark_notified(self, stored: StoredCase, upto: int) -> None:
        self.notified, self.marked_at = upto, None
        self.stored = StoredCase(pk=self.stored.pk, sk=self.stored.sk, record=self.stored.record,
                                 life=self.stored.life, version=self.stored.version, email=self.stored.email,
                                 notified=upto)


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> str:
        self.sent.append(mail)
        return "m"


def take(store: FakeCaseFiles, *, department: str | None = "FN", version: int | None = None) -> dict[str, Any]:
    return handling.change(store, "1418043", "c" * 32, clerk_department=department, expected_version=version,
                           apply=handling.assignment(None, actor=CLERK, at=AT), now=AT, mailer=FakeMailer())


def test_a_change_is_written_with_the_next_version() -> None:
    store = FakeCaseFiles()
    view = take(store)
    assert (view["version"], view["case"]["status"], view["allowed"][0]) == (1, "w_toku", "wezwanie")
    assert store.writes == 1


def test_a_change_racing_another_is_409_and_writes_nothing() -> None:
    store = FakeCaseFiles()
    store.racing = StoredCase(pk="T#1418043#D#FN", sk="C#x", record={**store.stored.record, "assignee": "clerk-2"},
                              life=new_life(), version=1)
    with pytest.raises(Conflict) as lost:
        take(store)
    assert lost.value.code == "version_conflict" and store.writes == 0
    assert store.stored.record["assignee"] == "clerk-2"


def test_if_match_on_an_older_version_is_409() -> None:
    store = FakeCaseFiles()
    take(store)
    with pytest.raises(Conflict) as stale:
        handling.change(store, "1418043", "c" * 32, clerk_department="FN", expected_version=0,
                        apply=handling.note("x", actor=CLERK, at=AT), now=AT, mailer=FakeMailer())
    assert stale.value.code == "version_conflict" and store.stored.life["notes"] == []


def test_another_department_is_refused_and_an_unknown_case_is_404() -> None:
    store = FakeCaseFiles()
    with pytest.raises(Forbidden):
        take(store, department="GK")
    with pytest.raises(NotFound):
        handling.open_case(store, "1418043", "f" * 32, clerk_department=None)
    assert store.writes == 0


class FailingMailer:
    def send(self, mail: Mail) -> str:
        raise RuntimeError("SES down")


class FakeOutbox(FakeCaseFiles):
    def notices_due(self, now: datetime, *, limit: int = 100) -> list[StoredCase]:
        return [self.stored] if self.marked_at is not None and self.marked_at <= now else []

    def postpone(self, stored: StoredCase, until: datetime) -> None:
        self.marked_at = until


def with_email(store: FakeCaseFiles) -> None:
    store.stored = StoredCase(pk=store.stored.pk, sk=store.stored.sk, record={**store.stored.record,
                              "case_sign": "FN.3120.1.2026", "service_name": "Pismo"}, life=new_life(), version=0,
                              email="ewa@example.pl")
    original = store.save

    def save(stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *,
             notify_at: datetime | None = None) -> int | None:
        store.marked_at = notify_at or store.marked_at
        return original(stored, record, life, notify_at=notify_at)

    store.save = save  # type: ignore[method-assign]


def test_the_party_is_mailed_for_a_change_it_is_to_be_told_of_and_not_for_a_note() -> None:
    # Given a case whose party gave an e-mail address
    store, mailer = FakeOutbox(), FakeMailer()
    with_email(store)
    # When a clerk takes it, then summons the party, then writes a note
    handling.change(store, "1418043", "c" * 32, clerk_department="FN", expected_version=None,
                    apply=handling.assignment(None, actor=CLERK, at=AT), now=AT, mailer=mailer)
    handling.change(store, "1418043", "c" * 32, clerk_department="FN", expected_version=None, now=AT, mailer=mailer,
                    apply=handling.transition(Move(to=State.WEZWANIE, reason="wewnętrzne", gaps=("Podpis",),
                                                   term_days=7), actor=CLERK, at=AT))
    handling.change(store, "1418043", "c" * 32, clerk_department="FN", expected_version=None, now=AT, mailer=mailer,
                    apply=handling.note("Notatka", actor=CLERK, at=AT))
    # Then two e-mails: "w toku" and the summons with the gaps and the term, never the clerk's reason or note
    assert [m.subject for m in mailer.sent] == ["Sprawa FN.3120.1.2026 – w toku",
                                                "Sprawa FN.3120.1.2026 – wezwanie do uzupełnienia"]
    assert "– Podpis" in mailer.sent[1].text and "do 09.03.2026 r." in mailer.sent[1].text
    assert all("wewnętrzne" not in m.text and "Notatka" not in m.text for m in mailer.sent)
    assert store.notified == 2 and all(m.to == "ewa@example.pl" for m in mailer.sent)


def test_a_notice_ses_refused_is_kept_and_the_sweeper_sends_it() -> None:
    # Given SES refusing while the clerk takes the case
    store = FakeOutbox()
    with_email(store)
    view = handling.change(store, "1418043", "c" * 32, clerk_department="FN", expected_version=None,
                           apply=handling.assignment(None, actor=CLERK, at=AT), now=AT, mailer=FailingMailer())
    # Then the change stands, marked for the sweeper, the party not yet counted told
    assert view["case"]["status"] == "w_toku" and store.marked_at == AT and store.notified == 0
    # When the sweeper runs within the grace period nothing is sent; after it, the notice goes out
    mailer = FakeMailer()
    assert notices.sweep(store, mailer, AT + timedelta(minutes=1)) == 0
    assert notices.sweep(store, mailer, AT + timedelta(minutes=5)) == 1
    assert mailer.sent[0].subject.endswith("w toku") and store.notified == 1
    # And a sweep that fails too puts it off rather than retrying at once
    store = FakeOutbox()
    with_email(store)
    handling.change(store, "1418043", "c" * 32, clerk_department="FN", expected_version=None,
                    apply=handling.assignment(None, actor=CLERK, at=AT), now=AT, mailer=FailingMailer())
    assert notices.sweep(store, FailingMailer(), AT + timedelta(minutes=5)) == 0
    assert store.marked_at == AT + timedelta(minutes=20)
