"""The adapters of paper cases: their registration (case, once-marker and access item in the transaction that takes
the department's next number), the access items read by sign, the lookup counters, and the scans in S3."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.core.errors import NotFound, Unprocessable
from chalicelib.core.observability import logger
from chalicelib.db.transact import Write
from chalicelib.integrations.clients import objects
from chalicelib.integrations.objects import TooLarge
from chalicelib.modules.cases.keys import case_sk, due_key, inbox_pk, state_key
from chalicelib.modules.cases.lifecycle import new_life
from chalicelib.modules.cases.lookup import AccessEntry
from chalicelib.modules.cases.models import Plan, ScanRequest, ScanSlot, StoredCase
from chalicelib.modules.cases.paper import Marker, Scan
from chalicelib.modules.cases.repository import ONCE, DynamoCases, stored_case
from chalicelib.modules.cases.resources import CaseLookupLimit, CaseTable

SCAN_MAX_BYTES = 20 * 1024 * 1024
SCAN_UPLOAD_SECONDS = 15 * 60
SCAN_LINK_SECONDS = 5 * 60
SCAN_TYPES = ("application/pdf", "image/jpeg", "image/png")


def paper_pk(terc: str) -> str:
    return f"T#{terc}#PAPER"


def sign_pk(sign: str) -> str:
    return f"SIGN#{sign}"


def access_sk(terc: str, case_id: str) -> str:
    return f"T#{terc}#{case_id}"


class DynamoPaperCases(DynamoCases):
    """The cases store, with what paper cases add to it."""

    def marker(self, terc: str, case_id: str) -> Marker | None:
        try:
            item = CaseTable.get(paper_pk(terc), f"K#{case_id}", consistent_read=True)
        except CaseTable.DoesNotExist:
            return None
        data = json.loads(item.record or "{}")
        return Marker(case_id=data["case_id"], request_sha256=data["request_sha256"], pk=data["pk"], sk=data["sk"])

    def marked_case(self, marker: Marker) -> StoredCase | None:
        try:
            return stored_case(CaseTable.get(marker.pk, marker.sk, consistent_read=True))
        except CaseTable.DoesNotExist:
            return None

    def register_paper(self, plan: Plan, *, case_id: str, build: Any, email: str | None, code_hash: str,
                       request_sha256: str) -> StoredCase | None:
        def writes(number: int, sign: str) -> tuple[StoredCase, list[Write]]:
            case, record = build(number, sign)
            pk, sk = inbox_pk(plan.terc, plan.department), case_sk(case.registered_at, case_id)
            item = CaseTable(pk=pk, sk=sk, case_id=case_id, case_sign=sign, email=email or None,
                             state_key=state_key(plan.terc, plan.department, "zarejestrowana"),
                             due_on=due_key(record, sk), record=json.dumps(record, ensure_ascii=False))
            # the marker carries no case_id: the by-case index must lead to the case alone
            marker = CaseTable(pk=paper_pk(plan.terc), sk=f"K#{case_id}", record=json.dumps(
                {"case_id": case_id, "request_sha256": request_sha256, "pk": pk, "sk": sk}))
            entry = CaseTable(pk=sign_pk(sign), sk=access_sk(plan.terc, case_id), code_hash=code_hash)
            stored = StoredCase(pk=pk, sk=sk, record=record, life=new_life(), version=0, email=email or None)
            return stored, [Write("case", item, kind="put", condition=CaseTable.sk.does_not_exist()),
                          Write(ONCE, marker, kind="put", condition=CaseTable.sk.does_not_exist()),
                          Write("access", entry, kind="put", condition=CaseTable.sk.does_not_exist())]

        return self.register_numbered(plan, writes)

    def replace_code(self, stored: StoredCase, code_hash: str) -> None:
        record = stored.record
        CaseTable(pk=sign_pk(record["case_sign"]), sk=access_sk(record["terc"], record["case_id"])).update(
            actions=[CaseTable.code_hash.set(code_hash)], condition=CaseTable.sk.exists())

    def by_sign(self, sign: str) -> list[AccessEntry]:
        found = []
        for item in CaseTable.query(sign_pk(sign), consistent_read=True, limit=20):
            _, terc, case_id = item.sk.split("#", 2)
            found.append(AccessEntry(terc=terc, case_id=case_id, code_hash=item.code_hash))
        return found


class DynamoLookupLimits:
    def take(self, key: str, *, limit: int, expires: datetime) -> bool:
        hits = CaseLookupLimit.hits
        try:
            CaseLookupLimit(pk=key).update(actions=[hits.add(1), CaseLookupLimit.expires.set(expires)],
                                           condition=hits.does_not_exist() | (hits < limit))
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def give_back(self, key: str) -> None:
        try:
            CaseLookupLimit(pk=key).update(actions=[CaseLookupLimit.hits.add(-1)],
                                           condition=CaseLookupLimit.hits > 0)
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise


# --- scans: uploaded as residents' attachments are (a presigned POST straight to S3), checked when registered ---

def scan_key(terc: str, scan_id: str) -> str:
    return f"scans/{terc}/{scan_id}"


def stored_scan_key(terc: str, case_id: str, scan_id: str) -> str:
    return f"cases/{terc}/{case_id}/scans/{scan_id}"


def stored_file_key(terc: str, case_id: str, file_id: str) -> str:
    return f"cases/{terc}/{case_id}/files/{file_id}"


def scan_link(stored: StoredCase, scan_id: str, *, now: datetime) -> dict[str, Any]:
    """A short-lived link to exactly the stored version of one of the case's scans (404 `scan_not_found`)."""
    record = stored.record
    scan = next((s for s in record.get("scans") or [] if s["scan_id"] == scan_id), None)
    if scan is None:
        raise NotFound("Sprawa nie ma takiego skanu.", code="scan_not_found")
    return _link(stored_scan_key(record["terc"], record["case_id"], scan_id), scan, now=now)


