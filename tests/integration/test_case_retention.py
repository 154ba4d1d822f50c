"""Retention in the emulator, with the clock moved: a B5 case closed in 2026 keeps its files until 1 January 2032
and then loses every version of them, its record says so and the audit chain holds the entry (and still
verifies); a category-A case closed the same day keeps every file and is in the state archive's package with
correct checksums; a BE case is only listed; an open case is never touched; a rerun does nothing."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib import cli_archive
from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.models import Filing, Plan
from chalicelib.modules.cases.repository import DynamoCases
from chalicelib.modules.submissions.facts import facts_of
from chalicelib.modules.submissions.intake import LEASE, Attempt
from chalicelib.modules.submissions.models import StoredFile, Submission, SubmissionRecord
from chalicelib.modules.submissions.repository import DynamoSubmissions
from chalicelib.resources import bucket_name, table_name
from tests import samples
from tests.conftest import ROOT, auth
from tests.integration.test_case_signs import A

ROADS = auth("clerk", A, subject="clerk-gk", department="GK")
CLOSING = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
YEAR = 2046  # the signs' year: a counter of its own, other tests count from 1


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(CLOSING)
    set_clock(fixed)
    yield fixed
    set_clock(SystemClock())


def s3() -> Any:
    return boto3.client("s3")


def versions(prefix: str) -> list[str]:
    found = s3().list_object_versions(Bucket=bucket_name("documents"), Prefix=prefix)
    return [v["Key"] for v in [*found.get("Versions", []), *found.get("DeleteMarkers", [])]]


def stored(sid: str, name: str, body: bytes) -> StoredFile:
    key = f"submissions/{A}/{sid}/{name}"
    s3().put_object(Bucket=bucket_name("documents"), Key=key, Body=b"an earlier version")  # kept by versioning
    version = s3().put_object(Bucket=bucket_name("documents"), Key=key, Body=body)["VersionId"]
    return StoredFile(key=key, version_id=version, sha256=hashlib.sha256(body).hexdigest(), size=len(body),
                      content_type="application/xml", filename=name)


def registered(category: str, jrwa: str) -> str:
    """A case of `category` registered in GK with its submission's document and UPP in S3 (two versions each)."""
    sid = uuid.uuid4().hex
    record = SubmissionRecord(document=stored(sid, "document.xml", f"<wniosek>{sid}</wniosek>".encode()),
                              upp=stored(sid, "upp.xml", f"<upp>{sid}</upp>".encode()), receipt_id=f"UPP-{sid}",
                              attachments=[], applicant=None, email=None, service_name="Zajęcie pasa drogowego",
                              office_name="Urząd Miasta i Gminy Piaseczno")
    submission = Submission(submission_id=sid, owner=f"resident-{sid[:6]}", terc=A, service="zajecie-pasa-drogowego",
                            form_version=3, request_sha256="0" * 64, delivered_at=CLOSING, record=record)
    store, now = DynamoSubmissions(), datetime.now(UTC)
    attempt = Attempt(owner=submission.owner, submission_id=sid, terc=A, attempt_id=sid[:12], fingerprint="0" * 64,
                      document_id=None, lease_until=now + LEASE)
    assert store.begin(attempt, now=now) is None
    assert store.create(submission, attempt)
    filing = Filing(submission_id=sid, owner=submission.owner, terc=A, service=submission.service,
                    facts=facts_of(submission, None, samples.tenant()))
    plan = Plan(terc=A, department="GK", department_name="Wydział Gospodarki", jrwa=jrwa, year=YEAR,
                deadline_kind=DeadlineKind.JEDEN_MIESIAC, started_on=date(2026, 6, 15), due_date=date(2026, 7, 15),
                archival_category=category)
    case = DynamoCases().register(plan, filing, at=CLOSING, notify=False)
    assert case is not None
    return sid


def move(api: Any, case_id: str, what: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = api.http.post(f"/v1/tenants/{A}/cases/{case_id}/{what}", body=json.dumps(body),
                         headers={**ROADS, "Content-Type": "application/json"})
    assert resp.status_code == 200, resp.body
    return dict(resp.json_body)


def closed(api: Any, category: str, jrwa: str) -> str:
    case_id = registered(category, jrwa)
    move(api, case_id, "assignment", {})
    move(api, case_id, "transitions", {"to": "zalatwiona", "reason": "Wydano", "document": f"GK.{jrwa}.1.2026"})
    move(api, case_id, "transitions", {"to": "zakonczona", "reason": "Doręczono"})
    return case_id


def run_job(api: Any) -> None:
    """The daily schedule's function, invoked as EventBridge would (over every JST of the region)."""
    event = api.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                         resources=[])
    api.lambda_.invoke("retention_sweeper", event)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chalicelib.cli", *args], check=False, cwd=ROOT,
                          env=os.environ.copy(), capture_output=True, text=True, timeout=120)


def case_of(api: Any, case_id: str) -> dict[str, Any]:
    resp = api.http.get(f"/v1/tenants/{A}/cases/{case_id}", headers=ROADS)
    assert resp.status_code == 200, resp.body
    return dict(resp.json_body)


