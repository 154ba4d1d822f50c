"""Retention of closed cases' documents: who is due, what is removed (every version, only the case's own), what
the record and the audit trail say, a rerun and a crash between removal and mark; category A's package. Pure."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.modules.cases import retention, trail
from chalicelib.modules.cases.lifecycle import new_life
from chalicelib.modules.cases.models import StoredCase

T = "1418043"
SK = "C#2026-03-02T09:00:00.000000Z#"


def closed_case(case_id: str, *, category: str | None = "B5", closed_on: str | None = "2026-12-31",
                archive_date: str | None = "2032-01-01", **extra: Any) -> StoredCase:
    record = {"case_id": case_id, "case_sign": f"GK.7230.{case_id}.2026", "terc": T, "jrwa": "7230",
              "archival_category": category, "status": "zakonczona" if closed_on else "w_toku",
              "closed_on": closed_on, "archive_date": archive_date, "submission_id": case_id, **extra}
    return StoredCase(pk=f"T#{T}#D#GK", sk=SK + case_id, record=record, life=new_life(), version=3)


class Archive:
    """The cases as stored, with the archive index derived as the repository writes it; saves at the version."""

    def __init__(self, *cases: StoredCase) -> None:
        self.cases = {c.record["case_id"]: c for c in cases}
        self.saves: list[tuple[StoredCase, dict[str, Any], dict[str, Any]]] = []
        self.fail_next_save = False

    def archive_due(self, terc: str, *, upto: date) -> Iterator[dict[str, Any]]:
        for stored in list(self.cases.values()):
            keys = retention.archive_key(stored.record, stored.sk)
            if keys and keys[0] == f"T#{terc}#B" and keys[1] < (upto.isoformat() + "#~"):
                yield stored.record

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        return copy.deepcopy(self.cases.get(case_id))

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any]) -> int | None:
        if self.fail_next_save:
            self.fail_next_save = False
            raise ConnectionError("the function died")
        current = self.cases[record["case_id"]]
        if current.version != stored.version:
            return None
        self.saves.append((stored, record, life))
        self.cases[record["case_id"]] = StoredCase(pk=stored.pk, sk=stored.sk, record=record, life=life,
                                                   version=stored.version + 1)
        return stored.version + 1


class Documents:
    """The documents bucket: key -> its versions."""

    def __init__(self) -> None:
        self.versions: dict[str, list[bytes]] = {}

    def add(self, key: str, *bodies: bytes) -> None:
        self.versions.setdefault(key, []).extend(bodies)

    def submission_files(self, terc: str, submission_id: str) -> list[dict[str, Any]]:
        return [{"name": "document", "key": f"submissions/{terc}/{submission_id}/document.xml", "version_id": "v2",
                 "sha256": "d" * 64, "filename": "wniosek.xml"},
                {"name": "upp", "key": f"submissions/{terc}/{submission_id}/upp.xml", "version_id": "v1",
                 "sha256": "u" * 64, "filename": "upp.xml"}]

    def remove_submission(self, terc: str, submission_id: str) -> int:
        return self.remove_prefix(f"submissions/{terc}/{submission_id}/")

    def remove_prefix(self, prefix: str) -> int:
        gone = [k for k in self.versions if k.startswith(prefix)]
        return sum(len(self.versions.pop(k)) for k in gone)


def with_files(docs: Documents, case_id: str) -> None:
    docs.add(f"submissions/{T}/{case_id}/document.xml", b"v1", b"v2")  # two versions: both must go
    docs.add(f"submissions/{T}/{case_id}/upp.xml", b"upp")
    docs.add(f"submissions/{T}/{case_id}/attempt-2/document.xml", b"a failed attempt's copy")


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T03:00:00+00:00").astimezone(UTC)


def test_a_b5_case_keeps_its_files_until_its_archive_date_and_then_loses_every_version_with_an_audit_entry() -> None:
    archive, docs = Archive(closed_case("b5")), Documents()
    with_files(docs, "b5")
    # The day before the archive date nothing happens
    before = retention.sweep(archive, docs, terc=T, now=at("2031-12-31"))
    assert (before.disposed, archive.saves, len(docs.versions)) == ([], [], 3)
    # On it the files go, every version, and the record says so
    result = retention.sweep(archive, docs, terc=T, now=at("2032-01-01"))
    assert result.disposed == ["GK.7230.b5.2026"]
    assert result.versions_removed == 4
    assert docs.versions == {}
    stored = archive.cases["b5"]
    assert stored.record["disposed_on"] == "2032-01-01"
    assert stored.record["disposed"] == {"files": 2, "archival_category": "B5", "archive_date": "2032-01-01"}
    assert stored.record["case_sign"] == "GK.7230.b5.2026"  # the register keeps the case
    # The audit trail's entry names each file with its SHA-256, written with the mark (one save)
    before_life, _, life = archive.saves[0][0].life, archive.saves[0][1], archive.saves[0][2]
    entries = trail.changed(before_life, stored.record, life, version=4, at=at("2032-01-01"))
    assert [e.action for e in entries] == ["case.documents_disposed"]
    assert entries[0].details["files"] == [{"key": f"submissions/{T}/b5/document.xml", "sha256": "d" * 64},
                                           {"key": f"submissions/{T}/b5/upp.xml", "sha256": "u" * 64}]
    assert life["history"][-1]["inform_party"] is False
    # And the case leaves the index: a rerun removes nothing and writes nothing
    again = retention.sweep(archive, docs, terc=T, now=at("2032-01-02"))
    assert (again.disposed, again.versions_removed, len(archive.saves)) == ([], 0, 1)
    assert retention.archive_key(stored.record, stored.sk) is None


def test_a_crash_between_the_removal_and_the_mark_is_finished_by_the_next_run() -> None:
    archive, docs = Archive(closed_case("b5")), Documents()
    with_files(docs, "b5")
    archive.fail_next_save = True
    with pytest.raises(ConnectionError):
        retention.sweep(archive, docs, terc=T, now=at("2032-01-01"))
    assert docs.versions == {} and "disposed_on" not in archive.cases["b5"].record
    # The rerun marks it, listing the files from what the records know
    result = retention.sweep(archive, docs, terc=T, now=at("2032-01-02"))
    assert result.disposed == ["GK.7230.b5.2026"]
    assert len(archive.saves[0][2]["history"][-1]["files"]) == 2


@pytest.mark.parametrize(("label", "stored"), [
    ("category A", closed_case("a", category="A", archive_date=None)),
    ("open case", closed_case("open", closed_on=None, archive_date=None)),
    ("class outside the wykaz", closed_case("x", category=None, archive_date=None)),
    ("B10 not yet due", closed_case("b10", category="B10", archive_date="2037-01-01")),
])
def test_what_retention_never_removes(label: str, stored: StoredCase) -> None:
    archive, docs = Archive(stored), Documents()
    with_files(docs, stored.record["case_id"])
    result = retention.sweep(archive, docs, terc=T, now=at("2033-06-01"))
    assert (result.disposed, result.review, archive.saves, len(docs.versions)) == ([], [], [], 3), label


def test_a_be_case_past_its_date_is_only_listed_for_the_state_archives_review() -> None:
    archive, docs = Archive(closed_case("be", category="BE5"), closed_case("b5")), Documents()
    with_files(docs, "be")
    result = retention.sweep(archive, docs, terc=T, now=at("2032-01-01"))
    assert result.review == ["GK.7230.be.2026"]
    assert result.disposed == ["GK.7230.b5.2026"]
    assert len(docs.versions) == 3 and "disposed_on" not in archive.cases["be"].record
    listing = retention.due_listing((c.record for c in archive.cases.values()), date(2032, 1, 1))
    assert [c["case_sign"] for c in listing["review"]] == ["GK.7230.be.2026"]
    assert listing["dispose"] == []  # the B5 case is disposed of already


def test_a_forwarded_case_removes_its_own_copies_and_supplements_never_the_senders_submission() -> None:
    copies = [{"name": "document", "key": f"cases/{T}/fw/document", "version_id": "c1", "sha256": "c" * 64,
               "filename": "wniosek.xml"}]
    stored = closed_case("fw", forwarded_from={"terc": "1418032"}, documents=copies)
    stored.life["supplements"] = [{"submission_id": "supp"}]
    archive, docs = Archive(stored), Documents()
    docs.add("submissions/1418032/fw/document.xml", b"the sender's")
    docs.add(f"submissions/{T}/fw/document.xml", b"same id, never touched: not this case's")
    docs.add(f"cases/{T}/fw/document", b"copy")
    docs.add(f"submissions/{T}/supp/document.xml", b"letter")
    retention.sweep(archive, docs, terc=T, now=at("2032-01-01"))
    assert sorted(docs.versions) == ["submissions/1418032/fw/document.xml", f"submissions/{T}/fw/document.xml"]
    files = archive.saves[0][2]["history"][-1]["files"]
    assert [f["key"] for f in files] == [f"submissions/{T}/supp/document.xml", f"submissions/{T}/supp/upp.xml",
                                         f"cases/{T}/fw/document"]


def test_a_case_changed_meanwhile_is_left_for_the_next_run() -> None:
    class Racing(Archive):
        def find(self, terc: str | None, case_id: str) -> StoredCase | None:
            found = super().find(terc, case_id)
            self.cases[case_id] = StoredCase(**{**self.cases[case_id].__dict__, "version": 9})
            return found

    archive, docs = Racing(closed_case("b5")), Documents()
    result = retention.sweep(archive, docs, terc=T, now=at("2032-01-01"))
    assert (result.disposed, result.skipped, archive.saves) == ([], ["GK.7230.b5.2026"], [])


def test_archive_keys_by_category() -> None:
    assert retention.archive_key(closed_case("b").record, "sk") == (f"T#{T}#B", "2032-01-01#sk")
    assert retention.archive_key(closed_case("a", category="A", archive_date=None).record, "sk") == (
        f"T#{T}#A", "2026-12-31#sk")
    assert retention.archive_key(closed_case("o", closed_on=None, archive_date=None).record, "sk") is None
    assert retention.archive_key({**closed_case("d").record, "disposed_on": "2032-01-01"}, "sk") is None


def test_the_package_lists_every_file_with_its_checksum_in_the_metadata_and_the_manifest() -> None:
    stored = closed_case("a", category="A", archive_date=None, jrwa="1510", applicant="Jan Kowalski")
    stored.life["history"].append({"kind": "transition", "to": "zakonczona", "inform_party": True,
                                   "resident_text": "Sprawa zakończona."})
    files = [{"name": "document", "key": "submissions/x/document.xml", "sha256": "x", "filename": "w.xml",
              "body": b"<wniosek/>"}]
    written: dict[str, bytes] = {}
    manifest = retention.package([(stored.record, stored.life, files)], terc=T, year=2026, made_at=at("2027-02-01"),
                                 write=written.__setitem__)
    assert json.loads(written["manifest.json"]) == manifest
    for entry in manifest["files"]:
        assert hashlib.sha256(written[entry["path"]]).hexdigest() == entry["sha256"]
    assert sorted(e["path"] for e in manifest["files"]) == ["GK.7230.a.2026/files/document",
                                                            "GK.7230.a.2026/metadata.json"]
    meta = json.loads(written["GK.7230.a.2026/metadata.json"])
    assert meta["jrwa"] == {"symbol": "1510", "title": "Skargi i wnioski"}
    assert meta["files"][0]["sha256"] == hashlib.sha256(b"<wniosek/>").hexdigest()
    assert meta["history"] == [{"kind": "transition", "to": "zakonczona"}]


def test_a_run_out_of_time_leaves_the_rest_for_the_next_run() -> None:
    archive, docs = Archive(closed_case("one"), closed_case("two")), Documents()
    begun: list[int] = []

    def out_of_time() -> bool:
        begun.append(1)
        return len(begun) > 1  # time for one case only

    first = retention.sweep(archive, docs, terc=T, now=at("2032-01-01"), out_of_time=out_of_time)
    assert (len(first.disposed), first.unfinished) == (1, True)
    second = retention.sweep(archive, docs, terc=T, now=at("2032-01-02"))
    assert (len(second.disposed), second.unfinished) == (1, False)
    assert all("disposed_on" in c.record for c in archive.cases.values())


def test_each_file_of_a_case_has_a_name_of_its_own_in_the_package() -> None:
    stored = closed_case("a", category="A", archive_date=None, scans=[{"scan_id": "s1", "sha256": "s" * 64}])
    stored.life["supplements"] = [{"submission_id": "supp"}]
    files = retention.case_files(stored.record, stored.life, lambda sid: Documents().submission_files(T, sid))
    assert [f["name"] for f in files] == ["document", "upp", "supplements/supp/document", "supplements/supp/upp",
                                          "scans/s1"]


def test_one_jst_failing_does_not_keep_the_others_from_their_retention_job(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.modules.cases import workers
    from tests import samples

    swept: list[str] = []

    def fake_sweep(store: Any, documents: Any, *, terc: str, now: datetime, out_of_time: Any) -> Any:
        if terc == "1418032":
            raise RuntimeError("S3 unavailable")
        swept.append(terc)
        return retention.SweepResult(disposed=["GK.7230.1.2026"])

    configs = [samples.tenant().model_copy(update={"terc": t}) for t in ("1418032", "1418043")]
    monkeypatch.setattr(workers.tenants, "configs", lambda: configs)
    monkeypatch.setattr(workers.retention, "sweep", fake_sweep)
    monkeypatch.setattr(workers, "retention_stores", lambda: (None, None))
    with pytest.raises(RuntimeError, match="1418032"):
        workers.retention_sweeper.func({})
    assert swept == ["1418043"]
