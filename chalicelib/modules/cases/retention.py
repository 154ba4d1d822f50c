"""Retention of closed cases' documents by their JRWA archival category (pure: no Chalice, no boto3).

A closed case of category Bn whose archive date has come loses its documents (every stored version), and its
record says so (`disposed_on`, `disposed`); its metadata and history stay, as the register of cases keeps every
case. BEn is only listed for the state archive's expert review (it may make the files archival). Category A is
never removed: it goes to the state archive as an export package (`package`). A class outside the wykaz has no
archive date, so nothing ever removes it.

The archive index (`by-archive`, sparse) holds closed cases not yet disposed of: B and BE under `T#<terc>#B`
keyed `<archive date>#<sk>` (the job asks for the keys up to today), A under `T#<terc>#A` keyed
`<closed on>#<sk>` (the export asks for a year).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol

from chalicelib.core.clock import WARSAW
from chalicelib.model import jrwa as wykaz
from chalicelib.modules.cases.models import StoredCase

DISPOSED = "documents_disposed"  # the history entry's kind: the audit action `case.documents_disposed`
REASON = "Upływ okresu przechowywania akt kategorii {category} (archiwum zakładowe)"
Verdict = Literal["dispose", "review"]


def archive_key(record: dict[str, Any], sk: str) -> tuple[str, str] | None:
    """The case's keys on the archive index (partition, sort key), or None: open, disposed of, or unknown class."""
    closed, category = record.get("closed_on"), record.get("archival_category")
    if not closed or record.get("disposed_on") or not category:
        return None
    if category == "A":
        return f"T#{record['terc']}#A", f"{closed}#{sk}"
    if record.get("archive_date"):
        return f"T#{record['terc']}#B", f"{record['archive_date']}#{sk}"
    return None


def verdict(record: dict[str, Any], today: date) -> Verdict | None:
    """What the job does with this case today: remove its documents (Bn), list it for review (BEn), or nothing."""
    category, due = record.get("archival_category"), record.get("archive_date")
    if not record.get("closed_on") or record.get("disposed_on") or not category or category == "A" or not due:
        return None
    if date.fromisoformat(due) > today:
        return None
    return "review" if wykaz.expert_review(category) else "dispose"


def own_submissions(record: dict[str, Any], life: dict[str, Any]) -> list[str]:
    """The submissions filed with this case's JST that make its documents: its own (not a forwarded case's: those
    stay with the sender, which keeps its own closed file) and the party's supplementary letters."""
    found = [] if record.get("forwarded_from") or not record.get("submission_id") else [record["submission_id"]]
    return found + [s["submission_id"] for s in life.get("supplements", []) if s.get("submission_id")]


