"""Files the office adds to a case: who may add them, what the party is told and sees of them, and settling a case
with an attached decision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.modules.cases import einformacja, office_files, retention, trail
from chalicelib.modules.cases.lifecycle import Actor, Move, State, new_life
from chalicelib.modules.cases.models import StoredCase
from chalicelib.modules.cases.paper import Scan

CLERK = Actor(subject="clerk-1", name="Anna Nowak")
OTHER = Actor(subject="clerk-2")
HEAD = Actor(subject="head-1", head=True)
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SCAN = Scan(scan_id="s" * 32, filename="decyzja.pdf", content_type="application/pdf", size=1234, sha256="ab" * 32,
            version_id="v1")


def worked(status: str = "w_toku") -> tuple[dict[str, Any], dict[str, Any]]:
    record = {"case_id": "c" * 32, "case_sign": "GK.6730.1.2026", "terc": "1418043", "status": status,
              "deadline_kind": "1-miesiac", "started_on": "2026-03-02", "due_date": "2026-04-02",
              "registered_at": "2026-03-02T10:00:00+00:00", "service": "x", "service_name": "Usługa",
              "owner": "resident-1", "assignee": "clerk-1"}
    return record, new_life()


def add(record: dict[str, Any], life: dict[str, Any], file_id: str, *, kind: str = "zalacznik",
        for_party: bool = False, actor: Actor = CLERK) -> tuple[dict[str, Any], dict[str, Any]]:
    return office_files.add(record, life, SCAN, file_id=file_id, title=f"Plik {file_id}", kind=kind,
                            for_party=for_party, actor=actor, at=AT)


def test_an_internal_file_is_listed_for_staff_and_audited_but_never_shown_to_the_party() -> None:
    record, life = worked()
    after, life_after = add(record, life, "f1")
    assert after["files"][0] == {
        "id": "f1", "title": "Plik f1", "kind": "zalacznik", "filename": "decyzja.pdf",
        "content_type": "application/pdf", "size": 1234, "sha256": "ab" * 32, "version_id": "v1",
        "added_at": AT.isoformat(), "by": "clerk-1", "for_party": False}
    entry = life_after["history"][-1]
    assert (entry["kind"], entry["inform_party"], entry["resident_text"]) == ("file", False, None)
    assert [c.action for c in trail.changed(life, after, life_after, version=2, at=AT)] == ["case.file"]
    view = einformacja.party_view(StoredCase(pk="p", sk="s", record=after, life=life_after, version=2))
    assert view["files"] == [] and [s["state"] for s in view["stages"]] == ["zarejestrowana"]
    assert "Plik f1" not in str(view)
    with pytest.raises(NotFound):
        office_files.file_of(after, "f1", party=True)
    assert office_files.file_of(after, "f1")["id"] == "f1"


def test_a_shared_decision_is_told_to_the_party_and_settles_the_case() -> None:
    record, life = add(*worked(), "f2", kind="rozstrzygniecie", for_party=True)
    assert life["history"][-1]["inform_party"] is True
    settle = office_files.settle(Move(to=State.ZALATWIONA, reason="Wydano decyzję"), "f2", actor=CLERK, at=AT)
    record, life = settle(record, life)
    assert record["status"] == "zalatwiona"
    assert life["history"][-1]["document_file"] == {"id": "f2", "title": "Plik f2"}
    view = einformacja.party_view(StoredCase(pk="p", sk="s", record=record, life=life, version=3))
    assert view["files"] == [{"id": "f2", "title": "Plik f2", "kind": "rozstrzygniecie", "filename": "decyzja.pdf",
                              "content_type": "application/pdf", "size": 1234, "sha256": "ab" * 32,
                              "added_at": AT.isoformat(), "download": f"/v1/me/cases/{'c' * 32}/files/f2"}]
    assert view["stages"][-1]["document_file"] == {"id": "f2", "title": "Plik f2"}


@pytest.mark.parametrize(("kind", "for_party"), [("zalacznik", True), ("rozstrzygniecie", False)])
def test_settling_with_an_attachment_or_an_unshared_decision_is_refused(kind: str, for_party: bool) -> None:
    record, life = add(*worked(), "f3", kind=kind, for_party=for_party)
    for file_id in ("f3", "nie-ma"):
        with pytest.raises(Conflict) as refused:
            office_files.settle(Move(to=State.ZALATWIONA, reason="x"), file_id, actor=CLERK, at=AT)(record, life)
        assert refused.value.code == "document_file_invalid"


def test_only_the_assignee_or_the_head_adds_files_and_never_to_a_closed_case() -> None:
    record, life = worked()
    with pytest.raises(Forbidden):
        add(record, life, "f4", actor=OTHER)
    assert add(record, life, "f4", actor=HEAD)[0]["files"][0]["by"] == "head-1"
    with pytest.raises(Conflict) as closed:
        add(*worked("zakonczona"), "f5")
    assert closed.value.code == "case_closed"


def test_the_office_files_go_with_the_case_to_the_archive_and_to_disposal() -> None:
    record, _ = add(*worked(), "f6")
    assert [(f["name"], f["key"], f["sha256"]) for f in retention.own_files(record)] == [
        ("files/f6", f"cases/1418043/{'c' * 32}/files/f6", "ab" * 32)]