def file_link(record: dict[str, Any], file: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """A short-lived link to exactly the stored version of a file the office added to the case."""
    return _link(stored_file_key(record["terc"], record["case_id"], file["id"]), file, now=now)


def _link(key: str, scan: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    url = objects().presigned_get("documents", key, version_id=scan.get("version_id"), filename=scan["filename"],
                                  content_type=scan["content_type"], expires=SCAN_LINK_SECONDS)
    return {"url": url, "expires_at": (now + timedelta(seconds=SCAN_LINK_SECONDS)).isoformat(),
            "filename": scan["filename"], "sha256": scan["sha256"], "size": scan["size"]}


def _tag(text: str) -> str:
    """Text as S3 metadata (ASCII only)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _untag(tag: str) -> str:
    return base64.urlsafe_b64decode(tag + "=" * (-len(tag) % 4)).decode()


def scan_slot(terc: str, clerk: str, request: ScanRequest) -> ScanSlot:
    """A presigned POST for one scan: S3 enforces its key, declared type, size and uploader."""
    if request.size > SCAN_MAX_BYTES:
        raise Unprocessable("Skan jest za duży.", code="scan_refused", details=[
            {"field": "size", "code": "scan_too_large", "message": "Skan jest za duży: dozwolone najwyżej 20 MiB."}])
    scan_id = uuid.uuid4().hex
    post = objects().presigned_post("uploads", scan_key(terc, scan_id), content_type=request.content_type,
                                    max_bytes=SCAN_MAX_BYTES, expires=SCAN_UPLOAD_SECONDS,
                                    metadata={"clerk": _tag(clerk), "filename": _tag(request.filename)})
    return ScanSlot(scan_id=scan_id, upload=post, max_bytes=SCAN_MAX_BYTES)


class S3Scans:
    """Each scan named by a paper case is read back, its type checked by content against what was declared (PDF,
    JPEG or PNG) and the content policy of attachments applied, then copied into the documents bucket under
    the case. A scan of another clerk, or one not uploaded, is refused as not found."""

    def __init__(self, clerk: str) -> None:
        self._clerk = clerk

    def take(self, terc: str, case_id: str, scan_ids: list[str]) -> list[Scan]:
        taken, details = [], []
        for i, scan_id in enumerate(scan_ids):
            checked = self.checked(terc, scan_id, stored_scan_key(terc, case_id, scan_id), field=f"scans[{i}]")
            if isinstance(checked, Scan):
                taken.append(checked)
            else:
                details.append(checked)
        if len(set(scan_ids)) != len(scan_ids):
            details.append({"field": "scans", "code": "scan_repeated", "message": "Ten sam skan wskazano dwa razy."})
        if details:
            raise Unprocessable("Skany nie spełniają wymagań.", code="scans_invalid", details=details)
        return taken

    def take_file(self, terc: str, case_id: str, file_id: str, scan_id: str) -> Scan:
        """An upload the office adds to a case, checked as a scan is, kept under the case's files; 422 else."""
        checked = self.checked(terc, scan_id, stored_file_key(terc, case_id, file_id), field="scan_id")
        if not isinstance(checked, Scan):
            raise Unprocessable("Plik nie spełnia wymagań.", code="file_invalid", details=[checked])
        return checked

    def checked(self, terc: str, scan_id: str, key: str, *, field: str) -> Scan | dict[str, str]:
        """The upload copied to `key` in the documents bucket, or the detail of why it is refused."""
        from botocore.exceptions import ClientError

        from chalicelib.documents.filetypes import refusal, sniff

        try:
            obj = objects().get("uploads", scan_key(terc, scan_id), max_bytes=SCAN_MAX_BYTES)
        except (ClientError, TooLarge):
            obj = None
        if obj is None or _untag(obj.metadata.get("clerk", "")) != self._clerk:
            return {"field": field, "code": "scan_not_found",
                    "message": "Nie ma takiego skanu (przesłanego przez Ciebie w ciągu ostatniej doby)."}
        kind = sniff(obj.body) or ""
        why = ("Zawartość pliku nie jest skanem w formacie PDF, JPEG ani PNG." if kind not in SCAN_TYPES else
               "Zawartość pliku nie odpowiada zadeklarowanemu typowi." if kind != obj.content_type else
               refusal(obj.body, kind))
        if why is not None:
            return {"field": field, "code": "scan_rejected", "message": f"Skan odrzucony: {why}"}
        version = objects().put("documents", key, obj.body, kind)
        return Scan(scan_id=scan_id, filename=_untag(obj.metadata.get("filename", "")) or scan_id,
                    content_type=kind, size=obj.size, sha256=hashlib.sha256(obj.body).hexdigest(),
                    version_id=version)

    def discard(self, terc: str, scan_ids: list[str]) -> None:
        for scan_id in scan_ids:
            try:
                objects().delete("uploads", scan_key(terc, scan_id))
            except Exception:  # the bucket's lifecycle removes it within a day all the same
                logger.exception("scan upload not removed", extra={"scan_id": scan_id})