def case_files(record: dict[str, Any], life: dict[str, Any],
               submission_files: Callable[[str], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every file of the case as its records know them, each with a name of its own in the case: the submission's
    (`document`, `upp`, `attachments/<id>`), each supplementary letter's under `supplements/<its id>/`, and the
    case's own folder's (a forwarded case's copies, `scans/<id>`, the office's `files/<id>`)."""
    own = None if record.get("forwarded_from") else record.get("submission_id")
    files = [{**f, "name": f["name"] if sid == own else f"supplements/{sid}/{f['name']}"}
             for sid in own_submissions(record, life) for f in submission_files(sid)]
    return files + own_files(record)


def case_prefix(record: dict[str, Any]) -> str:
    """The case's own folder in the documents bucket: a forwarded case's copies, a paper case's scans."""
    return f"cases/{record['terc']}/{record['case_id']}/"


def own_files(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The files kept under the case's own folder, as its record knows them (key, version, SHA-256)."""
    files = [{"name": d["name"], "key": d["key"], "version_id": d.get("version_id"), "sha256": d.get("sha256"),
              "filename": d.get("filename")} for d in record.get("documents", [])]
    kept = [("scans", s["scan_id"], s) for s in record.get("scans") or []]
    kept += [("files", f["id"], f) for f in record.get("files") or []]  # added by the office (`office_files`)
    return files + [{"name": f"{folder}/{fid}", "key": f"{case_prefix(record)}{folder}/{fid}",
                     "version_id": s.get("version_id"), "sha256": s.get("sha256"), "filename": s.get("filename")}
                    for folder, fid, s in kept]


def dispose(record: dict[str, Any], life: dict[str, Any], files: list[dict[str, Any]], *,
            at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record and life after the documents were removed: the record says when and how many, the history (and
    so the audit entry) lists each file's key and SHA-256. The party is not told: the case ended long ago."""
    record, life = copy.deepcopy(record), copy.deepcopy(life)
    on = at.astimezone(WARSAW).date().isoformat()
    listed = [{"key": f["key"], "sha256": f.get("sha256")} for f in files]
    record["disposed_on"] = on
    record["disposed"] = {"files": len(listed), "archival_category": record.get("archival_category"),
                          "archive_date": record.get("archive_date")}
    life["history"].append({
        "kind": DISPOSED, "at": at.isoformat(), "by": "system", "by_name": None,
        "reason": REASON.format(category=record.get("archival_category")),
        "from": record["status"], "to": record["status"], "inform_party": False, "resident_text": None,
        "archival_category": record.get("archival_category"), "archive_date": record.get("archive_date"),
        "files": listed})
    return record, life


# --- the job ------------------------------------------------------------------------------------------------

class RetentionStore(Protocol):
    def archive_due(self, terc: str, *, upto: date) -> Iterator[dict[str, Any]]: ...

    def find(self, terc: str | None, case_id: str) -> StoredCase | None: ...

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any]) -> int | None: ...


class CaseDocuments(Protocol):
    """The stored documents of a case: what is known of them, and their removal (every version)."""

    def submission_files(self, terc: str, submission_id: str) -> list[dict[str, Any]]: ...

    def remove_submission(self, terc: str, submission_id: str) -> int: ...

    def remove_prefix(self, prefix: str) -> int: ...


@dataclass
class SweepResult:
    disposed: list[str] = field(default_factory=list)  # case signs whose documents were removed now
    review: list[str] = field(default_factory=list)  # BE case signs due for the state archive's expert review
    versions_removed: int = 0
    skipped: list[str] = field(default_factory=list)  # changed meanwhile: tomorrow's run takes them
    unfinished: bool = False  # out of time: the rest stays on the index for the next run


def sweep(store: RetentionStore, documents: CaseDocuments, *, terc: str, now: datetime,
          out_of_time: Callable[[], bool] = lambda: False) -> SweepResult:
    """Remove the documents of every category-B case of the JST whose archive date has come, and list BE ones.

    Each case is read afresh: its files are listed from what the records know (so a rerun after a crash between
    the removal and the mark lists them again), every version under its folders removed, then the case marked in
    the transaction that appends its audit entry, at the version read. A disposed case leaves the index. A whole
    year's cases fall due on one 1 January: when `out_of_time()` says so, no further case is begun."""
    today, result = now.astimezone(WARSAW).date(), SweepResult()
    for listed in store.archive_due(terc, upto=today):
        if out_of_time():
            result.unfinished = True
            break
        found = verdict(listed, today)
        if found == "review":
            result.review.append(str(listed.get("case_sign")))
        if found != "dispose":
            continue
        stored = store.find(terc, listed["case_id"])
        if stored is None or verdict(stored.record, today) != "dispose":
            continue
        record, life = stored.record, stored.life
        sids = own_submissions(record, life)
        files = case_files(record, life, lambda sid: documents.submission_files(terc, sid))
        result.versions_removed += sum(documents.remove_submission(terc, sid) for sid in sids)
        result.versions_removed += documents.remove_prefix(case_prefix(record))
        record, life = dispose(record, life, files, at=now)
        if store.save(stored, record, life) is None:
            result.skipped.append(str(record.get("case_sign")))
            continue
        result.disposed.append(str(record.get("case_sign")))
    return result


def due_listing(listed: Iterable[dict[str, Any]], today: date) -> dict[str, list[dict[str, Any]]]:
    """The JST's closed cases due today or before: B for disposal, BE for the state archive's review."""
    shown: dict[str, list[dict[str, Any]]] = {"dispose": [], "review": []}
    for record in listed:
        found = verdict(record, today)
        if found is not None:
            shown[found].append({k: record.get(k) for k in ("case_sign", "case_id", "jrwa", "archival_category",
                                                            "closed_on", "archive_date", "status")})
    return shown


# --- category A: the package for the state archive ------------------------------------------------------------

def metadata(record: dict[str, Any], life: dict[str, Any], files: list[dict[str, Any]]) -> dict[str, Any]:
    """A category-A case's metadata for the package: sign, JRWA class, category, dates, the applicant's name, its
    files with SHA-256 (as read now) and its history (no internal notes: they are the clerks' working notes)."""
    found = wykaz.final_class(str(record.get("jrwa", "")))
    return {
        "case_sign": record.get("case_sign"), "case_id": record.get("case_id"), "terc": record.get("terc"),
        "jrwa": {"symbol": record.get("jrwa"), "title": found.title if found else None},
        "archival_category": record.get("archival_category"), "service": record.get("service"),
        "service_name": record.get("service_name"), "department": record.get("department"),
        "registered_at": record.get("registered_at"), "started_on": record.get("started_on"),
        "closed_on": record.get("closed_on"), "status": record.get("status"),
        "applicant": record.get("applicant"), "channel": record.get("channel", "e-wniosek"),
        "files": [{"path": f"files/{f['name']}", "key": f["key"], "filename": f.get("filename"),
                   "sha256": f["sha256"], "size": f["size"]} for f in files],
        "history": [{k: v for k, v in e.items() if k not in ("resident_text", "inform_party")}
                    for e in life.get("history", [])],
    }


def package(cases: Iterable[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]], *, terc: str, year: int,
            made_at: datetime, write: Callable[[str, bytes], None]) -> dict[str, Any]:
    """Write the package through `write(path, bytes)`: per case `<sign>/files/<name>` and `<sign>/metadata.json`;
    then `manifest.json` with every path's SHA-256 and size. `cases` gives (record, life, files with `body`)."""
    listed = []
    for record, life, files in cases:
        folder = str(record["case_sign"]).replace("/", "_")
        described = [{**{k: v for k, v in f.items() if k != "body"}, "size": len(f["body"]),
                      "sha256": hashlib.sha256(f["body"]).hexdigest(), "stored_sha256": f.get("sha256")}
                     for f in files]
        for f in files:
            write(f"{folder}/files/{f['name']}", f["body"])
        meta = json.dumps(metadata(record, life, described), ensure_ascii=False, indent=2).encode()
        write(f"{folder}/metadata.json", meta)
        paths = [(f"{folder}/files/{f['name']}", f["body"]) for f in files] + [(f"{folder}/metadata.json", meta)]
        listed += [{"path": p, "sha256": hashlib.sha256(b).hexdigest(), "size": len(b)} for p, b in paths]
    manifest = {"format": "eurzad-archive-package/1", "terc": terc, "year": year, "archival_category": "A",
                "made_at": made_at.isoformat(), "files": listed}
    write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    return manifest