def disposed_entries(case_id: str) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table(table_name("audit-chain"))
    items, start = [], None
    while True:
        page = table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"T#{A}"},
                           **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    return [i for i in items if i.get("case_id") == case_id and i.get("action") == "case.documents_disposed"]


def test_retention_removes_only_what_it_may(api: Any, clock: FixedClock, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    # Given cases closed on 2026-06-15: road lane (B5), a complaint (A), one of category BE5, and an open one
    b5, a, be = closed(api, "B5", "7230"), closed(api, "A", "1510"), closed(api, "BE5", "7230")
    still_open = registered("B5", "7230")
    legacy = closed(api, "B5", "7230")  # closed before the archive index existed: no keys on it
    cases_table = boto3.resource("dynamodb").Table(table_name("cases"))
    [item] = cases_table.query(IndexName="by-case", KeyConditionExpression="case_id = :c",
                               ExpressionAttributeValues={":c": legacy})["Items"]
    cases_table.update_item(Key={"pk": item["pk"], "sk": item["sk"]}, UpdateExpression="REMOVE archive_pk, archive_on")
    assert case_of(api, b5)["archive"]["archive_date"] == "2032-01-01"
    # On 2031-12-31 the job removes nothing
    set_clock(FixedClock(datetime(2031, 12, 31, 2, 0, tzinfo=UTC)))
    run_job(api)
    assert len(versions(f"submissions/{A}/{b5}/")) == 4
    # On 2032-01-01 (Warsaw) the B5 case's files go, every version
    set_clock(FixedClock(datetime(2032, 1, 1, 2, 0, tzinfo=UTC)))
    assert cli_archive.due(A) == 0
    listed = capsys.readouterr().out.split("(BE)")
    assert case_of(api, b5)["case"]["case_sign"] in listed[0]
    assert case_of(api, be)["case"]["case_sign"] in listed[1]  # BE: for the state archive's review
    shown = api.http.get(f"/v1/tenants/{A}/archive/due", headers=auth("tenant-admin", A)).json_body
    assert shown["on"] == "2032-01-01" and shown["complete"] is True
    assert b5 in [c["case_id"] for c in shown["dispose"]] and be in [c["case_id"] for c in shown["review"]]
    assert a not in json.dumps(shown) and still_open not in json.dumps(shown)
    run_job(api)
    assert versions(f"submissions/{A}/{b5}/") == []
    # The record says so and keeps the case; the audit chain has one entry with each file's SHA-256
    seen = case_of(api, b5)
    assert seen["case"]["disposed_on"] == seen["archive"]["disposed_on"] == "2032-01-01"
    assert seen["case"]["case_sign"].startswith("GK.7230.")
    [entry] = disposed_entries(b5)
    files = json.loads(entry["details"]) if isinstance(entry["details"], str) else entry["details"]
    expected = {f"submissions/{A}/{b5}/document.xml": hashlib.sha256(f"<wniosek>{b5}</wniosek>".encode()).hexdigest(),
                f"submissions/{A}/{b5}/upp.xml": hashlib.sha256(f"<upp>{b5}</upp>".encode()).hexdigest()}
    assert {f["key"]: f["sha256"] for f in files["files"]} == expected
    verified = cli("audit", "verify", "--tenant", A)
    assert verified.returncode == 0, verified.stderr
    # A, BE and the open case keep every file
    for kept in (a, be, still_open):
        assert len(versions(f"submissions/{A}/{kept}/")) == 4, kept
    assert "disposed_on" not in case_of(api, be)["case"]
    # A rerun removes nothing and writes no second entry
    run_job(api)
    assert len(disposed_entries(b5)) == 1
    assert len(versions(f"submissions/{A}/{a}/")) == 4
    # A case closed before the index is found only once the operator puts it there
    assert len(versions(f"submissions/{A}/{legacy}/")) == 4
    assert cli_archive.reindex(A) == 0
    assert "dopisanych do indeksu archiwum: 0" not in capsys.readouterr().out
    run_job(api)
    assert versions(f"submissions/{A}/{legacy}/") == []
    assert len(disposed_entries(legacy)) == 1
    # Category A is exported for the state archive, with checksums that match the files
    out = tmp_path / "paczka"
    assert cli_archive.export(A, 2026, out) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    for listed_file in manifest["files"]:
        assert hashlib.sha256((out / listed_file["path"]).read_bytes()).hexdigest() == listed_file["sha256"]
    sign = case_of(api, a)["case"]["case_sign"]
    meta = json.loads((out / sign / "metadata.json").read_text())
    assert (meta["archival_category"], meta["jrwa"]["symbol"], meta["closed_on"]) == ("A", "1510", "2026-06-15")
    assert (out / sign / "files" / "document").read_bytes() == f"<wniosek>{a}</wniosek>".encode()
    assert all(not path.startswith(case_of(api, b5)["case"]["case_sign"]) for path in
               (f["path"] for f in manifest["files"]))
