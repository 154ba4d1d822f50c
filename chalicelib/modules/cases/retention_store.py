"""The archive index of closed cases in DynamoDB, and the case's documents in S3, for the retention job and the
state archive's export (`cases/retention.py` holds the rules).

The index keys are written by the repository with every change of a case (`archive_actions`), so a closing puts
the case on it and the disposal's own save takes it off: the job's query reads only what is due, never scans.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import UpdateError

from chalicelib.integrations.clients import objects
from chalicelib.modules import submissions
from chalicelib.modules.cases import retention
from chalicelib.modules.cases.resources import CaseTable

if TYPE_CHECKING:
    from chalicelib.modules.cases.models import StoredCase
    from chalicelib.modules.cases.repository import DynamoCases

PAGE = 500


def archive_actions(record: dict[str, Any], sk: str) -> list[Any]:
    """The update of the case's archive keys: set while it is closed and not disposed of, else removed."""
    keys = retention.archive_key(record, sk)
    if keys is None:
        return [CaseTable.archive_pk.remove(), CaseTable.archive_on.remove()]
    return [CaseTable.archive_pk.set(keys[0]), CaseTable.archive_on.set(keys[1])]


class DynamoRetention:
    """The retention job's store: the archive index's queries, and the case read and saved by the repository
    (at the version read, with its audit entries in the same transaction)."""

    def __init__(self, cases: DynamoCases) -> None:
        self._cases = cases

    def archive_due(self, terc: str, *, upto: date) -> Iterator[dict[str, Any]]:
        """The JST's closed B and BE cases whose archive date is `upto` or before (records from the index)."""
        query = CaseTable.by_archive.query(f"T#{terc}#B", CaseTable.archive_on < (upto + timedelta(days=1)).isoformat(),
                                           page_size=PAGE)
        return (json.loads(item.record) for item in query if item.record)

    def closed_a(self, terc: str, year: int) -> Iterator[dict[str, Any]]:
        """The JST's category-A cases closed in `year` (records from the index), in the order they closed."""
        query = CaseTable.by_archive.query(f"T#{terc}#A", CaseTable.archive_on.startswith(f"{year:04d}-"),
                                           page_size=PAGE)
        return (json.loads(item.record) for item in query if item.record)

    def reindex(self, terc: str, departments: list[str]) -> int:
        """Put on the archive index the closed cases written before it existed (queries of each department's
        inbox, no scan); how many were put. A case changed meanwhile keeps what its change wrote."""
        put = 0
        for department in departments:
            for item in CaseTable.query(f"T#{terc}#D#{department}", CaseTable.sk.startswith("C#"), page_size=PAGE):
                keys = retention.archive_key(json.loads(item.record or "{}"), item.sk)
                if keys is None or item.archive_pk is not None:
                    continue
                same = (CaseTable.version == item.version) if item.version else CaseTable.version.does_not_exist()
                try:
                    item.update(actions=archive_actions(json.loads(item.record or "{}"), item.sk), condition=same)
                except UpdateError as exc:
                    if exc.cause_response_code != "ConditionalCheckFailedException":
                        raise
                    continue
                put += 1
        return put

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        return self._cases.find(terc, case_id)

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any]) -> int | None:
        return self._cases.save(stored, record, life)


class StoredDocuments:
    """A case's documents in the documents bucket: the submissions' files through that module's published
    interface, the case's own folder (forwarded copies, scans) directly; removal takes every version."""

    def submission_files(self, terc: str, submission_id: str) -> list[dict[str, Any]]:
        return submissions.stored_files(terc, submission_id)

    def remove_submission(self, terc: str, submission_id: str) -> int:
        return submissions.remove_files(terc, submission_id)

    def remove_prefix(self, prefix: str) -> int:
        return objects().purge("documents", prefix)

    def read(self, key: str, version_id: str | None) -> bytes:
        return objects().get("documents", key, max_bytes=1 << 30, version_id=version_id).body
