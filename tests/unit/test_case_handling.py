"""The clerk's changes to a case over a store port (a fake, no AWS): written at the version read, so a change
on a version someone moved past, or racing another, is 409 and writes nothing; another department is 403."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.modules.cases import handling
from chalicelib.modules.cases.lifecycle import Actor, new_life
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

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        return self.stored if case_id == self.stored.record["case_id"] else None

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any]) -> int | None:
        if self.racing is not None:
            self.stored, self.racing = self.racing, None
        if stored.version != self.stored.version:
            return None
        self.writes += 1
        self.stored = StoredCase(pk=stored.pk, sk=stored.sk, record=record, life=life, version=stored.version + 1)
        return self.stored.version


def take(store: FakeCaseFiles, *, department: str | None = "FN", version: int | None = None) -> dict[str, Any]:
    return handling.change(store, "1418043", "c" * 32, clerk_department=department, expected_version=version,
                           apply=handling.assignment(None, actor=CLERK, at=AT))


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
                        apply=handling.note("x", actor=CLERK, at=AT))
    assert stale.value.code == "version_conflict" and store.stored.life["notes"] == []


def test_another_department_is_refused_and_an_unknown_case_is_404() -> None:
    store = FakeCaseFiles()
    with pytest.raises(Forbidden):
        take(store, department="GK")
    with pytest.raises(NotFound):
        handling.open_case(store, "1418043", "f" * 32, clerk_department=None)
    assert store.writes == 0
